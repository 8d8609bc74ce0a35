"""Year-end scoring: the province's criteria, a bloc's adopted copy, sheets, cross-scoring and
the ranking. Every write is audited; the arithmetic is `awards.scoring`'s.
"""

import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import scoring
from awards.models import (
    CriteriaSet,
    Criterion,
    Score,
    ScoreEvidence,
    ScoreResolution,
    ScoreSheet,
    ScoringPlan,
    VotingSession,
)
from blocs.covenant_reads import members_of
from blocs.models import BlocYear, Deadline
from blocs.services.calendar import due_on_for
from emulation.audit import log_action
from emulation.text import nfc, vn_sort_key
from emulation.uploads import discard_private_file, store_private_file
from emulation.workflow import check_move, transition

CRITERION_FIELDS = (
    "code",
    "title",
    "kind",
    "section",
    "max_points",
    "evidence_required",
    "full_at",
    "zero_at",
    "guidance",
)


# The table ---------------------------------------------------------------------------------------


def table_of(criteria: list[Criterion], bonus_cap) -> scoring.Table:
    """The pure core's table: the scored criteria, in order."""
    return scoring.Table(
        tuple(
            scoring.Item(
                code=criterion.code,
                max_points=criterion.max_points,
                kind=criterion.kind,
                section=criterion.section,
                full_at=Fraction(criterion.full_at),
                zero_at=Fraction(criterion.zero_at),
            )
            for criterion in criteria
            if criterion.scored
        ),
        bonus_cap=bonus_cap,
    )


def _decimal(value, label: str, code: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            _("Tiêu chí %(code)s: %(label)s “%(value)s” không phải là số.")
            % {"code": code, "label": label, "value": value}
        ) from None
    if not number.is_finite() or number < 0 or number > 1000:
        raise ValidationError(
            _("Tiêu chí %(code)s: %(label)s phải từ 0 đến 1000.") % {"code": code, "label": label}
        )
    return number.quantize(Decimal("0.01"))


def parent_code(code: str) -> str:
    """ "I.1.a" → "I.1"; "I" → "" (codes are the tree)."""
    return code.rpartition(".")[0]


def clean_rows(rows: list[dict]) -> list[dict]:
    """Criteria rows as the editor and the workbook give them, checked as a whole: codes unique
    and each under a heading that comes before it; points within range; a rate formula whose
    full rate is above its zero rate. Every problem is reported, nothing is half-saved."""
    problems, cleaned, seen = [], [], {}
    for position, row in enumerate(rows, start=1):
        number = row.get("row", position)
        code = nfc(str(row.get("code") or "")).strip().rstrip(".")
        title = nfc(str(row.get("title") or "")).strip()
        if not code or not title:
            problems.append(_("Dòng %(row)s: cần mã và nội dung tiêu chí.") % {"row": number})
            continue
        if code in seen:
            problems.append(_("Mã %(code)s lặp lại.") % {"code": code})
            continue
        kind = row.get("kind") or Criterion.Kind.POINTS
        section = row.get("section") or Criterion.Section.NORMAL
        if kind not in Criterion.Kind.values or section not in Criterion.Section.values:
            problems.append(_("Tiêu chí %(code)s: cách chấm không hợp lệ.") % {"code": code})
            continue
        parent = parent_code(code)
        if parent and seen.get(parent) != Criterion.Kind.HEADING:
            problems.append(
                _("Tiêu chí %(code)s cần nằm dưới mục %(parent)s đứng trước nó.")
                % {"code": code, "parent": parent}
            )
            continue
        try:
            max_points = _decimal(row.get("max_points") or 0, _("điểm tối đa"), code)
            full_at = _decimal(row.get("full_at") or 1, _("tỷ lệ đạt điểm tối đa"), code)
            zero_at = _decimal(row.get("zero_at") or 0, _("tỷ lệ không đạt điểm"), code)
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        if kind == Criterion.Kind.RATE and not zero_at < full_at:
            problems.append(
                _("Tiêu chí %(code)s: tỷ lệ đạt điểm tối đa phải lớn hơn tỷ lệ không đạt điểm.")
                % {"code": code}
            )
            continue
        seen[code] = kind
        cleaned.append(
            {
                "code": code,
                "title": title,
                "kind": kind,
                "section": section,
                "max_points": max_points if kind != Criterion.Kind.HEADING else Decimal(0),
                "evidence_required": bool(row.get("evidence_required")),
                "full_at": full_at,
                "zero_at": zero_at,
                "guidance": nfc(str(row.get("guidance") or "")).strip(),
            }
        )
    if not problems and not any(row["kind"] != Criterion.Kind.HEADING for row in cleaned):
        problems.append(_("Bảng tiêu chí cần ít nhất một tiêu chí được chấm điểm."))
    if problems:
        raise ValidationError(problems)
    return cleaned


