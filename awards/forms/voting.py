"""Forms of the conference pages. Numbers are checked again by the services; forms only parse."""

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from awards.models import AwardType, Poll, PollKind, RuleSet, VotingSession
from awards.services.voting import RULE_FIELDS
from emulation.forms import NFCFormMixin, VietnameseDateField
from emulation.params import clean_ids

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
            "count_closed_at",
            "copies",
        ]
        widgets = {
            "held_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "closed_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "count_closed_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "narrative": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, bloc_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair_agency"].queryset = bloc_year_members(bloc_year)
        self.fields["held_at"].input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]
        self.fields["copies"].required = False

    def clean_copies(self):
        return self.cleaned_data["copies"] or VotingSession._meta.get_field("copies").default


def bloc_year_members(bloc_year):
    from blocs.models import Agency

    return Agency.objects.filter(memberships__bloc_year=bloc_year).order_by("sort_name")


class GuestForm(NFCFormMixin, forms.Form):
    """A guest: a name, or only a title when the minutes name the office ("Phó Giám đốc Sở Nội
    vụ"); a row left empty is ignored."""

    name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    title = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Cơ quan"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("organisation") and not (data.get("name") or data.get("title")):
            self.add_error("name", _("Ghi họ tên hoặc chức vụ của khách mời."))
        return data


