"""Who hears about a bloc's events, and what they read: the calls into `emulation.notify`."""

from django.urls import reverse
from django.utils.translation import gettext as _

from blocs.models import Registration
from emulation.notifications import agency_recipients, notify


def registration_moved(registration: Registration) -> None:
    """Submitted: the head's users hear; returned or accepted: the member's users hear."""
    bloc_year = registration.bloc_year
    url = reverse(
        "blocs:registration_detail",
        kwargs={"pk": bloc_year.pk, "registration_pk": registration.pk},
    )
    status = registration.status
    if status == Registration.Status.SUBMITTED:
        if not bloc_year.head_id:
            return
        recipients = agency_recipients([bloc_year.head_id])
        text = _("%(agency)s đã gửi đăng ký thi đua %(year)s của %(bloc)s.")
    elif status == Registration.Status.RETURNED:
        recipients = agency_recipients([registration.agency_id])
        text = _("Đăng ký thi đua %(year)s của %(bloc)s bị trả lại: %(reason)s")
    elif status == Registration.Status.ACCEPTED:
        recipients = agency_recipients([registration.agency_id])
        text = _("Đăng ký thi đua %(year)s của %(bloc)s đã được chấp thuận.")
    else:
        return
    values = {
        "agency": registration.agency,
        "year": bloc_year.year,
        "bloc": bloc_year.bloc,
        "reason": registration.return_reason,
    }
    notify(recipients, kind=f"registration.{status}", text=text % values, url=url)