def _write_criteria(criteria_set: CriteriaSet, rows: list[dict]) -> None:
    by_code = {}
    for order, row in enumerate(rows, start=1):
        criterion = Criterion.objects.create(
            criteria_set=criteria_set,
            parent=by_code.get(parent_code(row["code"])),
            order=order,
            **row,
        )
        by_code[criterion.code] = criterion


def criteria_rows(criteria_set: CriteriaSet) -> list[dict]:
    """The set's criteria as rows (for a copy, the editor and the workbook)."""
    return [
        {field: getattr(criterion, field) for field in CRITERION_FIELDS}
        for criterion in criteria_set.criteria.all()
    ]


@transaction.atomic
def save_province_criteria(
    *,
    year: int,
    bloc_kind: str,
    title: str,
    rows: list[dict],
    bonus_cap,
    actor,
    confirmed=True,
    based_on: CriteriaSet | None = None,
) -> CriteriaSet:
    """A new version of the province's table for a bloc kind and year (earlier versions stay, as
    blocs that adopted them keep their copies); `based_on` is the earlier year's it copies."""
    rows = clean_rows(rows)
    title = nfc(title or "").strip()
    if not title:
        raise ValidationError({"title": _("Nhập tên bảng tiêu chí.")})
    latest = CriteriaSet.objects.filter(
        year=year, bloc_kind=bloc_kind, bloc_year__isnull=True
    ).aggregate(Max("version"))["version__max"]
    criteria_set = CriteriaSet.objects.create(
        year=year,
        bloc_kind=bloc_kind,
        title=title,
        version=(latest or 0) + 1,
        bonus_cap=bonus_cap,
        confirmed=confirmed,
        based_on=based_on,
        adopted_at=timezone.now(),
    )
    _write_criteria(criteria_set, rows)
    log_action(
        "awards.criteria.saved",
        criteria_set,
        actor=actor,
        data={"year": year, "bloc_kind": bloc_kind, "version": criteria_set.version},
    )
    return criteria_set


@transaction.atomic
def confirm_criteria(criteria_set: CriteriaSet, *, actor) -> CriteriaSet:
    """Province staff confirm a table (the seeded example is unconfirmed until they do); blocs
    that adopted it keep the flag of their copy, so they adopt it again to show it confirmed."""
    if criteria_set.bloc_year_id is not None:
        raise ValidationError(_("Chỉ xác nhận bảng tiêu chí của tỉnh."))
    if not criteria_set.confirmed:
        criteria_set.confirmed = True
        criteria_set.save(update_fields=["confirmed"])
        log_action(
            "awards.criteria.confirmed",
            criteria_set,
            actor=actor,
            data={"year": criteria_set.year, "version": criteria_set.version},
        )
    return criteria_set


def copy_province_criteria(*, year: int, bloc_kind: str, actor) -> CriteriaSet:
    """The year's first table for a bloc kind, copied from the latest earlier year's: the
    province usually keeps its table and changes a few points."""
    source = (
        CriteriaSet.objects.filter(year__lt=year, bloc_kind=bloc_kind, bloc_year__isnull=True)
        .order_by("-year", "-version")
        .first()
    )
    if source is None:
        raise ValidationError(_("Chưa có bảng tiêu chí của năm trước để sao chép."))
    return save_province_criteria(
        year=year,
        bloc_kind=bloc_kind,
        title=source.title,
        rows=criteria_rows(source),
        bonus_cap=source.bonus_cap,
        confirmed=source.confirmed,
        based_on=source,
        actor=actor,
    )


