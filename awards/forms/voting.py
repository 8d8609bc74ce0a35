"""Forms of the conference pages. Numbers are checked again by the services; forms only parse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import AwardType, Poll, PollKind, RuleSet, VotingSession
from awards.services.voting import RULE_FIELDS
from emulation.forms import NFCFormMixin

COUNT_LIMIT = 999
REASON_LENGTH = 300


class SessionForm(NFCFormMixin, forms.ModelForm):
    """The conference details; guests and committee come from their own row forms."""

    class Meta:
        model = VotingSession
        fields = [
            "held_at",
            "place",
            "chair_name",
            "chair_title",
            "chair_agency",
            "secretary_name",
            "secretary_title",
            "agenda",
            "narrative",
            "closed_at",
        ]
        widgets = {
            "held_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "closed_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "narrative": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, bloc_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair_agency"].queryset = bloc_year_members(bloc_year)
        self.fields["held_at"].input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]


def bloc_year_members(bloc_year):
    from blocs.models import Agency

    return Agency.objects.filter(memberships__bloc_year=bloc_year).order_by("sort_name")


class GuestForm(NFCFormMixin, forms.Form):
    name = forms.CharField(label=_("Họ và tên"), max_length=150)
    title = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Cơ quan"), max_length=200, required=False)


class CommitteeForm(NFCFormMixin, forms.Form):
    ROLES = [
        ("Trưởng ban", _("Trưởng ban")),
        ("Phó Trưởng ban", _("Phó Trưởng ban")),
        ("Thành viên", _("Thành viên")),
    ]
    name = forms.CharField(label=_("Họ và tên"), max_length=150)
    title = forms.CharField(label=_("Chức vụ, đơn vị"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Nhiệm vụ"), choices=ROLES, initial="Thành viên")


GuestFormSet = forms.formset_factory(GuestForm, extra=2, can_delete=True, max_num=30)
CommitteeFormSet = forms.formset_factory(CommitteeForm, extra=2, can_delete=True, max_num=10)


def rows_of(formset) -> list[dict]:
    """Filled, non-deleted rows of a valid formset as plain dicts for the JSON field."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE"})
    return rows


class AttendanceRowForm(NFCFormMixin, forms.Form):
    agency_id = forms.IntegerField(widget=forms.HiddenInput)
    present = forms.BooleanField(label=_("Có mặt"), required=False)
    representative_name = forms.CharField(label=_("Người dự"), max_length=150, required=False)
    representative_title = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)


AttendanceFormSet = forms.formset_factory(AttendanceRowForm, extra=0, max_num=200)


class CandidateChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class PollForm(NFCFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại cuộc bỏ phiếu"),
        choices=[c for c in PollKind.choices if c[0] != PollKind.TIE_BREAK],
    )
    award_type = forms.ModelChoiceField(
        label=_("Danh hiệu, hình thức khen thưởng"),
        queryset=AwardType.objects.active().collective(),
        required=False,
    )
    seats = forms.IntegerField(label=_("Số đơn vị được chọn"), min_value=1, max_value=50, initial=1)
    entry_mode = forms.ChoiceField(label=_("Cách nhập phiếu"), choices=Poll.EntryMode.choices)
    candidates = CandidateChoiceField(
        label=_("Đơn vị trong danh sách bầu"),
        queryset=None,
        required=False,
        help_text=_(
            "Để trống: các đơn vị đã đăng ký danh hiệu (hoặc mọi thành viên nếu chưa có đăng ký)."
        ),
    )

    def __init__(self, *args, bloc_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = bloc_year_members(bloc_year)

    def clean(self):
        data = super().clean()
        if data.get("kind") == PollKind.AWARD and not data.get("award_type"):
            self.add_error("award_type", _("Chọn danh hiệu, hình thức khen thưởng."))
        return data


class PollEditForm(NFCFormMixin, forms.Form):
    seats = forms.IntegerField(label=_("Số đơn vị được chọn"), min_value=1, max_value=50)
    entry_mode = forms.ChoiceField(label=_("Cách nhập phiếu"), choices=Poll.EntryMode.choices)
    candidates = CandidateChoiceField(label=_("Đơn vị trong danh sách bầu"), queryset=None)

    def __init__(self, *args, bloc_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = bloc_year_members(bloc_year)


class BallotForm(NFCFormMixin, forms.Form):
    """One paper: tick the agencies marked on it; a reason if the counters judged it invalid."""

    marks = forms.MultipleChoiceField(
        label=_("Đơn vị được đánh dấu"), required=False, widget=forms.CheckboxSelectMultiple
    )
    declared_invalid_reason = forms.CharField(
        label=_("Phiếu không hợp lệ vì (nếu có)"),
        max_length=REASON_LENGTH,
        required=False,
        help_text=_("Ví dụ: phiếu rách, không đúng mẫu, ghi thêm tên."),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["marks"].choices = [(str(value), label) for value, label in choices]

    def clean_marks(self):
        return [int(value) for value in self.cleaned_data["marks"]]


class AggregateForm(NFCFormMixin, forms.Form):
    """Counts from a paper count; one "votes_<agency id>" field per candidate."""

    issued = forms.IntegerField(label=_("Số phiếu phát ra"), min_value=0, max_value=COUNT_LIMIT)
    returned = forms.IntegerField(label=_("Số phiếu thu vào"), min_value=0, max_value=COUNT_LIMIT)
    valid = forms.IntegerField(label=_("Số phiếu hợp lệ"), min_value=0, max_value=COUNT_LIMIT)
    invalid = forms.IntegerField(
        label=_("Số phiếu không hợp lệ"), min_value=0, max_value=COUNT_LIMIT
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for candidate in self.candidates:
            self.fields[f"votes_{candidate.agency_id}"] = forms.IntegerField(
                label=_("Số phiếu đồng ý: %(name)s") % {"name": candidate.agency.name},
                min_value=0,
                max_value=COUNT_LIMIT,
            )

    def votes(self) -> dict[int, int]:
        return {c.agency_id: self.cleaned_data[f"votes_{c.agency_id}"] for c in self.candidates}


class ReasonForm(NFCFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), max_length=REASON_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class TieForm(NFCFormMixin, forms.Form):
    method = forms.ChoiceField(label=_("Cách giải quyết"), choices=RuleSet.TieRule.choices)
    chosen = forms.MultipleChoiceField(
        label=_("Đơn vị được chọn"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Khi chủ trì quyết định hoặc bốc thăm; bỏ phiếu lại thì để trống."),
    )
    decided_by = forms.CharField(
        label=_("Người quyết định / chủ trì bốc thăm"), max_length=200, required=False
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=REASON_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, tied: list[tuple[int, str]], methods: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = [(str(i), name) for i, name in tied]
        self.fields["method"].choices = [c for c in RuleSet.TieRule.choices if c[0] in methods]

    def clean_chosen(self):
        return [int(value) for value in self.cleaned_data["chosen"]]


class RuleSetForm(NFCFormMixin, forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = RULE_FIELDS
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
