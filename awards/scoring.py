"""The year-end points table: plain data in, plain data out, no database (like `tally`).

A bloc scores its members against a table of criteria (bảng tiêu chí): each member scores
itself (tự chấm), others score it (chấm chéo) and the head settles each criterion's final points.
The sheet pages, the score table's PDF and workbook, the candidate list and the tests all compute
here, so they agree. Points are `Decimal`s, never floats; a criterion's mean or median is kept
exact and counts in totals as printed, rounded half up to two places (`shown`), so every total
adds up from the figures a table shows and equal printed totals share a place. A tie is
reported, never broken: a tie at the top goes to a vote.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

POINTS = "points"  # any points from 0 up to the maximum
YES_NO = "yes_no"  # the maximum or nothing
RATE = "rate"  # by formula from a registered target's achievement rate

NORMAL = "normal"
BONUS = "bonus"  # điểm thưởng: added, capped as a whole
PENALTY = "penalty"  # điểm trừ: taken off

KINDS = (POINTS, YES_NO, RATE)
SECTIONS = (NORMAL, BONUS, PENALTY)
AGGREGATIONS = ("mean", "median", "trimmed_mean", "team")
TWO_PLACES = Decimal("0.01")
ZERO = Decimal(0)


def shown(value: Decimal | Fraction) -> Decimal:
    """Two decimal places, half up: what a sheet or a table prints."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Item:
    """One scored criterion (a leaf of the table): its code (I.1.a), maximum and how it scores.
    For `RATE`, `full_at` is the achievement rate that earns the maximum and `zero_at` the rate
    at or below which it earns nothing, linear between."""

    code: str
    max_points: Decimal
    kind: str = POINTS
    section: str = NORMAL
    full_at: Fraction = Fraction(1)
    zero_at: Fraction = Fraction(0)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if self.section not in SECTIONS:
            raise ValueError(f"unknown section {self.section!r}")
        object.__setattr__(self, "max_points", Decimal(self.max_points))
        if self.max_points < 0:
            raise ValueError("a maximum is not negative")
        object.__setattr__(self, "full_at", Fraction(self.full_at))
        object.__setattr__(self, "zero_at", Fraction(self.zero_at))
        if self.kind == RATE and not self.zero_at < self.full_at:
            raise ValueError("a rate formula needs zero_at below full_at")

    def clamp(self, points: Decimal) -> Decimal:
        """Points as this item allows them: within [0, max]; yes/no is all or nothing."""
        if not isinstance(points, Decimal):
            points = Decimal(points)
        if points < ZERO:
            points = ZERO
        elif points > self.max_points:
            points = self.max_points
        if self.kind == YES_NO:
            return self.max_points if points == self.max_points else ZERO
        return points

    def clamp_all(self, values: list) -> list:
        """`clamp` of each value; the list itself when every value is already allowed (stored
        sheets always are: 64,000 calls were a third of the 40-member bloc's ranking)."""
        if self.kind != YES_NO and min(values) >= ZERO and max(values) <= self.max_points:
            return values
        return [self.clamp(value) for value in values]

    def from_rate(self, rate: Fraction) -> Fraction:
        """The points a target achieved at `rate` (1 = 100 %) earns, exactly."""
        share = (Fraction(rate) - self.zero_at) / (self.full_at - self.zero_at)
        return Fraction(self.max_points) * min(max(share, Fraction(0)), Fraction(1))


@dataclass(frozen=True)
class Table:
    """The scored items of a criteria set and the cap on bonus points (None: uncapped)."""

    items: tuple[Item, ...]
    bonus_cap: Decimal | None = None

    def __post_init__(self):
        object.__setattr__(self, "items", tuple(self.items))
        codes = [item.code for item in self.items]
        if len(set(codes)) != len(codes):
            raise ValueError("criterion codes repeat")
        if self.bonus_cap is not None:
            object.__setattr__(self, "bonus_cap", Decimal(self.bonus_cap))

    @property
    def max_points(self) -> Decimal:
        """The table's total without bonus (100 in the usual table)."""
        return sum((i.max_points for i in self.items if i.section == NORMAL), Decimal(0))

    @property
    def bonus_limit(self) -> Decimal:
        bonus = sum((i.max_points for i in self.items if i.section == BONUS), Decimal(0))
        return bonus if self.bonus_cap is None else min(bonus, self.bonus_cap)

    @property
    def penalty_limit(self) -> Decimal:
        return sum((i.max_points for i in self.items if i.section == PENALTY), Decimal(0))


@dataclass(frozen=True)
class SheetTotal:
    base: Decimal
    bonus: Decimal
    penalty: Decimal

    @property
    def total(self) -> Decimal:
        return self.base + self.bonus - self.penalty


