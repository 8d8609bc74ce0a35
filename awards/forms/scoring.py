"""Forms of the scoring pages. The sheet form is built from the bloc's criteria; the service
checks every value against its criterion, so the form only carries text."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import Criterion, ScoringPlan
from awards.services.scoring import CRITERION_FIELDS
from blocs.covenant_reads import members_of
from blocs.models import Bloc
from emulation.forms import PortalForm
from emulation.params import FIRST_YEAR, LAST_YEAR
from emulation.pipeline import UploadForm
from emulation.uploads import PdfUploadField


class ScoringPlanForm(PortalForm):
    method = forms.ChoiceField(label=_("Cách chấm chéo"), choices=ScoringPlan.Method.choices)
    aggregation = forms.ChoiceField(
        label=_("Tổng hợp điểm chấm chéo"), choices=ScoringPlan.Aggregation.choices
    )
    per_unit = forms.IntegerField(
        label=_("Số đơn vị mỗi đơn vị chấm (khi phân công)"), required=False, min_value=1
    )
    team = forms.MultipleChoiceField(
        label=_("Tổ chấm điểm (khi chấm theo tổ)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tolerance = forms.DecimalField(
        label=_("Chênh lệch cho phép giữa tự chấm và chấm chéo (điểm)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=0,
    )
    submit_label = _("Phân công chấm điểm")

    def __init__(self, *args, bloc_year, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "method": instance.method,
                "aggregation": instance.aggregation,
                "per_unit": instance.per_unit,
                "tolerance": instance.tolerance,
            }
        super().__init__(*args, **kwargs)
        self._agencies = {m.agency_id: m.agency for m in members_of(bloc_year)}
        self.fields["team"].choices = [(pk, a.name) for pk, a in self._agencies.items()]

    def clean_team(self):
        return [self._agencies[int(pk)] for pk in self.cleaned_data["team"]]


class EvidenceForm(PortalForm):
    """A file for one criterion, posted with the sheet's own form (its "attach" button); the
    browser must not demand a file when the sheet is only saved or sent."""

    use_required_attribute = False
    form_tag = False
    criterion = forms.TypedChoiceField(label=_("Minh chứng cho tiêu chí"), coerce=int)
    file = PdfUploadField(label=_("Tệp minh chứng"))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [
            (c.pk, f"{c.code}. {c.title[:80]}") for c in criteria if c.scored
        ]


class ReturnSheetForm(PortalForm):
    reason = forms.CharField(label=_("Lý do trả lại"), max_length=1000)


class ResolveForm(PortalForm):
    agency = forms.IntegerField(widget=forms.HiddenInput)
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.CharField(label=_("Điểm chốt"), max_length=10)
    reason = forms.CharField(label=_("Lý do"), max_length=1000)


class SheetForm(PortalForm):
    """Two fields a scored criterion: `p<id>` (points, as typed) and `j<id>` (justification)."""

    form_tag = False

    def __init__(self, data, *, criteria, scores):
        super().__init__(data)
        self.criteria = criteria
        for criterion in criteria:
            if not criterion.scored:
                continue
            saved = scores.get(criterion.pk)
            points = forms.CharField(
                label=criterion.code,
                required=False,
                max_length=10,
                initial="" if saved is None else f"{saved.points.normalize():f}",
                widget=forms.TextInput(
                    {"inputmode": "decimal", "autocomplete": "off", "class": "form-control"}
                ),
            )
            if criterion.kind == Criterion.Kind.YES_NO:
                points.widget = forms.Select(
                    choices=[
                        ("", "—"),
                        ("0", _("Không đạt (0)")),
                        (f"{criterion.max_points.normalize():f}", _("Đạt")),
                    ],
                    attrs={"class": "form-select"},
                )
            # What the page's running total (static/js/sheet_total.js) needs of the criterion.
            points.widget.attrs |= {
                "data-points": criterion.section,
                "data-max": f"{criterion.max_points.normalize():f}",
            }
            self.fields[f"p{criterion.pk}"] = points
            if criterion.kind == Criterion.Kind.RATE:
                self.fields[f"r{criterion.pk}"] = forms.CharField(
                    label=_("Tỷ lệ hoàn thành (%%) %(code)s") % {"code": criterion.code},
                    required=False,
                    max_length=10,
                    initial="" if saved is None or saved.rate is None else saved.rate_text,
                    widget=forms.TextInput(
                        {
                            "inputmode": "decimal",
                            "autocomplete": "off",
                            "class": "form-control",
                            "data-rate-for": f"id_p{criterion.pk}",
                            "data-zero": f"{criterion.zero_at.normalize():f}",
                            "data-full": f"{criterion.full_at.normalize():f}",
                        }
                    ),
                    help_text=_(
                        "Nhập tỷ lệ để tính điểm: %(zero)s%% được 0 điểm, từ %(full)s%% được "
                        "%(max)s điểm."
                    )
                    % {
                        "zero": f"{(criterion.zero_at * 100).normalize():f}",
                        "full": f"{(criterion.full_at * 100).normalize():f}",
                        "max": f"{criterion.max_points.normalize():f}",
                    },
                )
            self.fields[f"j{criterion.pk}"] = forms.CharField(
                label=_("Giải trình"),
                required=False,
                max_length=2000,
                initial=saved.justification if saved else "",
                widget=forms.TextInput(
                    {"class": "form-control", "placeholder": str(_("Giải trình (nếu có)"))}
                ),
            )

    def rows(self):
        """(criterion, points field, justification field, rate field or None) in the table's
        order; headings alone."""
        return [
            (
                criterion,
                self[f"p{criterion.pk}"] if criterion.scored else None,
                self[f"j{criterion.pk}"] if criterion.scored else None,
                self[f"r{criterion.pk}"] if f"r{criterion.pk}" in self.fields else None,
            )
            for criterion in self.criteria
        ]

    def entries(self) -> dict:
        """{criterion id: (points text, justification, rate text)} as typed (NFC), for the
        service; call once the form is valid."""
        data = self.cleaned_data
        return {
            criterion.pk: (
                data.get(f"p{criterion.pk}", ""),
                data.get(f"j{criterion.pk}", ""),
                data.get(f"r{criterion.pk}", ""),
            )
            for criterion in self.criteria
            if criterion.scored and f"p{criterion.pk}" in data
        }


def sheet_form(criteria, sheet, data=None) -> SheetForm:
    scores = {score.criterion_id: score for score in sheet.scores.all()}
    return SheetForm(data, criteria=criteria, scores=scores)


def bonus_cap_field() -> forms.DecimalField:
    """A table's cap on the bonus points in all (empty: none)."""
    return forms.DecimalField(
        label=_("Điểm thưởng tối đa"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text=_("Để trống: không giới hạn tổng điểm thưởng."),
    )


class CriteriaUploadForm(UploadForm):
    """A criteria workbook and what it is for: the year, the bloc kind, the table's name and
    the bonus cap (kept with the pending upload; the commit saves them as the new version)."""

    year = forms.IntegerField(label=_("Năm áp dụng"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    bloc_kind = forms.ChoiceField(label=_("Loại khối"), choices=Bloc.Kind.choices)
    title = forms.CharField(label=_("Tên bảng tiêu chí"), max_length=300)
    bonus_cap = bonus_cap_field()
    field_order = ["year", "bloc_kind", "title", "bonus_cap", "file"]

    @classmethod
    def initial_from(cls, query) -> dict:
        initial = {"title": _("Bảng tiêu chí chấm điểm thi đua các khối")}
        if str(query.get("year", "")).isdigit():
            initial["year"] = int(query["year"])
        if query.get("bloc_kind") in Bloc.Kind.values:
            initial["bloc_kind"] = query["bloc_kind"]
        return initial

    def options(self) -> dict:
        bonus_cap = self.cleaned_data["bonus_cap"]
        return {
            "year": self.cleaned_data["year"],
            "bloc_kind": self.cleaned_data["bloc_kind"],
            "title": self.cleaned_data["title"].strip(),
            "bonus_cap": "" if bonus_cap is None else str(bonus_cap),
        }


class CriteriaCopyForm(PortalForm):
    year = forms.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    bloc_kind = forms.ChoiceField(choices=Bloc.Kind.choices)


class CopyAdjustForm(PortalForm):
    """The bloc's copy of the table, adjusted before the first sheet is sent: each criterion's
    wording, maximum and evidence, or its removal, and the bonus cap. Headings, codes, how each
    criterion is scored and its section stay the province's; the service checks the whole."""

    form_tag = False
    bonus_cap = bonus_cap_field()

    def __init__(self, data=None, *, criteria_set):
        super().__init__(data, initial={"bonus_cap": criteria_set.bonus_cap})
        self.criteria = list(criteria_set.criteria.all())
        for criterion in self.criteria:
            if not criterion.scored:
                continue
            key = criterion.pk
            self.fields[f"t{key}"] = forms.CharField(
                label=_("Nội dung tiêu chí %(code)s") % {"code": criterion.code},
                max_length=1000,
                initial=criterion.title,
                widget=forms.Textarea({"rows": 2, "class": "form-control"}),
            )
            self.fields[f"m{key}"] = forms.CharField(
                label=_("Điểm tối đa %(code)s") % {"code": criterion.code},
                max_length=10,
                initial=f"{criterion.max_points.normalize():f}",
                widget=forms.TextInput({"inputmode": "decimal", "class": "form-control"}),
            )
            self.fields[f"e{key}"] = forms.BooleanField(
                label=_("Cần minh chứng"),
                required=False,
                initial=criterion.evidence_required,
                widget=forms.CheckboxInput({"class": "form-check-input"}),
            )
            self.fields[f"r{key}"] = forms.BooleanField(
                label=_("Bỏ tiêu chí này"),
                required=False,
                widget=forms.CheckboxInput({"class": "form-check-input"}),
            )

    def rows(self):
        """(criterion, title, maximum, evidence, remove) fields in the table's order."""
        return [
            (c, *(self[f"{p}{c.pk}"] for p in "tmer")) if c.scored else (c, None, None, None, None)
            for c in self.criteria
        ]

    def criteria_rows(self) -> list[dict]:
        """The adjusted table as rows for `adopt_criteria` (call once the form is valid)."""
        data, rows = self.cleaned_data, []
        for criterion in self.criteria:
            row = {field: getattr(criterion, field) for field in CRITERION_FIELDS}
            if criterion.scored:
                if data[f"r{criterion.pk}"]:
                    continue
                row |= {
                    "title": data[f"t{criterion.pk}"],
                    "max_points": data[f"m{criterion.pk}"],
                    "evidence_required": data[f"e{criterion.pk}"],
                }
            rows.append(row)
        return rows
