"""The points-table core: totals within their bounds, rankings that report ties, fair draws."""

from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awards import scoring
from awards.scoring import BONUS, PENALTY, RATE, YES_NO, Item, Table

D = Decimal

POINTS = st.decimals(min_value=-20, max_value=80, places=2, allow_nan=False, allow_infinity=False)
MAXIMA = st.decimals(min_value=0, max_value=60, places=1, allow_nan=False, allow_infinity=False)


@st.composite
def tables(draw):
    count = draw(st.integers(min_value=1, max_value=8))
    items = [
        Item(
            f"I.{index}",
            draw(MAXIMA),
            kind=draw(st.sampled_from([scoring.POINTS, YES_NO])),
            section=draw(st.sampled_from([scoring.NORMAL, scoring.NORMAL, BONUS, PENALTY])),
        )
        for index in range(count)
    ]
    cap = draw(st.none() | st.decimals(min_value=0, max_value=10, places=1))
    return Table(tuple(items), bonus_cap=cap)


@st.composite
def table_and_sheet(draw):
    table = draw(tables())
    codes = [item.code for item in table.items]
    chosen = draw(st.lists(st.sampled_from(codes), unique=True))
    return table, {code: draw(POINTS) for code in chosen}


def usual_table() -> Table:
    """The seeded example: chuyên môn 60, thi đua khen thưởng 15, Đảng và đoàn thể 15, cải cách
    hành chính 10, bonus up to 5, penalties."""
    return Table(
        (
            Item("I.1", D(40)),
            Item("I.2", D(20), kind=RATE),
            Item("II.1", D(15)),
            Item("III.1", D(15)),
            Item("IV.1", D(10), kind=YES_NO),
            Item("V.1", D(3), section=BONUS),
            Item("V.2", D(4), section=BONUS),
            Item("VI.1", D(5), section=PENALTY),
        ),
        bonus_cap=D(5),
    )


@given(table_and_sheet())
def test_a_total_stays_within_minus_the_penalties_and_the_maximum_plus_the_bonus_cap(case):
    table, sheet = case
    total = scoring.sheet_total(table, sheet).total
    assert -table.penalty_limit <= total <= table.max_points + table.bonus_limit


@given(table_and_sheet())
def test_a_settled_sheet_with_no_peers_totals_as_the_sheet(case):
    table, sheet = case
    lines = scoring.settle(table, sheet, [], "mean")
    assert scoring.settled_total(table, lines) == scoring.sheet_total(table, sheet).total


def test_the_usual_table_hand_case():
    table = usual_table()
    assert table.max_points == 100 and table.bonus_limit == 5 and table.penalty_limit == 5
    sheet = {"I.1": D(38), "I.2": D(20), "II.1": D("14.5"), "III.1": D(15), "IV.1": D(7)}
    sheet |= {"V.1": D(3), "V.2": D(4), "VI.1": D(2)}
    result = scoring.sheet_total(table, sheet)
    # yes/no item given 7 of 10 earns nothing; bonus 7 capped at 5; 2 off.
    assert (result.base, result.bonus, result.penalty) == (D("87.5"), D(5), D(2))
    assert result.total == D("90.5")


def test_an_unknown_code_is_an_error_not_ignored():
    with pytest.raises(ValueError, match="IX.9"):
        scoring.sheet_total(usual_table(), {"IX.9": D(1)})


@given(
    st.fractions(min_value=-1, max_value=3),
    st.fractions(min_value=-1, max_value=3),
)
def test_points_from_a_rate_rise_with_the_rate_and_stay_within_the_maximum(lower, higher):
    item = Item("I.2", D(20), kind=RATE, full_at=Fraction(1), zero_at=Fraction(1, 2))
    lower, higher = sorted([lower, higher])
    assert 0 <= item.from_rate(lower) <= item.from_rate(higher) <= 20


def test_rate_hand_cases():
    item = Item("I.2", D(20), kind=RATE, zero_at=Fraction(1, 2))
    assert item.from_rate(Fraction(3, 4)) == 10
    assert item.from_rate(Fraction(6, 5)) == 20  # above target earns no more
    assert item.from_rate(Fraction(2, 5)) == 0
    with pytest.raises(ValueError):
        Item("I.3", D(5), kind=RATE, zero_at=Fraction(1), full_at=Fraction(1))


@given(
    st.lists(POINTS, min_size=1, max_size=9), st.sampled_from(["mean", "median", "trimmed_mean"])
)
def test_an_aggregate_lies_between_the_lowest_and_the_highest(values, method):
    result = scoring.aggregate(values, method)
    assert min(values) <= result <= max(values)