def sheet_total(table: Table, points: Mapping[str, Decimal]) -> SheetTotal:
    """A sheet's total: each item clamped to what it allows, bonus capped as a whole, penalties
    taken off. An item not scored counts 0; a code not in the table is an error, not ignored."""
    unknown = set(points) - {item.code for item in table.items}
    if unknown:
        raise ValueError(f"codes not in the table: {sorted(unknown)}")
    sums = {section: Decimal(0) for section in SECTIONS}
    for item in table.items:
        if item.code in points:
            sums[item.section] += item.clamp(points[item.code])
    bonus = sums[BONUS] if table.bonus_cap is None else min(sums[BONUS], table.bonus_cap)
    return SheetTotal(base=sums[NORMAL], bonus=bonus, penalty=sums[PENALTY])


def aggregate(values: Sequence[Decimal | Fraction], method: str) -> Fraction:
    """Several scorers' points for one criterion as one, exactly. "trimmed_mean" leaves out one
    highest and one lowest once there are at least three; "team" is the scoring team's one
    agreed score, so it takes exactly one value. Decimals are summed as Decimals (exact at
    these sizes, and ten times faster than fractions) and divided once."""
    if method not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {method!r}")
    if not values:
        raise ValueError("no scores to aggregate")
    if method == "mean":
        try:
            return Fraction(sum(values, ZERO)) / len(values)
        except TypeError:  # fractions among them: Decimal and Fraction do not add
            pass
    if not all(isinstance(value, Decimal) for value in values):
        values = [Fraction(value) for value in values]
    ordered = values if method == "mean" else sorted(values)
    if method == "team":
        if len(ordered) != 1:
            raise ValueError("a scoring team gives one score")
        return Fraction(ordered[0])
    if method == "trimmed_mean" and len(ordered) >= 3:
        ordered = ordered[1:-1]
    if method == "median":
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return Fraction(ordered[middle])
        return (Fraction(ordered[middle - 1]) + Fraction(ordered[middle])) / 2
    return Fraction(sum(ordered)) / len(ordered)


@dataclass(frozen=True)
class Line:
    """One criterion of a member's sheet as the head settles it."""

    code: str
    own: Decimal | None  # the member's self-score
    peers: Fraction | None  # the cross-scorers' aggregate
    final: Fraction
    settled_by_head: bool
    differs: bool  # own and peers differ by more than the tolerance


@dataclass(frozen=True)
class PeerSums:
    """One criterion's cross-scores as a database sums them (each value clamped first): how
    many, their total, the lowest and the highest. Enough for every aggregation but the median,
    so a 40-member bloc's 62,400 cross-scores reach the core as 1,600 of these."""

    count: int
    total: Decimal
    low: Decimal
    high: Decimal

    @classmethod
    def of(cls, values: Sequence[Decimal]) -> PeerSums:
        return cls(len(values), sum(values, ZERO), min(values), max(values))


def _from_sums(sums: PeerSums, method: str) -> tuple[Decimal, int]:
    """(total, count) the aggregation divides: trimmed of one highest and one lowest from three
    scores on; a scoring team gives exactly one."""
    if method == "team" and sums.count != 1:
        raise ValueError("a scoring team gives one score")
    if method == "trimmed_mean" and sums.count >= 3:
        return sums.total - sums.low - sums.high, sums.count - 2
    return sums.total, sums.count


def _sums(given: list, method: str) -> PeerSums | None:
    """The sums of a list of Decimals (None for a median, or when some are not Decimals: the
    general path aggregates them); the lowest and highest only where they are used."""
    if not given or method == "median":
        return None
    try:
        total = sum(given, ZERO)
    except TypeError:  # Decimal and Fraction do not add
        return None
    if method == "trimmed_mean":
        return PeerSums(len(given), total, min(given), max(given))
    return PeerSums(len(given), total, total, total)


def _ratio(total: Decimal, count: int) -> Fraction:
    """total / count exactly; one fraction of whole cents when the total is (it always is for
    stored points)."""
    cents = total * 100
    if cents == cents.to_integral_value():
        return Fraction(int(cents), 100 * count)
    return Fraction(total) / count


def settle(
    table: Table,
    own: Mapping[str, Decimal],
    peer_sheets: Sequence[Mapping[str, Decimal]],
    method: str,
    resolutions: Mapping[str, Decimal] | None = None,
    tolerance: Decimal = Decimal(0),
    *,
    peer_sums: Mapping[str, PeerSums] | None = None,
) -> list[Line]:
    """Each criterion's final points: the head's resolution where there is one, else the peers'
    aggregate where the member was cross-scored, else its own score (each clamped as the item
    allows). A difference beyond `tolerance` between own and peers is flagged for the head.
    The peers come as their sheets, or (not for the median) as `peer_sums` per code."""
    if peer_sums is not None and method == "median":
        raise ValueError("a median needs the scores themselves")
    resolutions = resolutions or {}
    tolerance = Decimal(tolerance)
    lines = []
    for item in table.items:
        code = item.code
        mine = item.clamp(own[code]) if code in own else None
        if peer_sums is not None:
            sums = peer_sums.get(code)
        else:
            given = [sheet[code] for sheet in peer_sheets if code in sheet]
            sums = _sums(given and item.clamp_all(given), method)
        if sums is not None:
            total, count = _from_sums(sums, method)
            # Exactly, and at the cost of one fraction a line: |mine − total/n| > tolerance is
            # |mine × n − total| > tolerance × n, compared in Decimals.
            peers = _ratio(total, count)
            differs = mine is not None and abs(mine * count - total) > tolerance * count
        elif peer_sums is None and given:
            peers = aggregate(item.clamp_all(given), method)
            differs = mine is not None and abs(Fraction(mine) - peers) > Fraction(tolerance)
        else:
            peers, differs = None, False
        if code in resolutions:
            final = Fraction(item.clamp(resolutions[code]))
        elif peers is not None:
            final = peers
        else:
            final = Fraction(mine or 0)
        lines.append(Line(code, mine, peers, final, code in resolutions, differs))
    return lines


