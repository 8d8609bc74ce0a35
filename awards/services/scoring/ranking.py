"""The ranking: every member's settled total and place, from the counted sheets and the head's
resolutions; the arithmetic is `awards.scoring`'s."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

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

from awards import scoring
from awards.models import (
    CriteriaSet,
    Criterion,
    Score,
    ScoreResolution,
    ScoreSheet,
    ScoringPlan,
)
from awards.services.scoring.criteria import adopted_criteria, table_of
from awards.services.scoring.sheets import member_agencies
from blocs.models import BlocYear
from emulation.text import vn_sort_key

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


def _sheets(bloc_year: BlocYear) -> tuple[dict, dict, dict]:
    """Per member: its own sheet's status, its own sheet if counted, its counted peer sheets.
    Plain rows grouped in one pass: 1,600 sheet objects and a scan of them per member were half
    of a 40-member bloc's page."""
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
    return own_status, own_sheet, peer_sheets


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
    agencies = member_agencies(bloc_year)
    own_status, own_sheet, peer_sheets = _sheets(bloc_year)
    aggregation = plan.aggregation if plan else ScoringPlan.Aggregation.MEAN
    points: dict[int, dict[str, Decimal]] = {}
    own_points: dict[int, dict[str, Decimal]] = {}
    if aggregation == ScoringPlan.Aggregation.MEDIAN:
        # A median needs every score: 62,400 rows for a 40-member bloc.
        peer_sums = None
        for sheet_id, criterion_id, value in Score.objects.filter(
            sheet__bloc_year=bloc_year,
            sheet__status__in=ScoreSheet.COUNTED,
            criterion_id__in=code_of,
        ).values_list("sheet_id", "criterion_id", "points"):
            points.setdefault(sheet_id, {})[code_of[criterion_id]] = value
        own_points = {
            agency_id: points.get(sheet_id, {}) for agency_id, sheet_id in own_sheet.items()
        }
    else:
        own_points, peer_sums = _summed_scores(
            bloc_year, code_of, extremes=aggregation == ScoringPlan.Aggregation.TRIMMED_MEAN
        )
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
        own = own_points.get(agency.pk, {})
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