@given(POINTS, st.integers(min_value=1, max_value=9), st.sampled_from(scoring.AGGREGATIONS))
def test_scorers_who_agree_give_their_score_and_one_more_changes_nothing(value, count, method):
    count = 1 if method == "team" else count
    assert scoring.aggregate([value] * count, method) == Fraction(value)
    if method != "team":
        assert scoring.aggregate([value] * (count + 1), method) == Fraction(value)


@given(st.lists(POINTS, min_size=1, max_size=9))
def test_a_scorer_at_the_mean_does_not_move_the_mean(values):
    mean = scoring.aggregate(values, "mean")
    assert scoring.aggregate([*values, mean], "mean") == mean


@given(table_and_sheet(), table_and_sheet(), st.integers(min_value=1, max_value=5))
def test_one_more_scorer_agreeing_with_the_others_changes_no_line(case, own_case, scorers):
    table, peer = case
    own = {code: points for code, points in own_case[1].items() if code in peer}
    for method in ("mean", "median", "trimmed_mean"):
        before = scoring.settle(table, own, [peer] * scorers, method)
        assert scoring.settle(table, own, [peer] * (scorers + 1), method) == before


def test_aggregation_hand_cases():
    assert scoring.aggregate([D(8), D(9), D(10), D(2)], "median") == Fraction(17, 2)
    assert scoring.aggregate([D(8), D(9), D(10), D(2)], "trimmed_mean") == Fraction(17, 2)
    assert scoring.aggregate([D(1), D(2)], "trimmed_mean") == Fraction(3, 2)  # too few to trim
    assert scoring.shown(scoring.aggregate([D(10), D(10), D(9)], "mean")) == D("9.67")
    with pytest.raises(ValueError):
        scoring.aggregate([D(1), D(2)], "team")
    with pytest.raises(ValueError):
        scoring.aggregate([], "mean")


def test_the_head_settles_one_difference_and_the_rest_follows_the_peers():
    table = usual_table()
    own = {"I.1": D(40), "II.1": D(15)}
    peers = [{"I.1": D(30), "II.1": D(15)}, {"I.1": D(34), "II.1": D(14)}]
    lines = {line.code: line for line in scoring.settle(table, own, peers, "mean", tolerance=D(1))}
    assert lines["I.1"].differs and not lines["II.1"].differs  # 40 vs 32; 15 vs 14.5
    assert lines["I.1"].final == 32
    settled = scoring.settle(table, own, peers, "mean", resolutions={"I.1": D(35)}, tolerance=D(1))
    line = next(line for line in settled if line.code == "I.1")
    assert line.final == 35 and line.settled_by_head and line.peers == 32
    assert scoring.settled_total(table, settled) == Fraction(35) + Fraction(29, 2)


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=4),
        st.fractions(min_value=0, max_value=100, max_denominator=4),
        min_size=1,
        max_size=12,
    ),
    st.randoms(use_true_random=False),
)
def test_a_ranking_is_monotone_reports_ties_and_ignores_the_input_order(totals, rng):
    ranking = scoring.rank(totals)
    by_unit = {place.unit: place for place in ranking.places}
    sharing = Counter(totals.values())
    for a in totals:
        assert by_unit[a].tied == (sharing[totals[a]] > 1)
        for b in totals:
            if totals[a] > totals[b]:
                assert by_unit[a].place < by_unit[b].place
            if totals[a] == totals[b]:
                assert by_unit[a].place == by_unit[b].place
    shuffled = list(totals.items())
    rng.shuffle(shuffled)
    assert scoring.rank(dict(shuffled)) == ranking
    assert set(ranking.leading) == {u for u, t in totals.items() if t == max(totals.values())}


def test_a_tie_at_the_top_is_reported_for_a_vote():
    ranking = scoring.rank({"Sở Y tế": Fraction(96), "Sở Tư pháp": Fraction(96), "Sở Nội vụ": 90})
    assert ranking.tie_at_top
    assert [(p.unit, p.place, p.tied) for p in ranking.places] == [
        ("Sở Tư pháp", 1, True),
        ("Sở Y tế", 1, True),
        ("Sở Nội vụ", 3, False),
    ]


@given(
    st.integers(min_value=2, max_value=40).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(min_value=1, max_value=n - 1))
    ),
    st.integers(),
)
def test_a_draw_is_balanced_never_self_and_repeatable(size_and_count, seed):
    size, per_unit = size_and_count
    units = [f"u{i}" for i in range(size)]
    draw = scoring.assign_peers(units, per_unit, seed)
    assert draw == scoring.assign_peers(units, per_unit, seed)
    scored = Counter()
    for scorer, targets in draw.items():
        assert scorer not in targets
        assert len(set(targets)) == per_unit
        scored.update(targets)
    assert set(scored.values()) == {per_unit} and len(scored) == size