def province_criteria(year: int, bloc_kind: str) -> CriteriaSet | None:
    """The latest version of the province's table for the kind and year."""
    return (
        CriteriaSet.objects.filter(year=year, bloc_kind=bloc_kind, bloc_year__isnull=True)
        .order_by("-version")
        .first()
    )


def _check_not_started(bloc_year: BlocYear) -> None:
    if (
        ScoreSheet.objects.filter(bloc_year=bloc_year)
        .exclude(status=ScoreSheet.Status.DRAFT)
        .exists()
    ):
        raise ValidationError(
            _("Đã có phiếu chấm gửi khối trưởng: không thể đổi bảng tiêu chí của năm %(year)s.")
            % {"year": bloc_year.year}
        )


@transaction.atomic
def adopt_criteria(
    bloc_year: BlocYear, *, rows: list[dict] | None = None, bonus_cap=None, actor
) -> CriteriaSet:
    """The bloc adopts the province's table for its kind and year, or adjusts its own copy
    (`rows`), until the first sheet is sent; each adoption is a new version of the bloc's copy."""
    bloc_year = BlocYear.objects.select_for_update().select_related("bloc").get(pk=bloc_year.pk)
    _check_not_started(bloc_year)
    source = province_criteria(bloc_year.year, bloc_year.bloc.kind)
    if source is None:
        raise ValidationError(
            _("Tỉnh chưa ban hành bảng tiêu chí chấm điểm năm %(year)s cho loại khối này.")
            % {"year": bloc_year.year}
        )
    rows = clean_rows(rows) if rows is not None else criteria_rows(source)
    latest = bloc_year.criteria_sets.aggregate(Max("version"))["version__max"]
    own = CriteriaSet.objects.create(
        year=bloc_year.year,
        bloc_kind=bloc_year.bloc.kind,
        bloc_year=bloc_year,
        based_on=source,
        version=(latest or 0) + 1,
        title=source.title,
        bonus_cap=source.bonus_cap if bonus_cap is None else bonus_cap,
        confirmed=source.confirmed,
        adopted_at=timezone.now(),
    )
    _write_criteria(own, rows)
    plan = ScoringPlan.objects.filter(bloc_year=bloc_year).first()
    if plan is not None:
        plan.criteria_set = own
        plan.save(update_fields=["criteria_set"])
        # Draft sheets carry scores against the old criteria: they start again on the new table.
        Score.objects.filter(sheet__bloc_year=bloc_year).delete()
    log_action(
        "awards.criteria.adopted",
        bloc_year,
        actor=actor,
        data={
            "version": own.version,
            "source_version": source.version,
            "adjusted": rows != criteria_rows(source),
        },
    )
    return own


def adopted_criteria(bloc_year: BlocYear) -> CriteriaSet | None:
    return bloc_year.criteria_sets.order_by("-version").first()


# The plan and the sheets -------------------------------------------------------------------------


def _members(bloc_year: BlocYear) -> list:
    return [membership.agency for membership in members_of(bloc_year)]


