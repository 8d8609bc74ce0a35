"""The province's calendar for one year: one date per kind of deadline (the conference a window)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.models import Deadline
from emulation.forms import PortalForm, VietnameseDateField

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


class BlocCalendarForm(PortalForm):
    """The bloc's own date of each kind but registration (that is the covenant's deadline), each
    field saying the province's date it may not pass; an empty date means the province's."""

    submit_label = _("Lưu lịch của khối")

    def __init__(self, *args, calendar, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label, province, own in calendar:
            if kind == Kind.REGISTRATION:
                continue
            hint = (
                _("Hạn chung của tỉnh: %(day)s. Để trống là theo hạn của tỉnh.")
                % {"day": province.due_on.strftime("%d/%m/%Y")}
                if province
                else _("Tỉnh chưa đặt hạn này.")
            )
            if kind == Kind.CONFERENCE:
                self.fields["conference_starts_on"] = VietnameseDateField(
                    label=_("%(kind)s: từ ngày") % {"kind": label},
                    required=False,
                    initial=own.starts_on if own else None,
                )
                label = _("%(kind)s: đến ngày") % {"kind": label}
            self.fields[kind] = VietnameseDateField(
                label=label, required=False, initial=own.due_on if own else None, help_text=hint
            )
