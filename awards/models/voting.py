"""The year-end conference: rule sets, sessions, attendance, polls, candidates and secret ballots.

Ballots are secret by schema: a `Ballot` holds a serial and the marked candidates, never a voter,
a user, an address or a time. Who received and returned ballots is the attendance register.
"""

from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.tally import RuleSpec, TallyResult
from emulation.fields import NFCCharField, NFCTextField
from emulation.workflow import Workflow, WorkflowModel, moves


class PollKind(models.TextChoices):
    AWARD = "award", _("Bình chọn danh hiệu, hình thức khen thưởng")
    NEXT_HEAD = "next_head", _("Bầu Trưởng khối năm sau")
    NEXT_DEPUTY = "next_deputy", _("Bầu Phó Trưởng khối năm sau")
    TIE_BREAK = "tie_break", _("Bỏ phiếu lại khi bằng phiếu")


class RuleSetQuerySet(models.QuerySet):
    def effective_on(self, on_date):
        return self.filter(effective_from__lte=on_date).order_by(
            "-effective_from", "-version", "-pk"
        )

    def current_for(self, kind: str, award_type, on_date):
        """The rule in force for a poll: the award type's own, else the kind's general one; of
        the same date, the newest version."""
        rules = self.effective_on(on_date).filter(poll_kind=kind)
        if award_type is not None:
            own = rules.filter(award_type=award_type).first()
            if own:
                return own
        return rules.filter(award_type__isnull=True).first()


