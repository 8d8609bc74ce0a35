"""The province's structure: agencies (with their history), blocs, bloc-years and memberships."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from emulation.fields import NFCCharField, NFCTextField
from emulation.text import collation_key, fold
from emulation.workflow import Workflow, WorkflowModel, moves


class NamedQuerySet(models.QuerySet):
    def search(self, query: str):
        """Accent-insensitive search on the stored folded name ("so y te" finds "Sở Y tế")."""
        folded = fold(query)
        if not folded:
            return self
        result = self
        for word in folded.split():
            result = result.filter(search_name__contains=word)
        return result

    def in_vietnamese_order(self):
        return self.order_by("sort_name", "pk")


class NamedModel(models.Model):
    """A model with a Vietnamese `name` that keeps a folded copy for search and a collation key."""

    search_name = models.CharField(max_length=400, editable=False, db_index=True)
    sort_name = models.TextField(editable=False, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fill_derived()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name", "sort_name"}
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        """Set the folded and collation copies (save does it; a bulk import calls it)."""
        self.search_name = fold(f"{self.name} {getattr(self, 'short_name', '')}")[:400]
        self.sort_name = collation_key(self.name)


class FormerProvince(models.Model):
    """A province merged into this portal's province (Resolution 202/2025/QH15: Hà Nam, Nam Định
    and Ninh Bình became Ninh Bình on 01/07/2025). Agencies, blocs and decisions imported from its
    portal are tagged with it, so its history stays its own and can be counted apart."""

    name = NFCCharField(_("tên tỉnh cũ"), max_length=100, unique=True)
    merged_on = models.DateField(_("ngày hợp nhất"))
    decision_ref = NFCCharField(_("văn bản, nghị quyết"), max_length=300, blank=True)
    notes = NFCTextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tỉnh cũ (trước hợp nhất)")
        verbose_name_plural = _("tỉnh cũ (trước hợp nhất)")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        return _("tỉnh %(name)s cũ") % {"name": self.name}


class Agency(WorkflowModel, NamedModel):
    """A member unit (cơ quan, đơn vị). Its record outlives renames, mergers and dissolution."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Sở, ngành")
        BOARD = "board", _("Ban, văn phòng")
        MASS_ORGANISATION = "mass_org", _("Tổ chức chính trị - xã hội, hội")
        PUBLIC_SERVICE = "public_service", _("Đơn vị sự nghiệp")
        ENTERPRISE = "enterprise", _("Doanh nghiệp")
        COMMUNE = "commune", _("Xã, phường, đặc khu")
        DISTRICT = "district", _("Huyện, thị xã, thành phố (trước 07/2025)")
        OTHER = "other", _("Khác")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang hoạt động")
        MERGED = "merged", _("Đã hợp nhất, sáp nhập")
        DISSOLVED = "dissolved", _("Đã giải thể")

    # A merger or dissolution ends an active agency; cancelling it (ahead of its date) restores it.
    WORKFLOW = Workflow(
        field="status",
        moves=moves(
            {
                Status.ACTIVE: {Status.MERGED, Status.DISSOLVED},
                Status.MERGED: {Status.ACTIVE},
                Status.DISSOLVED: {Status.ACTIVE},
            }
        ),
        refusal=_("Không thể chuyển đơn vị “%(object)s” từ “%(old)s” sang “%(new)s”."),
    )

    name = NFCCharField(_("tên chính thức"), max_length=300)
    short_name = NFCCharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại hình"), max_length=20, choices=Kind, default=Kind.DEPARTMENT)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status, default=Status.ACTIVE, db_index=True
    )
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    ended_on = models.DateField(_("ngày kết thúc hoạt động"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    notes = NFCTextField(_("ghi chú"), blank=True)
    former_province = models.ForeignKey(
        FormerProvince,
        verbose_name=_("thuộc tỉnh cũ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
    )

    objects = NamedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["sort_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | ~Q(successor=models.F("pk")),
                name="agency_not_own_successor",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if getattr(self, "as_of_year", None) is not None:
            raise RuntimeError("An agency read as it stood in a past year is not saved.")
        super().save(*args, **kwargs)

    def status_on(self, day) -> str:
        """The status on `day`: a merger or dissolution recorded ahead takes effect on its date
        (the day after `ended_on`); until then the agency is active."""
        if self.status != self.Status.ACTIVE and self.ended_on and self.ended_on >= day:
            return self.Status.ACTIVE
        return self.status

    @property
    def is_active(self) -> bool:
        return self.status_on(timezone.localdate()) == self.Status.ACTIVE

    @property
    def established_later(self) -> bool:
        """Established on a date still to come (a split or a new agency recorded ahead)."""
        return bool(self.established_on and self.established_on > timezone.localdate())

    @property
    def scheduled_end(self) -> bool:
        """A merger or dissolution is recorded but its date has not come."""
        return self.status != self.Status.ACTIVE and self.is_active

    def active_in_year(self, year: int) -> bool:
        """Whether the agency exists for any part of `year` (it may join that year's bloc)."""
        if self.ended_on and self.ended_on.year < year:
            return False
        return not (self.established_on and self.established_on.year > year)

    def current_successor(self):
        """Follow merge links to the agency that carries this one's work today."""
        agency, seen = self, {self.pk}
        while agency.successor_id and agency.successor_id not in seen:
            agency = agency.successor
            seen.add(agency.pk)
        return agency

    def lineage_ids(self) -> set[int]:
        """This agency and every predecessor merged or split into it, transitively.

        Award history and "consecutive years" checks follow an agency through its lineage.
        """
        ids, frontier = {self.pk}, {self.pk}
        while frontier:
            merged = set(
                Agency.objects.filter(successor_id__in=frontier).values_list("pk", flat=True)
            )
            split = set(
                AgencyChange.objects.filter(
                    agency_id__in=frontier, kind=AgencyChange.Kind.SPLIT_FROM
                ).values_list("related_agency_id", flat=True)
            )
            frontier = (merged | split) - ids - {None}
            ids |= frontier
        return ids


class AgencyChange(models.Model):
    """One event in an agency's life, with its effective date and the decision that made it."""

    class Kind(models.TextChoices):
        ESTABLISH = "establish", _("Thành lập")
        RENAME = "rename", _("Đổi tên")
        MERGE_INTO = "merge_into", _("Hợp nhất, sáp nhập vào")
        SPLIT_FROM = "split_from", _("Chia tách từ")
        DISSOLVE = "dissolve", _("Giải thể")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("loại thay đổi"), max_length=20, choices=Kind)
    effective_on = models.DateField(_("ngày hiệu lực"))
    old_name = NFCCharField(_("tên cũ"), max_length=300, blank=True)
    new_name = NFCCharField(_("tên mới"), max_length=300, blank=True)
    # A rename carries the whole identity: what the short name and kind were and became.
    old_short_name = NFCCharField(_("tên viết tắt cũ"), max_length=100, blank=True)
    new_short_name = NFCCharField(_("tên viết tắt mới"), max_length=100, blank=True)
    old_kind = models.CharField(_("loại hình cũ"), max_length=20, blank=True)
    new_kind = models.CharField(_("loại hình mới"), max_length=20, blank=True)
    related_agency = models.ForeignKey(
        Agency,
        verbose_name=_("đơn vị liên quan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="related_changes",
    )
    decision_ref = NFCCharField(_("văn bản, quyết định"), max_length=300, blank=True)
    reason = NFCTextField(_("lý do"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("thay đổi của đơn vị")
        verbose_name_plural = _("thay đổi của đơn vị")
        ordering = ["effective_on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.agency} ({self.effective_on:%d/%m/%Y})"


class Bloc(NamedModel):
    """A khối or cụm thi đua. Its `code` forms the issuer part of document numbers."""

    class Kind(models.TextChoices):
        KHOI = "khoi", _("Khối thi đua")
        CUM = "cum", _("Cụm thi đua")

    name = NFCCharField(_("tên khối"), max_length=300)
    code = models.CharField(
        _("mã khối"),
        max_length=30,
        help_text=_("Dùng trong số văn bản, ví dụ KTĐVHXH trong “05/BB-KTĐVHXH”."),
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind, default=Kind.KHOI)
    description = NFCTextField(_("mô tả"), blank=True)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    # A former province's bloc is its history: names and codes are unique per province.
    former_province = models.ForeignKey(
        FormerProvince,
        verbose_name=_("thuộc tỉnh cũ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="blocs",
    )

    objects = NamedQuerySet.as_manager()

    class Meta:
        verbose_name = _("khối thi đua")
        verbose_name_plural = _("khối thi đua")
        ordering = ["sort_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(former_province__isnull=True),
                name="bloc_name_unique",
                violation_error_message=_("Đã có khối thi đua tên này."),
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(former_province__isnull=True),
                name="bloc_code_unique",
                violation_error_message=_("Đã có khối thi đua mang mã này."),
            ),
            models.UniqueConstraint(
                fields=["former_province", "name"],
                condition=Q(former_province__isnull=False),
                name="bloc_name_unique_in_former_province",
            ),
            models.UniqueConstraint(
                fields=["former_province", "code"],
                condition=Q(former_province__isnull=False),
                name="bloc_code_unique_in_former_province",
            ),
        ]

    def __str__(self):
        return self.name


class BlocYearQuerySet(models.QuerySet):
    def with_people(self):
        return self.select_related("bloc", "head", "deputy", "next_head", "next_deputy")

    def for_agency(self, agency_id):
        return self.filter(memberships__agency_id=agency_id)


class BlocYear(models.Model):
    """One bloc in one year (niên độ): members, head, deputy, liaison."""

    bloc = models.ForeignKey(Bloc, on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField(_("năm"), db_index=True)
    head = models.ForeignKey(
        Agency,
        verbose_name=_("trưởng khối"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="headed_bloc_years",
    )
    deputy = models.ForeignKey(
        Agency,
        verbose_name=_("phó khối"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputy_bloc_years",
    )
    next_head = models.ForeignKey(
        Agency,
        verbose_name=_("trưởng khối năm sau (được bầu)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    next_deputy = models.ForeignKey(
        Agency,
        verbose_name=_("phó khối năm sau (được bầu)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    liaison_name = NFCCharField(_("lãnh đạo phụ trách khối"), max_length=150, blank=True)
    liaison_title = NFCCharField(_("chức vụ lãnh đạo phụ trách"), max_length=200, blank=True)
    liaison_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản lãnh đạo phụ trách"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_bloc_years",
        help_text=_("Không bắt buộc: tài khoản được xem (chỉ đọc) khối này trong năm."),
    )
    observers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người theo dõi"),
        blank=True,
        related_name="observed_bloc_years",
    )
    notes = NFCTextField(_("ghi chú"), blank=True)

    objects = BlocYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("khối thi đua theo năm")
        verbose_name_plural = _("khối thi đua theo năm")
        ordering = ["-year", "bloc__sort_name"]
        constraints = [
            models.UniqueConstraint(fields=["bloc", "year"], name="bloc_year_unique"),
            models.CheckConstraint(
                condition=Q(head__isnull=True)
                | Q(deputy__isnull=True)
                | ~Q(head=models.F("deputy")),
                name="bloc_year_head_is_not_deputy",
            ),
        ]

    def __str__(self):
        return gettext("%(bloc)s năm %(year)s") % {"bloc": self.bloc.name, "year": self.year}

    def clean(self):
        if self.head_id and self.head_id == self.deputy_id:
            raise ValidationError(_("Trưởng khối và phó khối phải là hai đơn vị khác nhau."))
        if self.pk:
            member_ids = set(self.memberships.values_list("agency_id", flat=True))
            for field, label in (("head_id", _("Trưởng khối")), ("deputy_id", _("Phó khối"))):
                value = getattr(self, field)
                if value and value not in member_ids:
                    raise ValidationError(
                        _("%(role)s phải là thành viên của khối trong năm này.") % {"role": label}
                    )


class DatedAgencyIterable(ModelIterable):
    """Rows whose `agency` reads as it stood in the row's year (see `dated_agency`)."""

    def __iter__(self):
        for row in super().__iter__():
            agency = row.agency
            agency.name_now = agency.name
            agency.name = row.agency_name_then
            agency.short_name = row.agency_short_name_then
            agency.kind = row.agency_kind_then
            agency.as_of_year = row.agency_year_then
            yield row


def dated_agency(queryset, year: str = "year"):
    """`queryset` (of a model with an `agency` and a year at the field path `year`) with each
    row's agency read as it stood that year: the name, short name and kind of the last rename
    in force on 31 December of the year, or today when the year is not over (a rename dated
    later waits for its date), else the old values of the first rename after, else the
    agency's own (kept as `name_now`, for "nay là …"). Subqueries of the same query, so a page
    of rows makes no extra query; the agencies so read are never saved."""
    queryset = queryset.select_related("agency").annotate(
        agency_year_then=F(year),
        agency_name_then=identity_then("agency", year, "name"),
        agency_short_name_then=identity_then("agency", year, "short_name"),
        agency_kind_then=identity_then("agency", year, "kind"),
    )
    queryset._iterable_class = DatedAgencyIterable
    return queryset


def identity_then(agency: str, year: str, field: str = "name"):
    """The expression for the `field` (name, short_name or kind) of the agency at the path
    `agency` as it stood in the year at the path `year` (the rule of `dated_agency`)."""
    renames = AgencyChange.objects.filter(agency=OuterRef(agency), kind=AgencyChange.Kind.RENAME)
    in_force = Q(effective_on__year__lte=OuterRef(year), effective_on__lte=timezone.localdate())
    last = renames.filter(in_force).order_by("-effective_on", "-pk")
    upcoming = renames.exclude(in_force).order_by("effective_on", "pk")
    return Coalesce(
        Subquery(last.values(f"new_{field}")[:1]),
        Subquery(upcoming.values(f"old_{field}")[:1]),
        F(f"{agency}__{field}"),
    )


class MembershipQuerySet(models.QuerySet):
    def as_of_year(self):
        """Memberships whose agencies read as they stood in the bloc-year (`dated_agency`)."""
        return dated_agency(self)


class Membership(models.Model):
    """An agency's membership of a bloc-year, with the leader who signs for it that year."""

    bloc_year = models.ForeignKey(BlocYear, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    # Copied from bloc_year so the database can enforce one bloc per agency per year.
    year = models.PositiveSmallIntegerField(editable=False)
    signatory_name = NFCCharField(_("người ký"), max_length=150, blank=True)
    signatory_title = NFCCharField(_("chức vụ người ký"), max_length=200, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("thành viên khối")
        verbose_name_plural = _("thành viên khối")
        ordering = ["agency__sort_name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="one_bloc_per_agency_per_year"),
        ]

    def __str__(self):
        return f"{self.agency} – {self.bloc_year}"

    def save(self, *args, **kwargs):
        self.year = self.bloc_year.year
        super().save(*args, **kwargs)


class MembershipFlag(models.Model):
    """A merger or dissolution recorded after the year was opened, waiting on the membership it
    affects: nothing changes until staff replace the member by its successor, keep it until the
    effective date, or end the membership (each one audited action)."""

    class Resolution(models.TextChoices):
        OPEN = "", _("Chờ xử lý")
        REPLACED = "replaced", _("Thay bằng đơn vị kế thừa")
        KEPT = "kept", _("Giữ đến ngày hiệu lực")
        ENDED = "ended", _("Rút khỏi khối")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="flags")
    change = models.ForeignKey(AgencyChange, on_delete=models.CASCADE, related_name="flags")
    resolution = models.CharField(max_length=10, choices=Resolution, blank=True, default="")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thay đổi cần xử lý của thành viên")
        verbose_name_plural = _("thay đổi cần xử lý của thành viên")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "change"], name="one_flag_per_change")
        ]

    def __str__(self):
        return f"{self.change} – {self.membership}"
