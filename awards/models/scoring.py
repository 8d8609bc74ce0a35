"""The year-end points table (bảng tiêu chí chấm điểm) and the sheets scored against it.

Province staff set a `CriteriaSet` per bloc kind (khối / cụm) and year; a bloc adopts it (a copy
of its own, which the head may adjust until the scoring deadline). Each member scores itself on a
`ScoreSheet`; cross-scoring adds sheets by other members (or a scoring team) on the same member;
the head settles differences per criterion (`ScoreResolution`). The arithmetic is
`awards.scoring`, which never sees these models.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blocs.models import Bloc
from emulation.fields import NFCCharField, NFCTextField
from emulation.workflow import Workflow, WorkflowModel, send_and_review


class CriteriaSet(models.Model):
    """A versioned points table: the province's for a bloc kind and year, or a bloc-year's copy.

    `confirmed` is false for the seeded example until province staff confirm it, so nobody
    mistakes the example for the province's own rules."""

    year = models.PositiveSmallIntegerField(_("năm"))
    bloc_kind = models.CharField(_("loại khối"), max_length=10, choices=Bloc.Kind)
    bloc_year = models.ForeignKey(
        "blocs.BlocYear",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="criteria_sets",
        help_text=_("Trống: bảng của tỉnh; có: bảng khối đã áp dụng."),
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="copies"
    )
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    title = NFCCharField(_("tên bảng tiêu chí"), max_length=300)
    bonus_cap = models.DecimalField(
        _("điểm thưởng tối đa"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    confirmed = models.BooleanField(_("tỉnh đã xác nhận"), default=False)
    adopted_at = models.DateTimeField(_("áp dụng lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bảng tiêu chí chấm điểm")
        verbose_name_plural = _("bảng tiêu chí chấm điểm")
        ordering = ["-year", "bloc_kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "bloc_kind", "version"],
                condition=Q(bloc_year__isnull=True),
                name="one_province_criteria_version",
            ),
            models.UniqueConstraint(
                fields=["bloc_year", "version"],
                condition=Q(bloc_year__isnull=False),
                name="one_bloc_criteria_version",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year}, v{self.version})"


class Criterion(models.Model):
    """A section heading (I, II…) or a scored criterion (I.1, I.1.a) of a criteria set."""

    class Kind(models.TextChoices):
        HEADING = "heading", _("Mục (không chấm)")
        POINTS = "points", _("Chấm điểm đến tối đa")
        YES_NO = "yes_no", _("Đạt / không đạt")
        RATE = "rate", _("Theo tỷ lệ hoàn thành chỉ tiêu")

    class Section(models.TextChoices):
        NORMAL = "normal", _("Điểm chuẩn")
        BONUS = "bonus", _("Điểm thưởng")
        PENALTY = "penalty", _("Điểm trừ")

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = NFCCharField(_("mã"), max_length=20)
    title = NFCTextField(_("nội dung tiêu chí"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    kind = models.CharField(_("cách chấm"), max_length=10, choices=Kind, default=Kind.POINTS)
    section = models.CharField(
        _("loại điểm"), max_length=10, choices=Section, default=Section.NORMAL
    )
    max_points = models.DecimalField(
        _("điểm tối đa"),
        max_digits=6,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    evidence_required = models.BooleanField(_("cần minh chứng"), default=False)
    # RATE: the achievement rate (1 = 100 %) earning the maximum, and the rate earning nothing.
    full_at = models.DecimalField(max_digits=5, decimal_places=2, default=1)
    zero_at = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    guidance = NFCTextField(_("hướng dẫn chấm"), blank=True)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="one_code_per_set"),
            models.CheckConstraint(condition=Q(zero_at__lt=models.F("full_at")), name="rate_span"),
        ]

    def __str__(self):
        return f"{self.code}. {self.title[:60]}"

    @property
    def scored(self) -> bool:
        return self.kind != self.Kind.HEADING


class ScoringPlan(models.Model):
    """How a bloc-year scores: its adopted table, the cross-check method and the aggregation.
    `seed` is the draw's, kept so the assignments can be shown to be the ones drawn."""

    class Method(models.TextChoices):
        SELF_ONLY = "self_only", _("Chỉ tự chấm, khối trưởng duyệt")
        EVERYONE = "everyone", _("Mỗi đơn vị chấm tất cả đơn vị khác")
        ASSIGNED = "assigned", _("Mỗi đơn vị chấm một số đơn vị được phân công")
        TEAM = "team", _("Tổ chấm điểm")

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("Trung bình cộng")
        MEDIAN = "median", _("Trung vị")
        TRIMMED_MEAN = "trimmed_mean", _("Trung bình bỏ điểm cao nhất và thấp nhất")

    bloc_year = models.OneToOneField(
        "blocs.BlocYear", on_delete=models.CASCADE, related_name="scoring_plan"
    )
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("cách chấm chéo"), max_length=10, choices=Method)
    per_unit = models.PositiveSmallIntegerField(
        _("số đơn vị mỗi đơn vị chấm"), null=True, blank=True
    )
    aggregation = models.CharField(
        _("cách tổng hợp"), max_length=12, choices=Aggregation, default=Aggregation.MEAN
    )
    tolerance = models.DecimalField(
        _("chênh lệch cho phép"), max_digits=5, decimal_places=2, default=0
    )
    seed = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("kế hoạch chấm điểm")
        verbose_name_plural = _("kế hoạch chấm điểm")

    def __str__(self):
        return f"{self.get_method_display()} ({self.bloc_year})"


class ScoreSheet(WorkflowModel):
    """The points one scorer gives one member: its own sheet (`scorer` is the member) or a
    cross-scoring sheet by another member or a member of the scoring team."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang chấm")
        SUBMITTED = "submitted", _("Đã gửi")
        RETURNED = "returned", _("Trả lại")
        ACCEPTED = "accepted", _("Đã duyệt")

    WORKFLOW = Workflow(
        field="status",
        moves=send_and_review(Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED),
        refusal=_("Không thể chuyển phiếu chấm điểm từ “%(old)s” sang “%(new)s”."),
    )
    EDITABLE = {Status.DRAFT, Status.RETURNED}
    COUNTED = {Status.SUBMITTED, Status.ACCEPTED}

    bloc_year = models.ForeignKey(
        "blocs.BlocYear", on_delete=models.CASCADE, related_name="score_sheets"
    )
    agency = models.ForeignKey("blocs.Agency", on_delete=models.PROTECT, related_name="+")
    scorer = models.ForeignKey("blocs.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    return_reason = NFCTextField(_("lý do trả lại"), blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phiếu chấm điểm")
        verbose_name_plural = _("phiếu chấm điểm")
        constraints = [
            models.UniqueConstraint(
                fields=["bloc_year", "agency", "scorer"], name="one_sheet_per_scorer"
            ),
        ]

    def __str__(self):
        return f"{self.agency} ← {self.scorer} ({self.bloc_year})"

    @property
    def is_own(self) -> bool:
        return self.agency_id == self.scorer_id


class Score(models.Model):
    """One criterion's points on a sheet, with the scorer's short justification."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("điểm"), max_digits=6, decimal_places=2)
    # A criterion scored by rate: the achievement rate typed (%), from which `points` came.
    rate = models.DecimalField(
        _("tỷ lệ hoàn thành (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    justification = NFCTextField(_("giải trình"), blank=True)

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_score_per_criterion"),
        ]

    def __str__(self):
        return f"{self.criterion.code}: {self.points}"

    @property
    def rate_text(self) -> str:
        """The rate as typed back into the sheet: "95" or "92.5"."""
        return f"{self.rate.normalize():f}" if self.rate is not None else ""


class ScoreEvidence(models.Model):
    """A content-checked file backing a criterion of a member's own sheet."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    original_name = NFCCharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")

    def __str__(self):
        return self.original_name


class ScoreResolution(models.Model):
    """The head's final points for one criterion of one member, where it settles a difference."""

    bloc_year = models.ForeignKey(
        "blocs.BlocYear", on_delete=models.CASCADE, related_name="score_resolutions"
    )
    agency = models.ForeignKey("blocs.Agency", on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("điểm chốt"), max_digits=6, decimal_places=2)
    reason = NFCTextField(_("lý do"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("điểm chốt")
        verbose_name_plural = _("điểm chốt")
        constraints = [
            models.UniqueConstraint(
                fields=["bloc_year", "agency", "criterion"], name="one_resolution_per_criterion"
            ),
        ]

    def __str__(self):
        return f"{self.agency} {self.criterion.code}: {self.points}"
