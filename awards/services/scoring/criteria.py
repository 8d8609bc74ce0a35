"""The year-end points table: the province's criteria sets, their versions and copies, and a
bloc's adopted copy. Every write is audited."""

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Max,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import scoring
from awards.models import (
    CriteriaSet,
    Criterion,
    Score,
    ScoreEvidence,
    ScoreSheet,
    ScoringPlan,
)
from blocs.models import BlocYear
from emulation.audit import log_action
from emulation.text import nfc
from emulation.uploads import discard_private_file

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


def decimal_of(value, label: str, code: str) -> Decimal:
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
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError(
            _("Tiêu chí %(code)s: %(label)s “%(value)s” ghi tối đa hai chữ số thập phân.")
            % {"code": code, "label": label, "value": value}
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
            max_points = decimal_of(row.get("max_points") or 0, _("điểm tối đa"), code)
            full_at = decimal_of(row.get("full_at") or 1, _("tỷ lệ đạt điểm tối đa"), code)
            zero_at = decimal_of(row.get("zero_at") or 0, _("tỷ lệ không đạt điểm"), code)
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        if kind != Criterion.Kind.RATE:
            zero_at, full_at = Decimal(0), Decimal(1)  # only a rate criterion uses them
        elif not zero_at < full_at:
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


def scoring_started(bloc_year: BlocYear) -> bool:
    """A sheet has been sent: the table and the plan are fixed from now on."""
    return (
        ScoreSheet.objects.filter(bloc_year=bloc_year)
        .exclude(status=ScoreSheet.Status.DRAFT)
        .exists()
    )


def check_not_started(bloc_year: BlocYear) -> None:
    if scoring_started(bloc_year):
        raise ValidationError(
            _("Đã có phiếu chấm gửi khối trưởng: không thể đổi bảng tiêu chí của năm %(year)s.")
            % {"year": bloc_year.year}
        )


@transaction.atomic
def adopt_criteria(
    bloc_year: BlocYear,
    *,
    rows: list[dict] | None = None,
    bonus_cap=None,
    keep_bonus_cap: bool = True,
    actor,
) -> CriteriaSet:
    """The bloc adopts the province's table for its kind and year, or adjusts its own copy
    (`rows`, and `bonus_cap`; None keeps the province's unless `keep_bonus_cap` is False), until
    the first sheet is sent; each adoption is a new version of the bloc's copy."""
    bloc_year = BlocYear.objects.select_for_update().select_related("bloc").get(pk=bloc_year.pk)
    check_not_started(bloc_year)
    current = adopted_criteria(bloc_year)
    # An adjustment stays based on the province's version the bloc adopted; a new adoption
    # takes the province's latest.
    if rows is not None and current is not None and current.based_on_id:
        source = current.based_on
    else:
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
        bonus_cap=source.bonus_cap if bonus_cap is None and keep_bonus_cap else bonus_cap,
        confirmed=source.confirmed,
        adopted_at=timezone.now(),
    )
    _write_criteria(own, rows)
    plan = ScoringPlan.objects.filter(bloc_year=bloc_year).first()
    if plan is not None:
        previous = plan.criteria_set
        plan.criteria_set = own
        plan.save(update_fields=["criteria_set"])
        _carry_drafts(bloc_year, previous, own)
    log_action(
        "awards.criteria.adopted",
        bloc_year,
        actor=actor,
        data={
            "version": own.version,
            "source_version": source.version,
            "adjusted": rows != criteria_rows(source) or own.bonus_cap != source.bonus_cap,
        },
    )
    return own


def _carry_drafts(bloc_year: BlocYear, previous: CriteriaSet, new: CriteriaSet) -> None:
    """Draft sheets keep what still fits the new table: a score moves to the criterion of the
    same code when it is scored the same way and within the new maximum (a yes/no item with the
    same maximum), evidence to the criterion of the same code; the rest is dropped (sheets are
    drafts: nothing has been sent)."""
    by_code = {criterion.code: criterion for criterion in new.criteria.all() if criterion.scored}
    scores = Score.objects.filter(sheet__bloc_year=bloc_year)
    evidence = ScoreEvidence.objects.filter(sheet__bloc_year=bloc_year)
    dropped_files = []
    for old in previous.criteria.all():
        target = by_code.get(old.code)
        if target is None:
            scores.filter(criterion=old).delete()
            dropped = evidence.filter(criterion=old)
            dropped_files += list(dropped.values_list("file_name", flat=True))
            dropped.delete()
            continue
        kept = scores.filter(criterion=old)
        if target.kind != old.kind or (
            target.kind == Criterion.Kind.YES_NO and target.max_points != old.max_points
        ):
            kept.delete()
        else:
            kept.filter(points__gt=target.max_points).delete()
            kept.update(criterion=target)
        evidence.filter(criterion=old).update(criterion=target)
    transaction.on_commit(lambda: [discard_private_file(name) for name in dropped_files if name])


def adopted_criteria(bloc_year: BlocYear) -> CriteriaSet | None:
    return bloc_year.criteria_sets.order_by("-version").first()
