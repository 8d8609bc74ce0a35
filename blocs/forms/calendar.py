"""The province's calendar for one year: one date per kind of deadline (the conference a window)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.models import Deadline
from emulation.forms import PortalForm

Kind = Deadline.Kind


def _date(label):
    return forms.DateField(label=label, required=False)


class ProvinceCalendarForm(PortalForm):
    """A date per kind of deadline, named by the kind; an empty date removes that deadline."""

    submit_label = _("Lưu lịch năm")

    registration = _date(Kind.REGISTRATION.label)
    covenant_signing = _date(Kind.COVENANT_SIGNING.label)
    mid_year_review = _date(Kind.MID_YEAR_REVIEW.label)
    scoring = _date(Kind.SCORING.label)
    conference_starts_on = _date(_("Hội nghị tổng kết Khối: từ ngày"))
    conference = _date(_("Hội nghị tổng kết Khối: đến ngày"))
    dossier = _date(Kind.DOSSIER.label)
    council = _date(Kind.COUNCIL.label)

    def __init__(self, *args, current: dict[str, Deadline], **kwargs):
        kwargs.setdefault("initial", {})
        for kind, deadline in current.items():
            kwargs["initial"].setdefault(kind, deadline.due_on)
            if kind == Kind.CONFERENCE:
                kwargs["initial"].setdefault("conference_starts_on", deadline.starts_on)
        super().__init__(*args, **kwargs)
