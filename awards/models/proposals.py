"""Award proposals (đề nghị khen thưởng) from a bloc to the province, and their dossiers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blocs.models import AwardType
from blocs.models.structure import dated_agency
from emulation.fields import NFCCharField, NFCTextField
from emulation.workflow import Workflow, WorkflowModel, moves


class ProposalQuerySet(models.QuerySet):
    def with_related(self):
        """With their links, each agency read as it stood in the proposal's year (its tờ
        trình, the council list and the achievement report print that year's name)."""
        return dated_agency(
            self.select_related("bloc_year__bloc", "agency", "award_type", "decision")
        )

    def live(self):
        """Proposals that still count for duplicates and quotas (not rejected, not revoked)."""
        return self.exclude(
            state__in=[AwardProposal.State.COUNCIL_REJECTED, AwardProposal.State.REVOKED]
        )


class AwardProposal(WorkflowModel):
    """One proposed award: a collective (an agency) or an individual (a person of an agency).

    Created as a draft from a finalized poll's winners or by hand; moves only through the
    services in `awards.services.proposals` along its `WORKFLOW`.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SUBMITTED = "submitted", _("Đã gửi")
        UNDER_REVIEW = "under_review", _("Đang thẩm định")
        RETURNED = "returned", _("Trả lại để bổ sung")
        ACCEPTED = "accepted", _("Trình Hội đồng")
        COUNCIL_APPROVED = "council_approved", _("Hội đồng thống nhất")
        COUNCIL_REJECTED = "council_rejected", _("Hội đồng không thống nhất")
        FORWARDED = "forwarded", _("Đã trình cấp trên")
        DECIDED = "decided", _("Đã có quyết định")
        REVOKED = "revoked", _("Đã thu hồi")

    WORKFLOW = Workflow(
        field="state",
        moves=moves(
            {
                State.DRAFT: {State.SUBMITTED},
                State.SUBMITTED: {State.UNDER_REVIEW},
                State.UNDER_REVIEW: {State.RETURNED, State.ACCEPTED},
                State.RETURNED: {State.SUBMITTED},
                State.ACCEPTED: {State.COUNCIL_APPROVED, State.COUNCIL_REJECTED},
                State.COUNCIL_APPROVED: {State.DECIDED, State.FORWARDED},
                State.FORWARDED: {State.DECIDED},
                State.DECIDED: {State.REVOKED},
                State.COUNCIL_REJECTED: set(),
                State.REVOKED: set(),
            }
        ),
        refusal=_("Không thể chuyển đề nghị “%(object)s” từ “%(old)s” sang “%(new)s”."),
    )
    # The bloc may still edit the dossier in these states.
    EDITABLE_STATES = {State.DRAFT, State.RETURNED}

    class Origin(models.TextChoices):
        POLL = "poll", _("Kết quả bỏ phiếu")
        MANUAL = "manual", _("Nhập tay")

    bloc_year = models.ForeignKey(
        "blocs.BlocYear",
        verbose_name=_("khối thi đua - năm"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    agency = models.ForeignKey(
        "blocs.Agency",
        verbose_name=_("cơ quan, đơn vị"),
        on_delete=models.PROTECT,
        related_name="award_proposals",
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
    origin = models.CharField(_("nguồn"), max_length=10, choices=Origin, default=Origin.MANUAL)
    source_poll = models.ForeignKey(
        "awards.Poll",
        verbose_name=_("cuộc bỏ phiếu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    votes = models.PositiveIntegerField(_("số phiếu"), null=True, blank=True)
    percent = models.DecimalField(
        _("tỷ lệ phiếu (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    score = models.DecimalField(
        _("điểm chấm thi đua"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Tổng điểm của đơn vị trong bảng chấm điểm của khối khi lập đề nghị."),
    )
    evidence = models.JSONField(_("kết quả bỏ phiếu (bản chụp)"), default=dict, blank=True)
    basis = NFCCharField(
        _("căn cứ đề nghị"),
        max_length=300,
        blank=True,
        help_text=_(
            "Đề nghị không qua bỏ phiếu tại hội nghị tổng kết: ghi căn cứ (ví dụ “Biên bản họp "
            "bình xét ngày 15/12/2024 của Sở Y tế”); tờ trình in căn cứ này."
        ),
    )
    leads_bloc = models.BooleanField(
        _("dẫn đầu khối"),
        default=False,
        help_text=_("Đơn vị được khối bình chọn dẫn đầu năm đó (căn cứ hạn mức Cờ thi đua)."),
    )
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=State, default=State.DRAFT, db_index=True
    )
    return_reason = NFCTextField(_("lý do trả lại"), blank=True)
    council_percent = models.DecimalField(
        _("tỷ lệ tán thành của Hội đồng (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    council_note = NFCTextField(_("ghi chú của Hội đồng"), blank=True)
    decision = models.ForeignKey(
        "awards.Decision",
        verbose_name=_("quyết định"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    forwarded_letter_number = NFCCharField(_("số tờ trình cấp trên"), max_length=60, blank=True)
    forwarded_on = models.DateField(_("ngày trình cấp trên"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = _("đề nghị khen thưởng")
        ordering = ["award_type__order", "agency__sort_name", "person_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "award_type", "year"],
                condition=Q(person_name="") & ~Q(state__in=["council_rejected", "revoked"]),
                name="proposal_collective_once_per_year",
            ),
        ]

    def __str__(self):
        who = self.person_name or self.agency.name
        return f"{self.award_type} {self.year}: {who}"

    @property
    def is_individual(self) -> bool:
        return bool(self.person_name)

    @property
    def recipient_label(self) -> str:
        if self.person_name:
            title = f", {self.person_title}" if self.person_title else ""
            return f"{self.person_name}{title}, {self.agency.name}"
        return self.agency.name

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    def required_document_kinds(self) -> list[str]:
        """Dossier kinds needed before submission: an achievement report; titles add the
        minutes; individual titles add initiatives. The request letter is issued by the
        submission itself, listing exactly what is sent."""
        kinds = []
        if self.award_type.kind == AwardType.Kind.TITLE:
            kinds.append(ProposalDocument.Kind.MINUTES)
        kinds.append(ProposalDocument.Kind.ACHIEVEMENT_REPORT)
        if self.is_individual and self.award_type.kind == AwardType.Kind.TITLE:
            kinds.append(ProposalDocument.Kind.INITIATIVE)
        return kinds

    def missing_document_kinds(self, documents=None) -> list[str]:
        """Required kinds not yet in the dossier (`documents` may be a prefetched list)."""
        documents = self.documents.all() if documents is None else documents
        present = {document.kind for document in documents}
        return [kind for kind in self.required_document_kinds() if kind not in present]


class ProposalDocument(models.Model):
    """One paper of a proposal's dossier: an issued document of the portal or an upload."""

    class Kind(models.TextChoices):
        REQUEST_LETTER = "request_letter", _("Tờ trình đề nghị khen thưởng")
        MINUTES = "minutes", _("Biên bản họp bình xét")
        ACHIEVEMENT_REPORT = "achievement_report", _("Báo cáo thành tích")
        INITIATIVE = "initiative", _("Giấy chứng nhận sáng kiến")
        OTHER = "other", _("Tài liệu khác")

    proposal = models.ForeignKey(AwardProposal, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("loại tài liệu"), max_length=20, choices=Kind)
    issued_document = models.ForeignKey(
        "emulation.IssuedDocument",
        verbose_name=_("văn bản đã phát hành"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Storage name under MEDIA_ROOT/private/ (emulation.uploads); no URL serves it directly.
    stored_name = models.CharField(max_length=300, blank=True, editable=False)
    original_name = NFCCharField(_("tên tệp"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(_("kích thước (byte)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tài liệu hồ sơ đề nghị")
        verbose_name_plural = _("tài liệu hồ sơ đề nghị")
        ordering = ["kind", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.issued_document_id:
            return self.issued_document.number
        return self.original_name


class LeadingUnit(models.Model):
    """A unit that leads its bloc in a year (đơn vị dẫn đầu khối): a fact of the bloc-year, set
    from its vote on the provincial flag or by the head with a reason. The Government Flag
    quota counts these, at most `LEADING_UNITS_PER_BLOC` per bloc-year."""

    class Source(models.TextChoices):
        VOTE = "vote", _("Kết quả bỏ phiếu Cờ thi đua của tỉnh")
        HEAD = "head", _("Trưởng khối xác định")

    bloc_year = models.ForeignKey(
        "blocs.BlocYear", on_delete=models.CASCADE, related_name="leading_units"
    )
    agency = models.ForeignKey("blocs.Agency", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("căn cứ"), max_length=10, choices=Source)
    reason = NFCTextField(_("lý do"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("đơn vị dẫn đầu khối")
        verbose_name_plural = _("đơn vị dẫn đầu khối")
        ordering = ["bloc_year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bloc_year", "agency"], name="leading_unit_once"),
        ]

    def __str__(self):
        return f"{self.agency} – {self.bloc_year}"