class CommitteeForm(NFCFormMixin, forms.Form):
    ROLES = [
        ("Trưởng ban", _("Trưởng ban")),
        ("Phó Trưởng ban", _("Phó Trưởng ban")),
        ("Thành viên", _("Thành viên")),
    ]
    name = forms.CharField(label=_("Họ và tên"), max_length=150)
    title = forms.CharField(label=_("Chức vụ, đơn vị"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Nhiệm vụ"), choices=ROLES, initial="Thành viên")

    def has_changed(self):
        # The role select always has a value: a row with no name and no title is empty.
        return bool(self["name"].value() or self["title"].value())


class RowFormSet(forms.BaseFormSet):
    """Rows typed on the setup page: empty rows are skipped, filled ones must be valid."""

    def rows(self) -> list[dict]:
        """Filled, non-deleted rows as plain dicts for the JSON field."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not form.has_changed():
                continue
            rows.append({k: v for k, v in data.items() if k != "DELETE"})
        return rows


GuestFormSet = forms.formset_factory(
    GuestForm, formset=RowFormSet, extra=3, can_delete=True, max_num=30, validate_max=True
)
CommitteeFormSet = forms.formset_factory(
    CommitteeForm, formset=RowFormSet, extra=3, can_delete=True, max_num=10, validate_max=True
)


def rows_of(formset) -> list[dict]:
    return formset.rows()


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

    repeat_reason = forms.CharField(
        label=_("Lý do bỏ phiếu thêm (nếu đã có cuộc bỏ phiếu cho danh hiệu này)"),
        max_length=REASON_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Được ghi vào biên bản; để trống khi đây là cuộc bỏ phiếu đầu tiên."),
    )

    def __init__(self, *args, bloc_year, scores=None, **kwargs):
        """`scores`: the bloc's scoring results, when it scored; the candidates are then
        offered highest score first, each with its total and place."""
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = bloc_year_members(bloc_year)
        if scores is not None:
            self.fields["candidates"].widget.choices = [
                (
                    result.agency.pk,
                    _("%(name)s — %(total)s điểm, hạng %(place)s")
                    % {
                        "name": result.agency.name,
                        "total": number_format(result.total_shown, 2),
                        "place": result.place,
                    },
                )
                for result in scores.results
            ]
            self.fields["candidates"].help_text = _(
                "Theo thứ tự điểm chấm thi đua của khối. Để trống: các đơn vị đã đăng ký danh hiệu "
                "(hoặc mọi thành viên nếu chưa có đăng ký)."
            )

    @staticmethod
    def initial_from(query) -> dict:
        """A poll proposed by a link (the scoring page's vote between units tied at the top):
        kind, award, seats and candidates, shown for the head to check before creating it."""
        initial = {}
        if query.get("kind") in PollKind.values:
            initial["kind"] = query["kind"]
        for name in ("award_type", "seats"):
            if str(query.get(name, "")).isdigit():
                initial[name] = int(query[name])
        candidates = clean_ids(query.getlist("candidates"))
        if candidates:
            initial["candidates"] = candidates
        return initial

    def clean(self):
        data = super().clean()
        if data.get("kind") == PollKind.AWARD and not data.get("award_type"):
            self.add_error("award_type", _("Chọn danh hiệu, hình thức khen thưởng."))
        return data


class PollEditForm(NFCFormMixin, forms.Form):
    seats = forms.IntegerField(label=_("Số đơn vị được chọn"), min_value=1, max_value=50)
    entry_mode = forms.ChoiceField(label=_("Cách nhập phiếu"), choices=Poll.EntryMode.choices)
    candidates = CandidateChoiceField(label=_("Đơn vị trong danh sách bầu"), queryset=None)

    def __init__(self, *args, bloc_year, poll=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = bloc_year_members(bloc_year)
        if poll is not None and poll.kind == PollKind.TIE_BREAK:
            # A runoff is between the tied units for the open seats: only its entry mode changes.
            del self.fields["seats"], self.fields["candidates"]


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


def count_field(label) -> forms.IntegerField:
    """A count of ballots or votes whose every error message names the figure."""
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=COUNT_LIMIT,
        error_messages={
            "required": _("Nhập %(label)s.") % {"label": str(label).lower()},
            "invalid": _("%(label)s phải là một số nguyên.") % {"label": label},
            "min_value": _("%(label)s không được là số âm.") % {"label": label},
            "max_value": _("%(label)s không được lớn hơn %(limit)s.")
            % {"label": label, "limit": COUNT_LIMIT},
        },
    )


class AggregateForm(NFCFormMixin, forms.Form):
    """Counts from a paper count; one "votes_<agency id>" field per candidate."""

    issued = count_field(_("Số phiếu phát ra"))
    returned = count_field(_("Số phiếu thu vào"))
    valid = count_field(_("Số phiếu hợp lệ"))
    invalid = count_field(_("Số phiếu không hợp lệ"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for candidate in self.candidates:
            self.fields[f"votes_{candidate.agency_id}"] = count_field(
                _("Số phiếu đồng ý của %(name)s") % {"name": candidate.agency.name}
            )

    def votes(self) -> dict[int, int]:
        return {c.agency_id: self.cleaned_data[f"votes_{c.agency_id}"] for c in self.candidates}


class ReasonForm(NFCFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), max_length=REASON_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResetForm(ReasonForm):
    apply_rule_in_force = forms.BooleanField(
        label=_("Khi mở lại, áp dụng quy tắc hiện hành"),
        required=False,
        initial=True,
        help_text=_("Bỏ chọn để giữ quy tắc đã áp dụng khi mở cuộc bỏ phiếu."),
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

    entry_mode = forms.ChoiceField(
        label=_("Cách nhập phiếu của cuộc bỏ phiếu lại"),
        choices=Poll.EntryMode.choices,
        required=False,
    )

    def __init__(self, *args, tied: list[tuple[int, str]], methods, entry_mode=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = [(str(i), name) for i, name in tied]
        labels = dict(RuleSet.TieRule.choices)
        self.fields["method"].choices = [(m, labels[m]) for m in methods]
        self.fields["method"].initial = methods[0]
        if "runoff" in methods:
            self.fields["entry_mode"].initial = entry_mode
        else:
            del self.fields["entry_mode"]

    def clean_chosen(self):
        return [int(value) for value in self.cleaned_data["chosen"]]

    def clean_entry_mode(self):
        return self.cleaned_data.get("entry_mode") or None


class RuleSetForm(NFCFormMixin, forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = RULE_FIELDS
        field_classes = {"effective_from": VietnameseDateField}