@transaction.atomic
def set_scoring_plan(
    bloc_year: BlocYear,
    *,
    method: str,
    aggregation: str = ScoringPlan.Aggregation.MEAN,
    per_unit: int | None = None,
    team: list | None = None,
    tolerance=Decimal(0),
    seed: int | None = None,
    actor,
) -> ScoringPlan:
    """The head chooses how the bloc cross-scores; every member gets its own sheet and, by the
    method, its assigned sheets of others (drawn fairly: nobody scores itself, everyone scores
    and is scored as often). Allowed until the first sheet is sent."""
    bloc_year = BlocYear.objects.select_for_update().get(pk=bloc_year.pk)
    _check_not_started(bloc_year)
    _check_open(bloc_year.pk)
    criteria_set = adopted_criteria(bloc_year)
    if criteria_set is None:
        raise ValidationError(_("Khối chưa áp dụng bảng tiêu chí chấm điểm."))
    agencies = _members(bloc_year)
    ids = [agency.pk for agency in agencies]
    if method not in ScoringPlan.Method.values:
        raise ValidationError({"method": _("Chọn cách chấm chéo.")})
    seed = secrets.randbits(48) if seed is None else seed
    if method == ScoringPlan.Method.SELF_ONLY:
        draw = {}
    elif method == ScoringPlan.Method.EVERYONE:
        draw = scoring.assign_peers(ids, len(ids) - 1, seed) if len(ids) > 1 else {}
    elif method == ScoringPlan.Method.ASSIGNED:
        if not per_unit or not 1 <= per_unit <= len(ids) - 1:
            raise ValidationError(
                {
                    "per_unit": _("Số đơn vị mỗi đơn vị chấm phải từ 1 đến %(n)s.")
                    % {"n": len(ids) - 1}
                }
            )
        draw = scoring.assign_peers(ids, per_unit, seed)
    else:
        team_ids = [agency.pk for agency in team or []]
        if not team_ids or not set(team_ids) <= set(ids):
            raise ValidationError({"team": _("Chọn tổ chấm điểm trong số thành viên của khối.")})
        draw = scoring.assign_team(ids, team_ids)
    plan, _created = ScoringPlan.objects.update_or_create(
        bloc_year=bloc_year,
        defaults={
            "criteria_set": criteria_set,
            "method": method,
            "aggregation": aggregation,
            "per_unit": per_unit if method == ScoringPlan.Method.ASSIGNED else None,
            "tolerance": tolerance,
            "seed": seed,
        },
    )
    # Peer sheets of an earlier plan are drafts (nothing was sent): drawn again.
    ScoreSheet.objects.filter(bloc_year=bloc_year).exclude(agency_id=F("scorer_id")).delete()
    wanted = {(agency_id, agency_id) for agency_id in ids}
    wanted |= {(target, scorer) for scorer, targets in draw.items() for target in targets}
    existing = set(
        ScoreSheet.objects.filter(bloc_year=bloc_year).values_list("agency_id", "scorer_id")
    )
    ScoreSheet.objects.bulk_create(
        ScoreSheet(bloc_year=bloc_year, agency_id=agency_id, scorer_id=scorer_id)
        for agency_id, scorer_id in sorted(wanted - existing)
    )
    log_action(
        "awards.scoring.planned",
        bloc_year,
        actor=actor,
        data={
            "method": method,
            "aggregation": aggregation,
            "per_unit": plan.per_unit,
            "seed": seed,
            "peer_sheets": len(wanted) - len(ids),
        },
    )
    return plan


def _check_editable(sheet: ScoreSheet) -> None:
    if sheet.status not in ScoreSheet.EDITABLE:
        raise ValidationError(
            _("Phiếu chấm đang ở trạng thái “%(status)s”: không sửa được.")
            % {"status": sheet.get_status_display()}
        )
    _check_open(sheet.bloc_year_id)


def _check_open(bloc_year_id: int) -> None:
    """Once the conference is finalized its minutes have printed the scores: they stay."""
    finalized = VotingSession.objects.filter(
        bloc_year_id=bloc_year_id, state=VotingSession.State.FINALIZED
    )
    if finalized.exists():
        raise ValidationError(
            _("Hội nghị tổng kết của khối đã kết thúc: kết quả chấm điểm không thay đổi được.")
        )


def sheet_criteria(sheet: ScoreSheet) -> list[Criterion]:
    criteria_set = adopted_criteria(sheet.bloc_year)
    return list(criteria_set.criteria.all()) if criteria_set else []


