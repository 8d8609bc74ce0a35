"""Cross-cutting models: users and their agency, audit log, issued documents, login throttling,
spent one-time form tokens."""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emulation.fields import NFCCharField

PROVINCE_STAFF_GROUP = "province_staff"


class User(AbstractUser):
    """A portal user. Bloc roles come from the agency; province staff from the staff group."""

    full_name = NFCCharField(_("họ và tên"), max_length=150, blank=True)
    position = NFCCharField(_("chức vụ"), max_length=150, blank=True)
    agency = models.ForeignKey(
        "blocs.Agency",
        verbose_name=_("cơ quan, đơn vị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    must_change_password = models.BooleanField(
        _("phải đổi mật khẩu khi đăng nhập"),
        default=False,
        help_text=_("Đặt khi tài khoản được tạo hoặc mật khẩu được đặt lại bởi cán bộ."),
    )
    email_notifications = models.BooleanField(_("nhận thông báo qua thư điện tử"), default=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_province_staff(self) -> bool:
        """Superusers and members of the province staff group (Ban TĐKT). Cached per instance."""
        if not self.is_authenticated or not self.is_active:
            return False
        if not hasattr(self, "_is_province_staff"):
            self._is_province_staff = (
                self.is_superuser or self.groups.filter(name=PROVINCE_STAFF_GROUP).exists()
            )
        return self._is_province_staff


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit entries are append-only.")

    def delete(self):
        raise PermissionError("Audit entries are append-only.")

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class AuditEntry(models.Model):
    """One thing someone did: who, when, from where, what (dotted code), to what, which fields.

    Append-only: the model refuses updates and deletes and, on PostgreSQL, a trigger does too.
    """

    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        # The audit row outlives the account (the name is kept in actor_name) and is never updated.
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    action = models.CharField(_("hành động"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-created_at"]),
            # The audit page's keyset pages (emulation.keyset): newest first, any page alike.
            models.Index(fields=["-created_at", "-id"], name="audit_newest_first"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries are append-only.")


def _verification_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class IssuedDocument(models.Model):
    """An official PDF the portal issued: numbered per issuing body and year, hashed, immutable."""

    issuer_code = models.CharField(_("mã cơ quan ban hành"), max_length=40)
    issuer_name = NFCCharField(_("cơ quan ban hành"), max_length=300)
    year = models.PositiveSmallIntegerField(_("năm"))
    sequence = models.PositiveIntegerField(_("số thứ tự"))
    kind = models.CharField(_("loại văn bản"), max_length=20)
    kind_label = NFCCharField(_("tên loại văn bản"), max_length=100, blank=True)
    number = models.CharField(_("số văn bản"), max_length=80)
    title = NFCCharField(_("trích yếu"), max_length=500)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, unique=True)
    verification_code = models.CharField(
        _("mã xác thực"), max_length=14, unique=True, default=_verification_code
    )
    file = models.FileField(_("tệp"), upload_to="issued/%Y/")
    # The Word copy made from the same data at issue (QĐ 311/QĐ-BNV asks for Word and PDF).
    docx_file = models.FileField(_("bản Word"), upload_to="issued/%Y/", blank=True)
    docx_sha256 = models.CharField(_("mã băm SHA-256 bản Word"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("kích thước (byte)"))
    digitally_signed = models.BooleanField(_("có chữ ký số"), default=False)
    issued_at = models.DateTimeField(_("thời điểm phát hành"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phát hành"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    bloc_year = models.ForeignKey(
        "blocs.BlocYear",
        verbose_name=_("khối thi đua - năm"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("content_type", "object_id")
    voided_at = models.DateTimeField(_("thời điểm hủy"), null=True, blank=True)
    void_reason = models.TextField(_("lý do hủy"), blank=True)
    # A re-issued paper (a new tờ trình for the same dossier) replaces the earlier one.
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("được thay thế bởi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
    )

    class Meta:
        verbose_name = _("văn bản đã phát hành")
        verbose_name_plural = _("văn bản đã phát hành")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_code", "year", "sequence"], name="issued_document_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class DocumentCounter(models.Model):
    """The last number an issuing body used in a year; locked row by row while issuing."""

    issuer_code = models.CharField(_("mã cơ quan ban hành"), max_length=40)
    year = models.PositiveSmallIntegerField(_("năm"))
    last_sequence = models.PositiveIntegerField(_("số đã cấp gần nhất"), default=0)

    class Meta:
        verbose_name = _("bộ đếm số văn bản")
        verbose_name_plural = _("bộ đếm số văn bản")
        constraints = [
            models.UniqueConstraint(fields=["issuer_code", "year"], name="document_counter_unique")
        ]

    def __str__(self):
        return f"{self.issuer_code} {self.year}: {self.last_sequence}"


class UsedFormToken(models.Model):
    """A one-time form token already spent (`emulation.form_tokens`); its key refuses the second.

    Ballot secrecy: the row holds the token, what it was for and the day, never a user, a ballot
    or a time, so it cannot tie a paper to anyone. Rows older than a few days may be deleted
    (`UsedFormToken.objects.filter(used_on__lt=...).delete()`): pages are not kept open that long.
    """

    token = models.CharField(_("mã một lần"), max_length=64, primary_key=True)
    purpose = models.CharField(_("dùng cho"), max_length=40)
    used_on = models.DateField(_("ngày dùng"), default=timezone.localdate)

    class Meta:
        verbose_name = _("mã biểu mẫu đã dùng")
        verbose_name_plural = _("mã biểu mẫu đã dùng")

    def __str__(self):
        return f"{self.purpose} {self.used_on}"


class Notification(models.Model):
    """One message to one user: a return, an acceptance, a new role, a deadline coming.

    `key` makes a reminder idempotent: the same key is never stored twice for one user, so a
    daily job run twice sends once.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("loại"), max_length=60)
    text = NFCCharField(_("nội dung"), max_length=500)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    key = models.CharField(_("khóa chống trùng"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_key_once",
            )
        ]

    def __str__(self):
        return self.text
