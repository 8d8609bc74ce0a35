"""The emulation year's calendar: dates set by province staff for every bloc, or by one bloc."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from emulation.fields import NFCCharField


class Deadline(models.Model):
    """One date (or window) of a year. Province-wide when `bloc_year` is empty.

    A bloc may set its own date of the same kind, never later than the province's.
    """

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Đăng ký thi đua")
        COVENANT_SIGNING = "covenant_signing", _("Ký kết giao ước thi đua")
        MID_YEAR_REVIEW = "mid_year_review", _("Sơ kết 6 tháng")
        SCORING = "scoring", _("Chấm điểm thi đua")
        CONFERENCE = "conference", _("Hội nghị tổng kết Khối")
        DOSSIER = "dossier", _("Nộp hồ sơ đề nghị khen thưởng")
        COUNCIL = "council", _("Họp Hội đồng Thi đua - Khen thưởng")

    year = models.PositiveSmallIntegerField(_("năm"), db_index=True)
    bloc_year = models.ForeignKey(
        "blocs.BlocYear",
        verbose_name=_("khối thi đua"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    kind = models.CharField(_("việc"), max_length=30, choices=Kind)
    starts_on = models.DateField(_("từ ngày"), null=True, blank=True)
    due_on = models.DateField(_("hạn"))
    note = NFCCharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("hạn, mốc thời gian")
        verbose_name_plural = _("hạn, mốc thời gian")
        ordering = ["due_on", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind"],
                condition=Q(bloc_year__isnull=True),
                name="deadline_province_once",
            ),
            models.UniqueConstraint(
                fields=["bloc_year", "kind"],
                condition=Q(bloc_year__isnull=False),
                name="deadline_bloc_once",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(starts_on__lte=F("due_on")),
                name="deadline_window_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on:%d/%m/%Y}"