def test_a_scoring_team_scores_everyone_but_its_own_unit():
    draw = scoring.assign_team(["a", "b", "c", "d"], ["a", "b"])
    assert draw == {"a": ["b", "c", "d"], "b": ["a", "c", "d"]}
    with pytest.raises(ValueError):
        scoring.assign_team(["a"], ["z"])


@given(
    st.lists(POINTS, min_size=1, max_size=9), st.sampled_from(["mean", "median", "trimmed_mean"])
)
def test_the_decimal_path_gives_what_fractions_give(values, method):
    """Decimals are summed as Decimals for speed; the result is the exact fraction's."""
    assert scoring.aggregate(values, method) == scoring.aggregate(
        [Fraction(value) for value in values], method
    )


@given(st.lists(POINTS, min_size=1, max_size=9), MAXIMA, st.sampled_from([scoring.POINTS, YES_NO]))
def test_clamping_a_list_is_clamping_each_value(values, maximum, kind):
    item = Item("I.1", maximum, kind=kind)
    assert item.clamp_all(values) == [item.clamp(value) for value in values]


@given(table_and_sheet(), st.lists(POINTS, max_size=3))
def test_the_headings_add_up_to_the_standard_part(case, extra):
    table, sheet = case
    lines = scoring.settle(table, sheet, [dict.fromkeys(sheet, value) for value in extra], "mean")
    standard, _bonus, _penalty = scoring.settled_parts(table, lines)
    assert sum(scoring.heading_sums(table, lines).values(), D(0)) == standard
    assert sum(scoring.heading_maxima(table).values(), D(0)) == table.max_points


def test_headings_hand_case():
    table = usual_table()
    sheet = {"I.1": D(38), "I.2": D(20), "II.1": D("14.5"), "IV.1": D(10), "V.1": D(3)}
    lines = scoring.settle(table, sheet, [], "mean")
    assert scoring.heading_maxima(table) == {"I": 60, "II": 15, "III": 15, "IV": 10}
    assert scoring.heading_sums(table, lines) == {
        "I": 58,
        "II": Fraction(29, 2),
        "III": 0,
        "IV": 10,
    }


@given(table_and_sheet(), st.lists(POINTS, min_size=1, max_size=6), POINTS)
def test_the_mean_fast_path_settles_as_fractions_would(case, peer_values, tolerance):
    table, own = case
    tolerance = abs(tolerance)
    peers = [dict.fromkeys(own, value) for value in peer_values]
    lines = {line.code: line for line in scoring.settle(table, own, peers, "mean", None, tolerance)}
    for item in table.items:
        line = lines[item.code]
        if item.code not in own:
            assert line.peers is None and line.final == 0
            continue
        expected = sum(Fraction(item.clamp(v)) for v in peer_values) / len(peer_values)
        mine = Fraction(item.clamp(own[item.code]))
        assert line.peers == line.final == expected
        assert line.differs == (abs(mine - expected) > Fraction(tolerance))


@given(
    table_and_sheet(),
    st.lists(POINTS, min_size=1, max_size=6),
    st.sampled_from(["mean", "trimmed_mean", "team"]),
)
def test_sums_from_a_database_settle_as_the_sheets_do(case, peer_values, method):
    table, own = case
    if method == "team":
        peer_values = peer_values[:1]
    peers = [dict.fromkeys(own, value) for value in peer_values]
    sums = {
        item.code: scoring.PeerSums.of(item.clamp_all(list(peer_values)))
        for item in table.items
        if item.code in own
    }
    from_sheets = scoring.settle(table, own, peers, method, None, D(1))
    assert scoring.settle(table, own, [], method, None, D(1), peer_sums=sums) == from_sheets


def test_a_median_needs_the_scores_themselves():
    with pytest.raises(ValueError, match="median"):
        scoring.settle(usual_table(), {}, [], "median", peer_sums={})


def test_totals_add_up_from_the_printed_points_and_equal_prints_tie():
    """Two peers at 85 and one at 86 on a 100-point item: 85.333… prints 85,33; a unit whose
    peers gave 85,33 exactly prints the same and shares the place."""
    table = Table((Item("I.1", D(100)),))
    thirds = scoring.settle(table, {}, [{"I.1": D(85)}, {"I.1": D(85)}, {"I.1": D(86)}], "mean")
    exact = scoring.settle(table, {}, [{"I.1": D("85.33")}], "mean")
    assert thirds[0].final == Fraction(256, 3)
    assert scoring.settled_total(table, thirds) == scoring.settled_total(table, exact) == D("85.33")
    ranking = scoring.rank(
        {"A": scoring.settled_total(table, thirds), "B": scoring.settled_total(table, exact)}
    )
    assert ranking.tie_at_top
