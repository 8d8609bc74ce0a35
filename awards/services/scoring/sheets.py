"""The bloc's scoring plan, its sheets (self and cross), their moves, the head's settling and
the evidence. Every write is audited."""

import secrets
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Count,
    F,
    Q,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import scoring
from awards.models import (
    Criterion,
    Score,
    ScoreEvidence,
    ScoreResolution,
    ScoreSheet,
    ScoringPlan,
    VotingSession,
)
from awards.services.scoring.criteria import (
    adopted_criteria,
    check_not_started,
    decimal_of,
    table_of,
)
from blocs.covenant_reads import members_of
from blocs.models import BlocYear, Deadline
from blocs.services.calendar import due_on_for
from emulation.audit import log_action
from emulation.text import nfc
from emulation.uploads import discard_private_file, store_private_file
from emulation.workflow import check_move, transition

# The plan and the sheets -------------------------------------------------------------------------


def member_agencies(bloc_year: BlocYear) -> list:
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
    check_not_started(bloc_year)
    _check_open(bloc_year.pk)
    criteria_set = adopted_criteria(bloc_year)
    if criteria_set is None:
        raise ValidationError(_("Khối chưa áp dụng bảng tiêu chí chấm điểm."))
    agencies = member_agencies(bloc_year)
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


def _rate_points(criterion: Criterion, text: str) -> tuple[Decimal, Decimal]:
    """(rate %, points) for a criterion scored by rate: the points the achievement rate earns
    by the table's formula, as printed (two places)."""
    rate = decimal_of(text.rstrip("%").strip(), _("tỷ lệ hoàn thành"), criterion.code)
    (item,) = table_of([criterion], None).items
    return rate, scoring.shown(item.from_rate(Fraction(rate) / 100))


@transaction.atomic
def save_sheet(sheet: ScoreSheet, entries: dict, *, actor) -> ScoreSheet:
    """Write a sheet's points: `entries` is {criterion id: (points text, justification[, rate
    text])}. Each value is checked against its criterion (a number from 0 to the maximum, a
    yes/no item all or nothing); a criterion scored by rate may take the achievement rate
    instead, its points then computed by the table's formula. Every problem is reported and
    nothing is written unless all are right. An empty value clears the criterion."""
    sheet = ScoreSheet.objects.select_for_update().select_related("bloc_year").get(pk=sheet.pk)
    _check_editable(sheet)
    criteria = {criterion.pk: criterion for criterion in sheet_criteria(sheet) if criterion.scored}
    problems, keep, clear = [], [], []
    for criterion_id, (raw, justification, *rest) in entries.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            problems.append(_("Tiêu chí không thuộc bảng tiêu chí của khối."))
            continue
        text = nfc(str(raw or "")).strip()
        rate_text = nfc(str(rest[0] or "")).strip() if rest else ""
        rate = None
        try:
            if rate_text and criterion.kind == Criterion.Kind.RATE:
                rate, points = _rate_points(criterion, rate_text)
            elif not text:
                clear.append(criterion.pk)
                continue
            else:
                points = decimal_of(text, _("điểm"), criterion.code)
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
                rate=rate,
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
    _check_open(sheet.bloc_year_id)  # a return or an acceptance would change the printed scores
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
    value = decimal_of(points, _("điểm"), criterion.code)
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


def progress(bloc_year: BlocYear, memberships) -> list[dict]:
    """Per member, in the members' order: its own sheet and its peer sheets (sent / assigned),
    from the 40 own sheets and one count per member (not 1,600 sheet objects)."""
    own = {
        sheet.agency_id: sheet
        for sheet in ScoreSheet.objects.filter(bloc_year=bloc_year, agency_id=F("scorer_id"))
    }
    peers = {
        row["agency_id"]: row
        for row in ScoreSheet.objects.filter(bloc_year=bloc_year)
        .exclude(agency_id=F("scorer_id"))
        .values("agency_id")
        .annotate(total=Count("pk"), sent=Count("pk", filter=Q(status__in=ScoreSheet.COUNTED)))
        .order_by()
    }
    return [
        {
            "agency": m.agency,
            "own": own.get(m.agency_id),
            "peers": peers.get(m.agency_id, {}).get("total", 0),
            "peers_sent": peers.get(m.agency_id, {}).get("sent", 0),
        }
        for m in memberships
    ]


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