class RuleSet(models.Model):
    """Province regulation on how a poll passes: configuration with an effective date."""

    class Base(models.TextChoices):
        ALL_MEMBERS = "all_members", _("Tổng số thành viên của khối")
        PRESENT = "present", _("Số thành viên có mặt")
        RETURNED = "returned", _("Số phiếu thu vào")
        VALID = "valid", _("Số phiếu hợp lệ")

    class Comparator(models.TextChoices):
        GT = "gt", _("Trên (>)")
        GE = "ge", _("Từ … trở lên (≥)")

    class TieRule(models.TextChoices):
        RUNOFF = "runoff", _("Bỏ phiếu lại giữa các đơn vị bằng phiếu")
        CHAIR = "chair", _("Chủ trì hội nghị quyết định")
        LOT = "lot", _("Bốc thăm")
        LEADERS = "leaders", _("Trưởng khối và Phó Trưởng khối quyết định")

    poll_kind = models.CharField(
        _("loại cuộc bỏ phiếu"),
        max_length=12,
        choices=[c for c in PollKind.choices if c[0] != PollKind.TIE_BREAK],
        default=PollKind.AWARD,
    )
    award_type = models.ForeignKey(
        "blocs.AwardType",
        verbose_name=_("danh hiệu, hình thức"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rule_sets",
        help_text=_("Để trống: áp dụng cho mọi danh hiệu chưa có quy tắc riêng."),
    )
    effective_from = models.DateField(_("áp dụng từ ngày"))
    base = models.CharField(_("căn cứ tính tỷ lệ"), max_length=12, choices=Base)
    comparator = models.CharField(_("so sánh"), max_length=2, choices=Comparator)
    threshold_numerator = models.PositiveSmallIntegerField(_("tỷ lệ: tử số"))
    threshold_denominator = models.PositiveSmallIntegerField(
        _("tỷ lệ: mẫu số"), validators=[MinValueValidator(1)]
    )
    quorum_numerator = models.PositiveSmallIntegerField(_("số có mặt tối thiểu: tử số"))
    quorum_denominator = models.PositiveSmallIntegerField(
        _("số có mặt tối thiểu: mẫu số"), validators=[MinValueValidator(1)]
    )
    max_marks = models.PositiveSmallIntegerField(
        _("số đơn vị được đánh dấu tối đa trên mỗi phiếu"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Để trống: bằng số đơn vị được chọn của cuộc bỏ phiếu."),
    )
    self_vote_allowed = models.BooleanField(_("được bỏ phiếu cho đơn vị mình"), default=True)
    tie_rule = models.CharField(_("khi bằng phiếu ở vị trí cuối"), max_length=8, choices=TieRule)
    max_rounds = models.PositiveSmallIntegerField(
        _("số vòng bỏ phiếu tối đa"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Tính cả lần bỏ phiếu đầu. Để trống: không giới hạn. Ví dụ 2: bỏ phiếu lại một lần, "
            "nếu vẫn bằng phiếu thì áp dụng cách quyết định cuối cùng."
        ),
    )
    fallback_rule = models.CharField(
        _("khi hết số vòng: cách quyết định"),
        max_length=8,
        choices=TieRule,
        blank=True,
        help_text=_("Bắt buộc khi có giới hạn số vòng; không thể là bỏ phiếu lại."),
    )
    legal_basis = NFCCharField(_("căn cứ quy định"), max_length=300, blank=True)
    # A version once used by a counted poll never changes: an edit saves the next version.
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("quy tắc bỏ phiếu")
        verbose_name_plural = _("quy tắc bỏ phiếu")
        ordering = ["poll_kind", "award_type__order", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["poll_kind", "award_type", "effective_from", "version"],
                name="rule_set_unique_per_type_date_version",
            ),
            models.UniqueConstraint(
                fields=["poll_kind", "effective_from", "version"],
                condition=Q(award_type__isnull=True),
                name="rule_set_unique_default_per_date_version",
            ),
            models.CheckConstraint(
                condition=Q(threshold_numerator__lte=models.F("threshold_denominator"))
                & Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="rule_set_fractions_at_most_one",
            ),
        ]

    def __str__(self):
        target = self.award_type or self.get_poll_kind_display()
        return f"{target} – {self.effective_from:%d/%m/%Y}{self.version_label}"

    @property
    def version_label(self) -> str:
        return f" (phiên bản {self.version})" if self.version > 1 else ""

    def clean(self):
        if self.threshold_denominator and self.threshold_numerator > self.threshold_denominator:
            raise ValidationError({"threshold_numerator": _("Tỷ lệ không được lớn hơn 100%.")})
        if self.quorum_denominator and self.quorum_numerator > self.quorum_denominator:
            raise ValidationError({"quorum_numerator": _("Số có mặt tối thiểu không quá 100%.")})
        if self.award_type_id and self.poll_kind != PollKind.AWARD:
            raise ValidationError(
                {"award_type": _("Chỉ quy tắc bình chọn danh hiệu mới gắn với một danh hiệu.")}
            )
        if self.max_rounds and not self.fallback_rule:
            raise ValidationError(
                {"fallback_rule": _("Chọn cách quyết định khi đã hết số vòng bỏ phiếu.")}
            )
        if self.fallback_rule == self.TieRule.RUNOFF:
            raise ValidationError(
                {"fallback_rule": _("Khi đã hết số vòng thì không thể bỏ phiếu lại thêm.")}
            )

    def spec(self) -> RuleSpec:
        return RuleSpec(
            base=self.base,
            comparator=self.comparator,
            threshold=Fraction(self.threshold_numerator, self.threshold_denominator),
            quorum=Fraction(self.quorum_numerator, self.quorum_denominator),
            max_marks=self.max_marks,
            self_vote_allowed=self.self_vote_allowed,
            tie_rule=self.tie_rule,
            max_rounds=self.max_rounds,
            fallback_rule=self.fallback_rule if self.max_rounds else "",
        )


class VotingSession(WorkflowModel):
    """A bloc-year's year-end conference (hội nghị tổng kết) and its minutes."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Đang chuẩn bị, tiến hành")
        FINALIZED = "finalized", _("Đã kết thúc, phát hành biên bản")

    WORKFLOW = Workflow(
        field="state",
        moves=moves(
            {
                State.DRAFT: {State.FINALIZED},
                State.FINALIZED: {State.DRAFT},  # reopen: province staff, with a reason
            }
        ),
        refusal=_("Không thể chuyển hội nghị từ “%(old)s” sang “%(new)s”."),
    )

    bloc_year = models.OneToOneField(
        "blocs.BlocYear",
        verbose_name=_("khối thi đua - năm"),
        on_delete=models.PROTECT,
        related_name="voting_session",
    )
    held_at = models.DateTimeField(_("thời gian bắt đầu"))
    place = NFCCharField(_("địa điểm"), max_length=300)
    chair_name = NFCCharField(_("chủ trì: họ và tên"), max_length=150)
    chair_title = NFCCharField(_("chủ trì: chức vụ"), max_length=200, blank=True)
    chair_agency = models.ForeignKey(
        "blocs.Agency",
        verbose_name=_("chủ trì: đơn vị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    secretary_name = NFCCharField(_("thư ký: họ và tên"), max_length=150, blank=True)
    secretary_title = NFCCharField(_("thư ký: chức vụ"), max_length=200, blank=True)
    guests = models.JSONField(_("khách mời"), default=list, blank=True)
    committee = models.JSONField(_("ban kiểm phiếu"), default=list, blank=True)
    agenda = NFCTextField(_("chương trình hội nghị"), blank=True)
    narrative = NFCTextField(_("diễn biến, ý kiến thảo luận"), blank=True)
    closed_at = models.TimeField(
        _("thời gian kết thúc"),
        null=True,
        blank=True,
        help_text=_("Để trống: ghi giờ bấm kết thúc hội nghị."),
    )
    count_closed_at = models.TimeField(
        _("biên bản kiểm phiếu lập xong lúc"),
        null=True,
        blank=True,
        help_text=_("Để trống: ghi giờ bấm kết thúc hội nghị."),
    )
    copies = models.PositiveSmallIntegerField(
        _("số bản biên bản"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("“Biên bản được lập thành … bản có giá trị như nhau.”"),
    )
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State, default=State.DRAFT, db_index=True
    )
    finalized_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    count_minutes = models.ForeignKey(
        "emulation.IssuedDocument",
        verbose_name=_("biên bản kiểm phiếu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    conference_minutes = models.ForeignKey(
        "emulation.IssuedDocument",
        verbose_name=_("biên bản hội nghị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hội nghị bỏ phiếu")
        verbose_name_plural = _("hội nghị bỏ phiếu")

    def __str__(self):
        return f"Hội nghị tổng kết {self.bloc_year}"

    @property
    def is_finalized(self) -> bool:
        return self.state == self.State.FINALIZED


class Attendance(models.Model):
    """One member at the conference: present or absent, and who represented it."""

    session = models.ForeignKey(VotingSession, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey("blocs.Agency", on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("có mặt"), default=False)
    representative_name = NFCCharField(_("người dự: họ và tên"), max_length=150, blank=True)
    representative_title = NFCCharField(_("người dự: chức vụ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        ordering = ["agency__sort_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "agency"], name="attendance_unique")
        ]

    def __str__(self):
        return f"{self.agency}: {'có mặt' if self.present else 'vắng mặt'}"

    @classmethod
    def absent_member(cls, session: VotingSession, membership) -> "Attendance":
        """A member's row before the roll call: absent, represented by its signatory."""
        return cls(
            session=session,
            agency=membership.agency,
            representative_name=membership.signatory_name,
            representative_title=membership.signatory_title,
        )


class PollQuerySet(models.QuerySet):
    def for_list(self):
        return (
            self.select_related("award_type", "parent", "bloc_year__bloc")
            .prefetch_related("candidates__agency")
            .order_by("order", "pk")
        )


class Poll(WorkflowModel):
    """One question put to the conference, counted under a rule frozen when it opens."""

    Kind = PollKind

    class State(models.TextChoices):
        DRAFT = "draft", _("Chuẩn bị")
        OPEN = "open", _("Đang bỏ phiếu")
        COUNTED = "counted", _("Đã kiểm phiếu")
        FINALIZED = "finalized", _("Đã chốt")

    class EntryMode(models.TextChoices):
        BALLOTS = "ballots", _("Nhập từng phiếu")
        AGGREGATE = "aggregate", _("Nhập số tổng hợp")

    WORKFLOW = Workflow(
        field="state",
        moves=moves(
            {
                State.DRAFT: {State.OPEN},
                State.OPEN: {State.COUNTED, State.DRAFT},  # draft again: reset, with a reason
                State.COUNTED: {State.FINALIZED, State.DRAFT},
                State.FINALIZED: {State.COUNTED},  # the session was reopened by province staff
            }
        ),
        refusal=_("Không thể chuyển cuộc bỏ phiếu từ “%(old)s” sang “%(new)s”."),
    )

    session = models.ForeignKey(VotingSession, on_delete=models.CASCADE, related_name="polls")
    # Copied from the session so pages fetch polls through their bloc-year.
    bloc_year = models.ForeignKey(
        "blocs.BlocYear", on_delete=models.CASCADE, related_name="polls", editable=False
    )
    kind = models.CharField(_("loại"), max_length=12, choices=PollKind, default=PollKind.AWARD)
    award_type = models.ForeignKey(
        "blocs.AwardType",
        verbose_name=_("danh hiệu, hình thức"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="polls",
    )
    seats = models.PositiveSmallIntegerField(
        _("số đơn vị được chọn"), default=1, validators=[MinValueValidator(1)]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cuộc bỏ phiếu gốc"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tie_breaks",
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="polls"
    )
    rule = models.JSONField(_("quy tắc áp dụng"), default=dict)
    # A draft follows the rule in force until it opens; a reset may keep the rule it had.
    rule_follows_current = models.BooleanField(_("theo quy tắc hiện hành"), default=True)
    repeat_reason = NFCTextField(
        _("lý do bỏ phiếu thêm cho cùng danh hiệu"),
        blank=True,
        help_text=_("Bắt buộc khi hội nghị đã có cuộc bỏ phiếu cho danh hiệu này."),
    )
    entry_mode = models.CharField(
        _("cách nhập"), max_length=10, choices=EntryMode, default=EntryMode.BALLOTS
    )
    ballots_issued = models.PositiveSmallIntegerField(_("số phiếu phát ra"), null=True, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State, default=State.DRAFT, db_index=True
    )
    # The candidates' agency ids as frozen when the poll opened (ballot entry checks marks here).
    frozen_candidates = models.JSONField(_("danh sách bầu khi mở"), default=list, blank=True)
    tally_data = models.JSONField(_("kết quả kiểm phiếu"), null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PollQuerySet.as_manager()

    class Meta:
        verbose_name = _("cuộc bỏ phiếu")
        verbose_name_plural = _("cuộc bỏ phiếu")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="award") | Q(award_type__isnull=False),
                name="award_poll_has_award_type",
            ),
            models.CheckConstraint(
                condition=~Q(kind="tie_break") | Q(parent__isnull=False),
                name="tie_break_poll_has_parent",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.bloc_year_id = self.session.bloc_year_id
        super().save(*args, **kwargs)

    @property
    def title(self) -> str:
        if self.kind == PollKind.AWARD:
            return str(self.award_type)
        leader = "cụm" if self.bloc_year.bloc.kind == "cum" else "khối"
        if self.kind == PollKind.NEXT_HEAD:
            return f"Bầu Trưởng {leader} năm {self.bloc_year.year + 1}"
        if self.kind == PollKind.NEXT_DEPUTY:
            return f"Bầu Phó Trưởng {leader} năm {self.bloc_year.year + 1}"
        return f"Bỏ phiếu lại: {self.parent.title}"

    @property
    def candidates_editable(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def accepts_entry(self) -> bool:
        return self.state == self.State.OPEN

    def spec(self) -> RuleSpec:
        return RuleSpec.from_dict(self.rule)

    def settled_resolution(self):
        """The tie resolution that chose the winners, using prefetched rows when available."""
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "tie_resolutions" in cache:
            return next((r for r in cache["tie_resolutions"] if r.chosen), None)
        return self.tie_resolutions.filter(chosen__isnull=False).first()

    def raw_result(self) -> TallyResult | None:
        """The count as computed, before any tie resolution."""
        return TallyResult.from_dict(self.tally_data) if self.tally_data else None

    def result(self) -> TallyResult | None:
        """The count with its tie settled if it was: `.winners` are the elected agency ids."""
        result = self.raw_result()
        if result is None:
            return None
        if result.tie is None:
            return result
        resolution = self.settled_resolution()
        if resolution is not None:
            return result.with_tie_resolved(resolution.chosen)
        return result


class Candidate(models.Model):
    """A member agency on a poll's list, in ballot-paper order."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="candidates")
    agency = models.ForeignKey("blocs.Agency", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("đơn vị được bầu chọn")
        verbose_name_plural = _("đơn vị được bầu chọn")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "agency"], name="candidate_unique_per_poll")
        ]

    def __str__(self):
        return str(self.agency)


class Ballot(models.Model):
    """One paper ballot: a serial and the marked agencies; deliberately no voter, user, IP, time."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    serial = models.PositiveSmallIntegerField(_("phiếu số"))
    marks = models.JSONField(_("đơn vị được đánh dấu"), default=list, blank=True)
    invalid = models.BooleanField(_("không hợp lệ"), default=False)
    invalid_reason = NFCCharField(_("lý do không hợp lệ"), max_length=300, blank=True)
    declared_invalid = models.BooleanField(_("ban kiểm phiếu xác định không hợp lệ"), default=False)

    class Meta:
        verbose_name = _("phiếu bầu")
        verbose_name_plural = _("phiếu bầu")
        ordering = ["serial"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "serial"], name="ballot_serial_unique_per_poll")
        ]

    def __str__(self):
        return f"Phiếu số {self.serial}"


class AggregateEntry(models.Model):
    """A poll's counts entered from a paper count (ballots issued, returned, valid, votes)."""

    poll = models.OneToOneField(Poll, on_delete=models.CASCADE, related_name="aggregate")
    issued = models.PositiveSmallIntegerField(_("số phiếu phát ra"))
    returned = models.PositiveSmallIntegerField(_("số phiếu thu vào"))
    valid = models.PositiveSmallIntegerField(_("số phiếu hợp lệ"))
    invalid = models.PositiveSmallIntegerField(_("số phiếu không hợp lệ"))
    votes = models.JSONField(_("số phiếu đồng ý theo đơn vị"), default=dict)

    class Meta:
        verbose_name = _("số liệu kiểm phiếu tổng hợp")
        verbose_name_plural = _("số liệu kiểm phiếu tổng hợp")

    def __str__(self):
        return f"Tổng hợp: {self.poll}"


class TieResolution(models.Model):
    """How a tie at the last seat was settled (runoff, chair's decision, lot), by whom, when."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="tie_resolutions")
    method = models.CharField(_("cách giải quyết"), max_length=8, choices=RuleSet.TieRule)
    decided_by = NFCCharField(_("người quyết định, chủ trì bốc thăm"), max_length=200, blank=True)
    # For a runoff: when the runoff's count settled the tie, not when the runoff was created.
    decided_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    chosen = models.JSONField(_("đơn vị được chọn"), null=True, blank=True)
    note = NFCTextField(_("ghi chú"), blank=True)
    runoff_poll = models.OneToOneField(
        Poll,
        verbose_name=_("cuộc bỏ phiếu lại"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolves",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("giải quyết bằng phiếu")
        verbose_name_plural = _("giải quyết bằng phiếu")
        ordering = ["-decided_at", "-pk"]

    def __str__(self):
        return f"{self.get_method_display()}: {self.poll}"
