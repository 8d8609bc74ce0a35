"""The yearly covenant (giao ước thi đua), its signatures, and the members' registrations.

A province template seeds each bloc-year's covenant; the text freezes when it opens for signing,
it becomes signed when every member signed and issued as a numbered document. Registrations carry
the titles and targets each member aims for and are reviewed by the bloc head.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from emulation.fields import NFCCharField, NFCTextField
from emulation.workflow import Workflow, WorkflowModel, moves, send_and_review


class CovenantTemplate(models.Model):
    """The province's model covenant that bloc heads copy (one row, maintained by staff)."""

    title_pattern = NFCCharField(
        _("mẫu tiêu đề"),
        max_length=200,
        default="Giao ước thi đua năm {year}",
        help_text=_("{year} được thay bằng năm thi đua."),
    )
    preamble = NFCTextField(_("lời mở đầu"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mẫu giao ước thi đua")
        verbose_name_plural = _("mẫu giao ước thi đua")

    def __str__(self):
        return str(_("Mẫu giao ước thi đua của tỉnh"))

    @classmethod
    def current(cls) -> "CovenantTemplate":
        """The province template (created empty if the data migration was not run)."""
        template = cls.objects.order_by("pk").first()
        return template or cls.objects.create()

    def title_for(self, year: int) -> str:
        return self.title_pattern.replace("{year}", str(year))


class CovenantTemplateClause(models.Model):
    template = models.ForeignKey(CovenantTemplate, on_delete=models.CASCADE, related_name="clauses")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = NFCTextField(_("nội dung"))

    class Meta:
        verbose_name = _("điều khoản mẫu")
        verbose_name_plural = _("điều khoản mẫu")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text[:80]


class CovenantQuerySet(models.QuerySet):
    def with_live_signatures(self):
        """Each covenant's signatures that are not voided, as `covenant.live_signatures`."""
        live = CovenantSignature.objects.filter(voided_at__isnull=True).select_related("agency")
        return self.prefetch_related(
            models.Prefetch("signatures", queryset=live, to_attr="live_signatures")
        )

    def for_page(self):
        """What the covenant pages and the PDF read: clauses and live signatures in one go."""
        return (
            self.select_related("bloc_year__bloc", "document")
            .prefetch_related("clauses")
            .with_live_signatures()
        )


class Covenant(WorkflowModel):
    """A bloc-year's covenant: text, conference, state; frozen once open for signing."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        OPEN = "open", _("Đang ký kết")
        SIGNED = "signed", _("Đã ký đủ")
        ISSUED = "issued", _("Đã phát hành")

    WORKFLOW = Workflow(
        field="status",
        moves=moves(
            {
                Status.DRAFT: {Status.OPEN},
                Status.OPEN: {Status.DRAFT, Status.SIGNED},
                Status.SIGNED: {Status.ISSUED, Status.DRAFT, Status.OPEN},
                Status.ISSUED: {Status.DRAFT},
            }
        ),
        refusal=_("Không thể chuyển giao ước từ “%(old)s” sang “%(new)s”."),
    )
    EDITABLE = {Status.DRAFT}

    bloc_year = models.OneToOneField(
        "blocs.BlocYear", on_delete=models.CASCADE, related_name="covenant"
    )
    title = NFCCharField(_("tiêu đề"), max_length=300)
    conference_date = models.DateField(_("ngày hội nghị ký kết"), null=True, blank=True)
    conference_place = NFCCharField(_("địa điểm"), max_length=300, blank=True)
    preamble = NFCTextField(_("lời mở đầu"), blank=True)
    registration_deadline = models.DateField(
        _("hạn đăng ký thi đua"),
        null=True,
        blank=True,
        help_text=_("Sau hạn này chỉ trưởng khối sửa được bản đăng ký (có ghi lý do)."),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    opened_at = models.DateTimeField(_("mở ký lúc"), null=True, blank=True)
    signed_at = models.DateTimeField(_("ký đủ lúc"), null=True, blank=True)
    document = models.ForeignKey(
        "emulation.IssuedDocument",
        verbose_name=_("văn bản đã phát hành"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CovenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("giao ước thi đua")
        verbose_name_plural = _("giao ước thi đua")

    def __str__(self):
        return f"{self.title} – {self.bloc_year.bloc.name}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class CovenantClause(models.Model):
    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="clauses")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = NFCTextField(_("nội dung"))

    class Meta:
        verbose_name = _("điều khoản giao ước")
        verbose_name_plural = _("điều khoản giao ước")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text[:80]


class CovenantSignature(models.Model):
    """One member's signature of the covenant. Voided (never deleted) when the covenant reopens."""

    class Method(models.TextChoices):
        PAPER = "paper", _("Ký trên giấy tại hội nghị")
        UPLOAD = "upload", _("Tải lên trang đã ký")
        DIGITAL = "digital", _("Ký số")

    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="signatures")
    agency = models.ForeignKey("blocs.Agency", on_delete=models.PROTECT, related_name="+")
    signer_name = NFCCharField(_("người ký"), max_length=150)
    signer_title = NFCCharField(_("chức vụ"), max_length=200, blank=True)
    signed_on = models.DateField(_("ngày ký"))
    method = models.CharField(_("hình thức"), max_length=10, choices=Method)
    file = models.CharField(_("tệp"), max_length=300, blank=True)
    file_name = NFCCharField(_("tên tệp gốc"), max_length=255, blank=True)
    file_size = models.PositiveIntegerField(_("kích thước (byte)"), null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    signature_valid = models.BooleanField(_("chữ ký số hợp lệ"), null=True, blank=True)
    signature_report = models.TextField(_("kết quả kiểm tra chữ ký số"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)
    voided_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)
    void_reason = NFCTextField(_("lý do hủy"), blank=True)

    class Meta:
        verbose_name = _("chữ ký giao ước")
        verbose_name_plural = _("chữ ký giao ước")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["covenant", "agency"],
                condition=Q(voided_at__isnull=True),
                name="one_live_signature_per_agency",
            )
        ]

    def __str__(self):
        return f"{self.agency} – {self.signer_name}"


class RegistrationQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("agency").prefetch_related("titles", "targets")

    def registered(self):
        """Registrations that count in the summary and the covenant annex."""
        return self.filter(status__in=Registration.COUNTED)


class Registration(WorkflowModel):
    """A member's registration for the year: the titles it aims for and its concrete targets."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        SUBMITTED = "submitted", _("Đã gửi")
        ACCEPTED = "accepted", _("Đã chấp thuận")
        RETURNED = "returned", _("Trả lại")

    WORKFLOW = Workflow(
        field="status",
        moves=send_and_review(Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED),
        refusal=_("Không thể chuyển bản đăng ký từ “%(old)s” sang “%(new)s”."),
    )
    MEMBER_EDITABLE = {Status.DRAFT, Status.RETURNED}
    COUNTED = {Status.SUBMITTED, Status.ACCEPTED}

    bloc_year = models.ForeignKey(
        "blocs.BlocYear", on_delete=models.CASCADE, related_name="registrations"
    )
    agency = models.ForeignKey("blocs.Agency", on_delete=models.PROTECT, related_name="+")
    titles = models.ManyToManyField(
        "blocs.AwardType", verbose_name=_("danh hiệu đăng ký"), blank=True, related_name="+"
    )
    note = NFCTextField(_("ghi chú"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    return_reason = NFCTextField(_("lý do trả lại"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("đăng ký thi đua")
        verbose_name_plural = _("đăng ký thi đua")
        ordering = ["agency__sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc_year", "agency"], name="one_registration_per_member"
            )
        ]

    def __str__(self):
        return f"Đăng ký thi đua {self.bloc_year.year} – {self.agency}"


class RegistrationTarget(models.Model):
    """One concrete target: "Doanh thu" "1.200" "tỷ đồng"; the value is text as members write it."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    indicator = NFCCharField(_("chỉ tiêu"), max_length=300)
    value = NFCCharField(_("giá trị"), max_length=100, blank=True)
    unit = NFCCharField(_("đơn vị tính"), max_length=100, blank=True)
    note = NFCCharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu đăng ký")
        verbose_name_plural = _("chỉ tiêu đăng ký")
        ordering = ["order", "pk"]

    def __str__(self):
        return " ".join(part for part in (self.indicator, self.value, self.unit) if part)

    @property
    def amount(self) -> str:
        """ "1.200 tỷ đồng", "100%": a percent sign sits against its number, as printed."""
        if not self.unit:
            return self.value
        if not self.value:
            return self.unit
        return f"{self.value}{self.unit}" if self.unit == "%" else f"{self.value} {self.unit}"
