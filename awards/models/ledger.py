"""The award ledger: decisions, the awards they grant, and the configurable eligibility rules."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from awards import eligibility
from blocs.models import AwardType
from blocs.models.structure import dated_agency
from emulation.fields import NFCCharField, NFCTextField
from emulation.workflow import Workflow, WorkflowModel, moves


def versions_in_force(rules, year: int) -> list:
    """Of `rules` (versions already loaded), those in force on 31 December of `year`.

    The newest version of each rule (same kind, award type and required type) decides, so a
    switched-off version stops the rule from its effective date on.
    """
    last_day = datetime.date(year, 12, 31)
    newest = {}
    for rule in sorted(rules, key=lambda r: (r.effective_from, r.pk or 0)):
        if rule.effective_from <= last_day:
            newest[rule.chain_key] = rule
    return [rule for rule in newest.values() if rule.enabled]


class EligibilityRuleQuerySet(models.QuerySet):
    def in_effect(self, year: int):
        return versions_in_force(
            self.filter(effective_from__lte=datetime.date(year, 12, 31)).select_related(
                "award_type", "required_award_type"
            ),
            year,
        )


class EligibilityRule(models.Model):
    """A province's numbers for an eligibility check, with the date they take effect.

    The quota percent and rounding, which titles need a leading unit, and history templates are
    data, never constants: the province edits them when its regulation changes.
    """

    class Kind(models.TextChoices):
        QUOTA = "quota", _("Hạn mức theo tỷ lệ đơn vị dẫn đầu khối")
        LEADING_ONLY = "leading_only", _("Chỉ cho đơn vị dẫn đầu khối")
        CONSECUTIVE = "consecutive", _("N năm liên tục đạt danh hiệu")
        WINDOW = "window", _("Ít nhất k lần trong W năm")
        MIN_SCORE = "min_score", _("Điểm chấm thi đua tối thiểu")

    class Rounding(models.TextChoices):
        FLOOR = eligibility.ROUNDING_FLOOR, _("Làm tròn xuống")
        HALF_UP = eligibility.ROUNDING_HALF_UP, _("Làm tròn")
        CEIL = eligibility.ROUNDING_CEIL, _("Làm tròn lên")

    kind = models.CharField(_("loại quy tắc"), max_length=20, choices=Kind)
    award_type = models.ForeignKey(
        AwardType,
        verbose_name=_("áp dụng cho"),
        on_delete=models.PROTECT,
        related_name="eligibility_rules",
    )
    required_award_type = models.ForeignKey(
        AwardType,
        verbose_name=_("danh hiệu cần đạt trước"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    percent = models.DecimalField(
        _("tỷ lệ (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    rounding = models.CharField(
        _("cách làm tròn"), max_length=10, choices=Rounding, default=Rounding.FLOOR
    )
    min_points = models.DecimalField(
        _("điểm tối thiểu"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    years = models.PositiveSmallIntegerField(_("số năm (N hoặc W)"), null=True, blank=True)
    times = models.PositiveSmallIntegerField(_("số lần (k)"), null=True, blank=True)
    includes_achievement_year = models.BooleanField(_("tính cả năm đề nghị"), default=False)
    effective_from = models.DateField(_("hiệu lực từ ngày"))
    enabled = models.BooleanField(_("đang áp dụng"), default=True)
    legal_basis = NFCCharField(_("căn cứ"), max_length=300, blank=True)
    explanation = NFCTextField(_("giải thích"), blank=True)

    objects = EligibilityRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("quy tắc xét khen thưởng")
        verbose_name_plural = _("quy tắc xét khen thưởng")
        ordering = ["award_type__order", "kind", "-effective_from"]

    def __str__(self):
        return self.text

    @property
    def chain_key(self) -> tuple:
        """Versions with the same key replace one another by effective date."""
        return (self.kind, self.award_type_id, self.required_award_type_id)

    def to_rule(self):
        """The pure rule object `awards.eligibility` evaluates."""
        code, label = self.award_type.code, self.award_type.label
        required = self.required_award_type
        if self.kind == self.Kind.QUOTA:
            return eligibility.QuotaRule(code, self.percent or Decimal(0), self.rounding, label)
        if self.kind == self.Kind.LEADING_ONLY:
            return eligibility.LeadingOnlyRule(code, label)
        if self.kind == self.Kind.MIN_SCORE:
            return eligibility.MinScoreRule(code, self.min_points or Decimal(0), label)
        if self.kind == self.Kind.CONSECUTIVE:
            return eligibility.ConsecutiveRule(
                code,
                required.code,
                self.years or 1,
                self.includes_achievement_year,
                label,
                required.label,
            )
        return eligibility.WindowRule(
            code,
            required.code,
            self.times or 1,
            self.years or 1,
            self.includes_achievement_year,
            label,
            required.label,
        )

    @property
    def text(self) -> str:
        return eligibility.rule_text(self.to_rule())


class Decision(models.Model):
    """A commendation decision (quyết định): number, date, signer; it may cover many awards."""

    number = NFCCharField(_("số quyết định"), max_length=60)
    signed_on = models.DateField(_("ngày ký"))
    signer_name = NFCCharField(_("người ký"), max_length=150, blank=True)
    signer_title = NFCCharField(_("chức vụ người ký"), max_length=200, blank=True)
    deciding_level = models.CharField(
        _("cấp quyết định"), max_length=20, choices=AwardType.Level, blank=True
    )
    subject = NFCCharField(_("trích yếu"), max_length=500, blank=True)
    # Signed in a former province (imported with its history): numbered in that province.
    former_province = models.ForeignKey(
        "blocs.FormerProvince",
        verbose_name=_("tỉnh cũ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("quyết định khen thưởng")
        verbose_name_plural = _("quyết định khen thưởng")
        ordering = ["-signed_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "signed_on"],
                condition=Q(former_province__isnull=True),
                name="decision_number_unique",
            ),
            models.UniqueConstraint(
                fields=["former_province", "number", "signed_on"],
                condition=Q(former_province__isnull=False),
                name="decision_number_unique_in_former_province",
            ),
        ]

    def __str__(self):
        return _("Quyết định số %(number)s ngày %(date)s") % {
            "number": self.number,
            "date": self.signed_on.strftime("%d/%m/%Y"),
        }


class AwardRecordQuerySet(models.QuerySet):
    def awarded(self):
        return self.filter(status=AwardRecord.Status.AWARDED)

    def for_lineage(self, agency):
        """Awards to the agency and every predecessor (renames keep the row; mergers link)."""
        return self.filter(agency_id__in=agency.lineage_ids())

    def with_related(self):
        return self.select_related("agency", "award_type", "decision", "revoked_by")

    def as_of_year(self):
        """Records whose agencies read as they stood in the award's year (`dated_agency`)."""
        return dated_agency(self)