@transaction.atomic
def save_sheet(sheet: ScoreSheet, entries: dict, *, actor) -> ScoreSheet:
    """Write a sheet's points: `entries` is {criterion id: (points text, justification)}. Each
    value is checked against its criterion (a number from 0 to the maximum, a yes/no item all or
    nothing); every problem is reported and nothing is written unless all are right. An empty
    value clears the criterion."""
    sheet = ScoreSheet.objects.select_for_update().select_related("bloc_year").get(pk=sheet.pk)
    _check_editable(sheet)
    criteria = {criterion.pk: criterion for criterion in sheet_criteria(sheet) if criterion.scored}
    problems, keep, clear = [], [], []
    for criterion_id, (raw, justification) in entries.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            problems.append(_("Tiêu chí không thuộc bảng tiêu chí của khối."))
            continue
        text = nfc(str(raw or "")).strip()
        if not text:
            clear.append(criterion.pk)
            continue
        try:
            points = _decimal(text, _("điểm"), criterion.code)
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        if points > criterion.max_points:
            problems.append(
                _("Tiêu chí %(code)s: điểm %(points)s vượt điểm tối đa %(max)s.")
                % {"code": criterion.code, "points": points, "max": criterion.max_points}
            )
            continue
        if criterion.kind == Criterion.Kind.YES_NO and points not in (0, criterion.max_points):
            problems.append(
                _("Tiêu chí %(code)s chấm đạt (%(max)s điểm) hoặc không đạt (0 điểm).")
                % {"code": criterion.code, "max": criterion.max_points}
            )
            continue
        keep.append(
            Score(
                sheet=sheet,
                criterion=criterion,
                points=points,
                justification=nfc(justification or "").strip()[:2000],
            )
        )
    if problems:
        raise ValidationError(problems)
    Score.objects.filter(
        sheet=sheet, criterion_id__in=clear + [s.criterion_id for s in keep]
    ).delete()
    Score.objects.bulk_create(keep)
    sheet.save(update_fields=["updated_at"])
    log_action(
        "awards.score_sheet.saved",
        sheet,
        actor=actor,
        data={"scored": len(keep), "cleared": len(clear)},
    )
    return sheet


def _move_sheet(sheet: ScoreSheet, status, *, actor, reason: str = "") -> ScoreSheet:
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    check_move(sheet, status)
    changes = {}
    if status == ScoreSheet.Status.SUBMITTED:
        changes["submitted_at"] = timezone.now()
    if status == ScoreSheet.Status.RETURNED:
        changes["return_reason"] = nfc(reason)
    action = {
        ScoreSheet.Status.SUBMITTED: "submitted",
        ScoreSheet.Status.ACCEPTED: "accepted",
        ScoreSheet.Status.RETURNED: "returned",
    }[status]
    return transition(
        sheet,
        status,
        actor=actor,
        action=f"awards.score_sheet.{action}",
        changes=changes,
        data={"reason": nfc(reason)} if reason else None,
        locked=True,
    )


def scoring_deadline(bloc_year: BlocYear):
    return due_on_for(bloc_year, Deadline.Kind.SCORING)


@transaction.atomic
def submit_sheet(sheet: ScoreSheet, *, actor) -> ScoreSheet:
    """Send a sheet to the head: every criterion scored, and evidence where it is required;
    a first sending by the scoring deadline (a sheet the head returned may be sent again)."""
    sheet = ScoreSheet.objects.select_for_update().select_related("bloc_year").get(pk=sheet.pk)
    _check_editable(sheet)
    deadline = scoring_deadline(sheet.bloc_year)
    if sheet.status == ScoreSheet.Status.DRAFT and deadline and timezone.localdate() > deadline:
        raise ValidationError(
            _("Đã hết hạn chấm điểm (%(day)s). Vui lòng liên hệ khối trưởng.")
            % {"day": deadline.strftime("%d/%m/%Y")}
        )
    criteria = [criterion for criterion in sheet_criteria(sheet) if criterion.scored]
    scored = set(sheet.scores.values_list("criterion_id", flat=True))
    missing = [criterion.code for criterion in criteria if criterion.pk not in scored]
    if missing:
        raise ValidationError(
            _("Chưa chấm các tiêu chí: %(codes)s.") % {"codes": ", ".join(missing)}
        )
    if sheet.is_own:
        backed = set(sheet.evidence.values_list("criterion_id", flat=True))
        unbacked = [c.code for c in criteria if c.evidence_required and c.pk not in backed]
        if unbacked:
            raise ValidationError(
                _("Cần minh chứng cho các tiêu chí: %(codes)s.") % {"codes": ", ".join(unbacked)}
            )
    return _move_sheet(sheet, ScoreSheet.Status.SUBMITTED, actor=actor)