def settled_parts(table: Table, lines: Iterable[Line]) -> tuple[Decimal, Decimal, Decimal]:
    """(standard, bonus capped, penalty) of settled lines. Each criterion counts with its points
    as printed (two places, half up), so every total adds up from the figures a table shows and
    equal printed totals share a place."""
    by_code = {line.code: shown(line.final) for line in lines}
    sums = dict.fromkeys(SECTIONS, ZERO)
    for item in table.items:
        sums[item.section] += by_code.get(item.code, ZERO)
    bonus = sums[BONUS]
    if table.bonus_cap is not None:
        bonus = min(bonus, table.bonus_cap)
    return sums[NORMAL], bonus, sums[PENALTY]


def top_code(code: str) -> str:
    """The heading a criterion sits under at the top of the tree: "II.1.a" → "II"."""
    return code.split(".", 1)[0]


def heading_maxima(table: Table) -> dict[str, Decimal]:
    """Standard points available under each top heading (I: 60, II: 15…), in table order."""
    maxima: dict[str, Decimal] = {}
    for item in table.items:
        if item.section == NORMAL:
            code = top_code(item.code)
            maxima[code] = maxima.get(code, ZERO) + item.max_points
    return maxima


def heading_sums(table: Table, lines: Iterable[Line]) -> dict[str, Decimal]:
    """Settled standard points under each top heading (criteria as printed), in table order;
    they add up to the standard part of `settled_parts`."""
    by_code = {line.code: shown(line.final) for line in lines}
    sums: dict[str, Decimal] = {}
    for item in table.items:
        if item.section == NORMAL:
            code = top_code(item.code)
            sums[code] = sums.get(code, ZERO) + by_code.get(item.code, ZERO)
    return sums


def settled_total(table: Table, lines: Iterable[Line]) -> Decimal:
    """The total of settled lines as printed: bonus capped, penalties off."""
    standard, bonus, penalty = settled_parts(table, lines)
    return standard + bonus - penalty


@dataclass(frozen=True)
class Place:
    unit: Hashable
    total: Fraction
    place: int  # 1, 2, 2, 4: units with equal totals share a place
    tied: bool


@dataclass(frozen=True)
class Ranking:
    places: tuple[Place, ...]
    leading: tuple[Hashable, ...] = field(default=())

    @property
    def tie_at_top(self) -> bool:
        """More than one unit shares the first place: the conference votes between them."""
        return len(self.leading) > 1


def rank(totals: Mapping[Hashable, Fraction], sort_key=None) -> Ranking:
    """Units by total, highest first; equal totals share a place and are marked tied. Within a
    tie, units are listed by `sort_key` (their Vietnamese name, say), which never decides."""
    sort_key = sort_key or (lambda unit: str(unit))
    ordered = sorted(totals.items(), key=lambda pair: (-pair[1], sort_key(pair[0])))
    counts: dict[Fraction, int] = {}
    for _unit, total in ordered:
        counts[total] = counts.get(total, 0) + 1
    places, place, previous = [], 0, None
    for position, (unit, total) in enumerate(ordered, start=1):
        if total != previous:
            place, previous = position, total
        places.append(Place(unit, Fraction(total), place, counts[total] > 1))
    leading = tuple(p.unit for p in places if p.place == 1)
    return Ranking(tuple(places), leading)


def assign_peers(units: Sequence[Hashable], per_unit: int, seed: int) -> dict:
    """Who scores whom: each unit scores `per_unit` others and is scored by exactly as many, never
    itself. The units are shuffled by `seed` (recorded, so the draw can be shown again) and
    each scores the next `per_unit` around the circle. `per_unit = len(units) - 1`: everyone
    scores everyone else."""
    if len(set(units)) != len(units):
        raise ValueError("a unit appears twice")
    if not 1 <= per_unit <= len(units) - 1:
        raise ValueError("each unit scores at least one and at most all the others")
    circle = list(units)
    random.Random(seed).shuffle(circle)
    size = len(circle)
    return {
        circle[i]: [circle[(i + step) % size] for step in range(1, per_unit + 1)]
        for i in range(size)
    }


def assign_team(units: Sequence[Hashable], team: Sequence[Hashable]) -> dict:
    """A scoring team (head, deputy and a rotating member, say): each team member scores every
    unit but its own."""
    missing = set(team) - set(units)
    if missing or not team:
        raise ValueError("the team is made of members")
    return {scorer: [unit for unit in units if unit != scorer] for scorer in team}