class AwardRecord(WorkflowModel):
    """One award in the ledger: who (an agency or a person of an agency), what, for which year."""

    class Source(models.TextChoices):
        BLOC_VOTE = "bloc_vote", _("Bình xét của khối")
        CAMPAIGN = "campaign", _("Phong trào, chuyên đề")
        EXCEPTIONAL = "exceptional", _("Đột xuất")
        IMPORTED = "imported", _("Nhập từ quyết định cũ")

    class Status(models.TextChoices):
        AWARDED = "awarded", _("Đã khen thưởng")
        REVOKED = "revoked", _("Đã thu hồi")

    # A revoked award stays on record; a new decision makes a new record.
    WORKFLOW = Workflow(
        field="status",
        moves=moves({Status.AWARDED: {Status.REVOKED}, Status.REVOKED: set()}),
        refusal=_("Khen thưởng này đã bị thu hồi."),
    )

    agency = models.ForeignKey(
        "blocs.Agency",
        verbose_name=_("cơ quan, đơn vị"),
        on_delete=models.PROTECT,
        related_name="award_records",
    )
    person_name = NFCCharField(_("họ và tên (cá nhân)"), max_length=150, blank=True)
    person_title = NFCCharField(_("chức vụ (cá nhân)"), max_length=200, blank=True)
    award_type = models.ForeignKey(
        AwardType,
        verbose_name=_("danh hiệu, hình thức"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("năm thành tích"), db_index=True)
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("quyết định"),
        on_delete=models.PROTECT,
        related_name="awards",
    )
    source = models.CharField(_("nguồn"), max_length=20, choices=Source, default=Source.BLOC_VOTE)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status, default=Status.AWARDED, db_index=True
    )
    revoked_by = models.ForeignKey(
        Decision,
        verbose_name=_("thu hồi theo quyết định"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revoked_awards",
    )
    revoke_reason = NFCTextField(_("lý do thu hồi"), blank=True)
    proposal = models.OneToOneField(
        "awards.AwardProposal",
        verbose_name=_("đề nghị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_record",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AwardRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("khen thưởng đã quyết định")
        verbose_name_plural = _("sổ khen thưởng")
        ordering = ["-year", "award_type__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "award_type", "year"],
                condition=Q(person_name="", status="awarded"),
                name="award_record_collective_once",
            ),
        ]

    def __str__(self):
        who = self.person_name or self.agency.name
        return f"{self.award_type} {self.year}: {who}"

    @property
    def is_individual(self) -> bool:
        return bool(self.person_name)
