"""awards/charts.py on its own: any counts give a valid SVG naming every label, nothing becomes
"Chưa có số liệu", hostile text is drawn as text, a poll's threshold is the guide."""

import unicodedata
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from awards import charts
from awards.tally import CandidateResult, RuleSpec, TallyResult

SVG = "{http://www.w3.org/2000/svg}"

labels = st.lists(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30
    ).filter(lambda text: charts.clean_label(text).strip()),
    min_size=1,
    max_size=14,
    unique_by=lambda text: charts.clean_label(text, 18),
)


def texts(svg: str) -> str:
    """Every text the SVG draws, joined (labels, values, legend)."""
    root = ET.fromstring(svg)
    return " ".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


def _written(chart, size):
    """Labels along the bottom past 12 (6 on a phone) are written every n-th only."""
    most = 6 if size == charts.NARROW else 12
    if chart.kind in (charts.HORIZONTAL, charts.HORIZONTAL_STACKED) or len(chart.labels) <= most:
        return chart.labels
    return chart.labels[:: -(-len(chart.labels) // most)]


@st.composite
def chart_data(draw):
    names = draw(labels)
    series_count = draw(st.integers(1, 3))
    counts = st.integers(0, 10**9)
    series = tuple(
        charts.Series(f"Loạt {i}", tuple(draw(counts) for _ in names)) for i in range(series_count)
    )
    kind = draw(st.sampled_from(charts.KINDS))
    return charts.Chart(labels=tuple(names), series=series, kind=kind)


@settings(max_examples=40, deadline=None)
@given(chart=chart_data(), size=st.sampled_from(charts.SIZES))
def test_any_non_negative_counts_render_a_valid_svg_with_every_label(chart, size):
    svg = charts.render(chart, size)
    drawn = texts(svg)
    if chart.has_data:
        limit = 18 if size == charts.NARROW else 48
        for label in _written(chart, size):
            assert charts.clean_label(label, limit).rstrip("…").strip() in drawn
    else:
        assert "Chưa có số liệu" in drawn
    assert "<script" not in svg
    assert "http://" not in svg.split("-->")[-1].replace("http://www.w3.org", "")


@pytest.mark.parametrize(
    "chart",
    [
        charts.Chart(labels=(), series=()),
        charts.Chart(labels=("2024",), series=(charts.Series("Tập thể", (0,)),)),
        charts.Chart(labels=("2024", "2025"), series=(), kind=charts.LINES),
    ],
    ids=["nothing", "zeros", "no series"],
)
def test_no_data_draws_chua_co_so_lieu_not_an_error(chart):
    for size in charts.SIZES:
        assert "Chưa có số liệu" in texts(charts.render(chart, size))


def test_a_series_must_have_one_value_per_label_and_sizes_are_known():
    with pytest.raises(ValueError):
        charts.Chart(labels=("a", "b"), series=(charts.Series("x", (1,)),))
    with pytest.raises(ValueError):
        charts.Chart(labels=("a",), series=(), kind="pie")
    with pytest.raises(ValueError):
        charts.render(charts.Chart(labels=("a",), series=(charts.Series("x", (1,)),)), "huge")


def test_hostile_and_nfd_labels_are_drawn_as_nfc_text():
    nfd = unicodedata.normalize("NFD", "Sở Giáo dục và Đào tạo")
    chart = charts.Chart(
        labels=(nfd, "<script>alert(1)</script>", "Sở\x00Nội vụ"),
        series=(charts.Series("Tập thể", (3, 2, 1)),),
        kind=charts.HORIZONTAL,
    )
    svg = charts.render(chart)
    drawn = texts(svg)
    assert "Sở Giáo dục và Đào tạo" in drawn
    assert "<script>alert(1)</script>" in drawn
    assert "<script>" not in svg
    assert "Sở Nội vụ" in drawn


def test_horizontal_bars_keep_the_first_label_on_top():
    chart = charts.Chart(
        labels=("Thứ nhất", "Thứ hai"),
        series=(charts.Series("Phiếu", (5, 3)),),
        kind=charts.HORIZONTAL,
    )
    root = ET.fromstring(charts.render(chart))
    positions = {
        "".join(node.itertext()): float(node.get("y"))
        for node in root.iter(f"{SVG}text")
        if "".join(node.itertext()) in chart.labels
    }
    assert positions["Thứ nhất"] < positions["Thứ hai"]


def test_the_svg_is_sized_for_its_column_and_uses_the_portal_fonts():
    chart = charts.Chart(labels=("2024",), series=(charts.Series("Tập thể", (4,)),))
    wide, narrow = (ET.fromstring(charts.render(chart, size)) for size in charts.SIZES)
    assert wide.get("viewBox").split()[2] == "760"
    assert narrow.get("viewBox").split()[2] == "360"
    assert '"Liberation Serif"' in charts.render(chart)


def _result(votes, *, threshold=Fraction(1, 2), comparator="gt", members=9, elected=(0,)):
    candidates = tuple(
        CandidateResult(i, f"Đơn vị {i}", v, 0, v * 2 > members, i + 1, elected=i in elected)
        for i, v in enumerate(votes)
    )
    return TallyResult(
        rule=RuleSpec(threshold=threshold, comparator=comparator),
        seats=1,
        members=members,
        present=members,
        issued=members,
        returned=members,
        valid=members,
        invalid=0,
        base_count=members,
        candidates=candidates,
        winners=tuple(candidates[i].candidate_id for i in elected),
    )


def test_a_poll_draws_its_votes_its_elected_and_its_threshold_line():
    result = _result((7, 5, 0))
    chart = charts.poll_chart(result)
    assert chart.labels == ("Đơn vị 0", "Đơn vị 1", "Đơn vị 2")
    assert chart.guide == (4.5, "Ngưỡng 4,5")
    assert chart.highlighted == {0}
    svg = charts.render(chart)
    assert "Ngưỡng 4,5" in texts(svg)
    assert "#198754" in svg
    assert charts.threshold_note(result) == {"share": "50%", "votes": "4,5", "above": True}


def test_a_poll_without_a_threshold_has_no_guide_and_no_votes_still_shows_the_line():
    assert charts.poll_chart(_result((3, 1), threshold=Fraction(0))).guide is None
    assert charts.threshold_note(_result((3, 1), threshold=Fraction(0))) is None
    nobody = charts.poll_chart(_result((0, 0), elected=()))
    assert nobody.has_data
    assert "Ngưỡng 4,5" in texts(charts.render(nobody))


@pytest.mark.parametrize(
    ("votes", "text"), [(Fraction(9, 2), "4,5"), (Fraction(6), "6"), (Fraction(20, 3), "6,67")]
)
def test_votes_are_written_the_vietnamese_way(votes, text):
    assert charts.votes_text(votes) == text