@transaction.atomic
def return_sheet(sheet: ScoreSheet, *, reason: str, actor) -> ScoreSheet:
    """The head sends a sheet back with a reason; the scorer corrects and sends it again."""
    if not nfc(reason or "").strip():
        raise ValidationError({"reason": _("Nhập lý do trả lại phiếu chấm.")})
    return _move_sheet(sheet, ScoreSheet.Status.RETURNED, actor=actor, reason=reason)


@transaction.atomic
def accept_sheet(sheet: ScoreSheet, *, actor) -> ScoreSheet:
    return _move_sheet(sheet, ScoreSheet.Status.ACCEPTED, actor=actor)


@transaction.atomic
def resolve_criterion(bloc_year: BlocYear, agency, criterion: Criterion, *, points, reason, actor):
    """The head's final points for one criterion of one member, with the reason (audited with
    the value it replaces)."""
    reason = nfc(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Nhập lý do chốt điểm.")})
    if criterion.criteria_set.bloc_year_id != bloc_year.pk or not criterion.scored:
        raise ValidationError(_("Tiêu chí không thuộc bảng tiêu chí của khối."))
    value = _decimal(points, _("điểm"), criterion.code)
    if value > criterion.max_points:
        raise ValidationError(
            _("Tiêu chí %(code)s: điểm %(points)s vượt điểm tối đa %(max)s.")
            % {"code": criterion.code, "points": value, "max": criterion.max_points}
        )
    _check_open(bloc_year.pk)
    previous = ScoreResolution.objects.filter(
        bloc_year=bloc_year, agency=agency, criterion=criterion
    ).first()
    resolution, _created = ScoreResolution.objects.update_or_create(
        bloc_year=bloc_year,
        agency=agency,
        criterion=criterion,
        defaults={"points": value, "reason": reason, "decided_by": actor},
    )
    log_action(
        "awards.score.resolved",
        bloc_year,
        actor=actor,
        data={
            "agency": agency.name,
            "criterion": criterion.code,
            "points": str(value),
            "before": str(previous.points) if previous else None,
            "reason": reason,
        },
    )
    return resolution


# The ranking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitResult:
    agency: object
    lines: list
    total: Fraction
    place: int
    tied: bool
    own_status: str
    peer_sheets: int

    @property
    def total_shown(self) -> Decimal:
        return scoring.shown(self.total)

    @property
    def own_status_label(self) -> str:
        return ScoreSheet.Status(self.own_status).label if self.own_status else ""


@dataclass(frozen=True)
class BlocScores:
    criteria_set: CriteriaSet
    criteria: list[Criterion]
    table: scoring.Table
    results: list[UnitResult]
    ranking: scoring.Ranking
    plan: ScoringPlan | None = None

    @property
    def differences(self) -> list[tuple[UnitResult, scoring.Line, int]]:
        """(member, line, criterion id) where own and peers differ and the head has not settled."""
        ids = {criterion.code: criterion.pk for criterion in self.criteria}
        return [
            (result, line, ids[line.code])
            for result in self.results
            for line in result.lines
            if line.differs and not line.settled_by_head
        ]


def _summed_scores(bloc_year: BlocYear, code_of: dict, *, extremes: bool) -> tuple[dict, dict]:
    """The counted scores in one query, summed by the database per member, criterion and
    whether the sheet is the member's own: 1,600 rows for a 40-member bloc instead of 62,400.
    Returns {member: {code: own points}} and {member: {code: PeerSums}}; each score is clamped
    as its criterion allows (as `scoring.Item.clamp` does) before it is summed. The lowest and
    highest are read only for a trimmed mean (`extremes`): each costs the clamp again."""
    most = F("criterion__max_points")
    clamped = Case(
        When(
            criterion__kind=Criterion.Kind.YES_NO,
            then=Case(When(points__gte=most, then=most), default=Value(Decimal(0))),
        ),
        When(points__lt=0, then=Value(Decimal(0))),
        When(points__gt=most, then=most),
        default=F("points"),
        output_field=DecimalField(max_digits=6, decimal_places=2),
    )
    rows = (
        Score.objects.filter(
            sheet__bloc_year=bloc_year,
            sheet__status__in=ScoreSheet.COUNTED,
            criterion_id__in=code_of,
        )
        .annotate(
            own=ExpressionWrapper(
                Q(sheet__agency_id=F("sheet__scorer_id")), output_field=BooleanField()
            )
        )
        .values_list("sheet__agency_id", "criterion_id", "own")
        .annotate(
            count=Count("pk"),
            total=Sum(clamped, output_field=DecimalField(max_digits=12, decimal_places=2)),
            low=Min(clamped) if extremes else Value(None, output_field=DecimalField()),
            high=Max(clamped) if extremes else Value(None, output_field=DecimalField()),
        )
        .order_by()
    )
    own: dict[int, dict[str, Decimal]] = {}
    peers: dict[int, dict[str, scoring.PeerSums]] = {}
    for agency_id, criterion_id, is_own, count, total, low, high in rows:
        code = code_of[criterion_id]
        if not extremes:
            low = high = total
        if is_own:
            own.setdefault(agency_id, {})[code] = total
        else:
            peers.setdefault(agency_id, {})[code] = scoring.PeerSums(count, total, low, high)
    return own, peers


def bloc_scores(bloc_year: BlocYear) -> BlocScores | None:
    """Every member's settled total and place from the counted sheets (sent or accepted) and the
    head's resolutions, in six queries whatever the bloc's size; the scores arrive summed per
    member and criterion (`_summed_scores`), except for a median."""
    plan = ScoringPlan.objects.filter(bloc_year=bloc_year).select_related("criteria_set").first()
    criteria_set = plan.criteria_set if plan else adopted_criteria(bloc_year)
    if criteria_set is None:
        return None
    criteria = list(criteria_set.criteria.all())
    table = table_of(criteria, criteria_set.bonus_cap)
    code_of = {criterion.pk: criterion.code for criterion in criteria}
    agencies = _members(bloc_year)
    # Plain rows, grouped in one pass: 1,600 sheet objects and a scan of them per member were
    # half of a 40-member bloc's page.
    own_status: dict[int, str] = {}
    own_sheet: dict[int, int] = {}
    peer_sheets: dict[int, list[int]] = {}
    for sheet_id, agency_id, scorer_id, status in ScoreSheet.objects.filter(
        bloc_year=bloc_year
    ).values_list("pk", "agency_id", "scorer_id", "status"):
        if agency_id == scorer_id:
            own_status[agency_id] = status
            if status in ScoreSheet.COUNTED:
                own_sheet[agency_id] = sheet_id
        elif status in ScoreSheet.COUNTED:
            peer_sheets.setdefault(agency_id, []).append(sheet_id)
    aggregation = plan.aggregation if plan else ScoringPlan.Aggregation.MEAN
    points: dict[int, dict[str, Decimal]] = {}
    if aggregation == ScoringPlan.Aggregation.MEDIAN:
        # A median needs every score: 62,400 rows for a 40-member bloc.
        peer_sums = None
        for sheet_id, criterion_id, value in Score.objects.filter(
            sheet__bloc_year=bloc_year,
            sheet__status__in=ScoreSheet.COUNTED,
            criterion_id__in=code_of,
        ).values_list("sheet_id", "criterion_id", "points"):
            points.setdefault(sheet_id, {})[code_of[criterion_id]] = value
    else:
        own_points, peer_sums = _summed_scores(
            bloc_year, code_of, extremes=aggregation == ScoringPlan.Aggregation.TRIMMED_MEAN
        )
        points = {own_sheet[agency_id]: own for agency_id, own in own_points.items()}
    resolutions: dict[int, dict[str, Decimal]] = {}
    for agency_id, criterion_id, value in ScoreResolution.objects.filter(
        bloc_year=bloc_year
    ).values_list("agency_id", "criterion_id", "points"):
        if criterion_id in code_of:
            resolutions.setdefault(agency_id, {})[code_of[criterion_id]] = value
    tolerance = plan.tolerance if plan else Decimal(0)
    settled = {}
    for agency in agencies:
        sent = peer_sheets.get(agency.pk, [])
        own = points.get(own_sheet.get(agency.pk), {})
        lines = scoring.settle(
            table,
            own,
            [points.get(sheet_id, {}) for sheet_id in sent] if peer_sums is None else [],
            aggregation,
            resolutions.get(agency.pk),
            tolerance,
            peer_sums=None if peer_sums is None else peer_sums.get(agency.pk, {}),
        )
        settled[agency.pk] = (agency, lines, own_status.get(agency.pk, ""), len(sent))
    ranking = scoring.rank(
        {pk: scoring.settled_total(table, lines) for pk, (_a, lines, _s, _n) in settled.items()},
        sort_key=lambda pk: vn_sort_key(settled[pk][0].name),
    )
    results = [
        UnitResult(
            agency=settled[place.unit][0],
            lines=settled[place.unit][1],
            total=place.total,
            place=place.place,
            tied=place.tied,
            own_status=settled[place.unit][2],
            peer_sheets=settled[place.unit][3],
        )
        for place in ranking.places
    ]
    return BlocScores(criteria_set, criteria, table, results, ranking, plan)


def counted_scores(bloc_year: BlocYear) -> BlocScores | None:
    """The bloc's scores once sheets have been sent (a poll's candidates in score order, the
    score table in the conference minutes); None when the bloc does not score."""
    counted = ScoreSheet.objects.filter(bloc_year=bloc_year, status__in=ScoreSheet.COUNTED)
    if not counted.exists():
        return None
    return bloc_scores(bloc_year)


# Evidence ----------------------------------------------------------------------------------------


@transaction.atomic
def add_evidence(sheet: ScoreSheet, criterion: Criterion, checked, *, actor) -> ScoreEvidence:
    """Attach a content-checked PDF to a criterion of the member's own editable sheet."""
    sheet = ScoreSheet.objects.select_for_update().select_related("bloc_year").get(pk=sheet.pk)
    _check_editable(sheet)
    if not sheet.is_own:
        raise ValidationError(_("Minh chứng chỉ đính kèm vào phiếu tự chấm."))
    if criterion.criteria_set_id != adopted_criteria(sheet.bloc_year).pk or not criterion.scored:
        raise ValidationError(_("Tiêu chí không thuộc bảng tiêu chí của khối."))
    stored = store_private_file(checked.data, folder=f"scoring/{sheet.bloc_year.year}")
    try:
        evidence = ScoreEvidence.objects.create(
            sheet=sheet,
            criterion=criterion,
            file_name=stored,
            original_name=checked.original_name[:255],
            sha256=checked.sha256,
        )
        log_action(
            "awards.score_sheet.evidence_added",
            sheet,
            actor=actor,
            data={"criterion": criterion.code, "name": checked.original_name},
        )
    except Exception:
        discard_private_file(stored)
        raise
    return evidence


@transaction.atomic
def remove_evidence(evidence: ScoreEvidence, *, actor) -> None:
    sheet = evidence.sheet
    _check_editable(sheet)
    evidence.delete()
    transaction.on_commit(lambda: discard_private_file(evidence.file_name))
    log_action(
        "awards.score_sheet.evidence_removed",
        sheet,
        actor=actor,
        data={"criterion": evidence.criterion.code, "name": evidence.original_name},
    )
