"""Award types: the titles and award forms of the Law on Emulation and Commendation."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from emulation.fields import NFCCharField


class AwardTypeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def collective(self):
        return self.filter(recipient__in=[AwardType.Recipient.COLLECTIVE, AwardType.Recipient.BOTH])

    def individual(self):
        return self.filter(recipient__in=[AwardType.Recipient.INDIVIDUAL, AwardType.Recipient.BOTH])


class AwardType(models.Model):
    """A title (danh hiệu thi đua) or award form (hình thức khen thưởng).

    The code is stable and referenced by rules and reports; the label is what the province prints.
    """

    class Kind(models.TextChoices):
        TITLE = "title", _("Danh hiệu thi đua")
        AWARD = "award", _("Hình thức khen thưởng")

    class Recipient(models.TextChoices):
        COLLECTIVE = "collective", _("Tập thể")
        INDIVIDUAL = "individual", _("Cá nhân")
        BOTH = "both", _("Tập thể và cá nhân")

    class Level(models.TextChoices):
        STATE_PRESIDENT = "president", _("Chủ tịch nước")
        PRIME_MINISTER = "prime_minister", _("Thủ tướng Chính phủ")
        PROVINCE_CHAIRMAN = "province_chairman", _("Chủ tịch UBND tỉnh")
        AGENCY_HEAD = "agency_head", _("Thủ trưởng cơ quan, đơn vị")

    code = models.CharField(_("mã"), max_length=30, unique=True)
    legal_name = NFCCharField(_("tên theo quy định"), max_length=300)
    label = NFCCharField(_("tên hiển thị"), max_length=300)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind)
    recipient = models.CharField(_("đối tượng"), max_length=12, choices=Recipient)
    deciding_level = models.CharField(_("cấp quyết định"), max_length=20, choices=Level)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang sử dụng"), default=True)

    objects = AwardTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("danh hiệu, hình thức khen thưởng")
        verbose_name_plural = _("danh hiệu, hình thức khen thưởng")
        ordering = ["order", "code"]
        # Created by the awards app; blocs owns it since registrations name the titles sought.
        db_table = "awards_awardtype"

    def __str__(self):
        return self.label

    @property
    def is_state_level(self) -> bool:
        """Decided above the province: the province forwards the proposal instead of deciding."""
        return self.deciding_level in (self.Level.STATE_PRESIDENT, self.Level.PRIME_MINISTER)
