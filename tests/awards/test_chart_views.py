"""The statistics page's figures and a poll's bars: what is counted, who sees what, a fixed number
of queries, the images served as SVG with nothing to run, and no result before the count."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from awards.models import AwardRecord
from awards.services import ledger
from blocs.models import FormerProvince
from portal.bench.measure import capture_queries
from tests.awards.voting_fixtures import counted, make_session, members, open_award_poll
from tests.factories import (
    AgencyFactory,
    AwardRecordFactory,
    BlocYearFactory,
    MembershipFactory,
    award_type,
)
from tests.queries import assert_same_queries

STATISTICS = reverse("awards:award_statistics")


def chart_url(name, **query):
    url = reverse("awards:award_statistics_chart", args=[name])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def svg_texts(response) -> str:
    root = ET.fromstring(response.content.decode())
    return " ".join(
        "".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")
    )


@pytest.fixture
def ledger_2024(bloc_year):
    """2024: three awards to the cast's bloc members, one to a unit of no bloc (a former
    province's), one revoked; 2019 and 2014 one award each (2014 is outside ten years)."""
    hanam = FormerProvince.objects.create(name="Hà Nam", merged_on=datetime.date(2025, 7, 1))
    agencies = members(bloc_year)
    AwardRecordFactory(agency=agencies[0], award_type=award_type("CO_TINH"), year=2024)
    AwardRecordFactory(agency=agencies[1], award_type=award_type("TTLDXS"), year=2024)
    AwardRecordFactory(
        agency=agencies[1], award_type=award_type("BK_TINH"), year=2024, person_name="Lê Thị Hoa"
    )
    alone = AgencyFactory(name="Sở Nội vụ", former_province=hanam)
    AwardRecordFactory(agency=alone, award_type=award_type("TTLDXS"), year=2024)
    revoked = AwardRecordFactory(agency=agencies[2], award_type=award_type("CO_TINH"), year=2024)
    AwardRecord.objects.filter(pk=revoked.pk).update(status=AwardRecord.Status.REVOKED)
    AwardRecordFactory(agency=agencies[0], award_type=award_type("BK_TINH"), year=2019)
    AwardRecordFactory(agency=agencies[0], award_type=award_type("BK_TINH"), year=2014)
    return bloc_year


def test_the_overview_counts_each_figure_on_its_base(ledger_2024):
    overview = ledger.statistics_overview()
    assert overview.year == 2024 and overview.years == [2024, 2019, 2014]
    per_year = {row.label: (row.collectives, row.individuals) for row in overview.per_year}
    assert per_year == {"2014": (1, 0), "2019": (1, 0), "2024": (3, 1)}
    per_bloc = {row.label: row.total for row in overview.per_bloc}
    assert per_bloc == {"Khối thi đua Văn hóa - Xã hội": 3, "Không thuộc khối nào": 1}
    per_province = {row.label: row.total for row in overview.per_province}
    assert per_province == {"Tỉnh Ninh Bình": 3, "Tỉnh Hà Nam cũ": 1}
    assert overview.trend_years == list(range(2015, 2025))
    trend = {row.label: row.counts for row in overview.trend}
    assert sum(trend["Bằng khen của Chủ tịch UBND tỉnh"]) == 2  # 2019 and 2024, not 2014
    assert sum(map(sum, trend.values())) == 5


def test_the_trend_keeps_five_award_types_and_sums_the_rest(db):
    codes = ["CO_TINH", "TTLDXS", "BK_TINH", "CO_CP", "HCLD_3", "HCLD_2", "BK_TTG"]
    for weight, code in enumerate(codes):
        for _ in range(len(codes) - weight):
            AwardRecordFactory(award_type=award_type(code), year=2023)
    trend = ledger.statistics_overview(2023).trend
    assert len(trend) == 6
    assert trend[-1].label == "Các danh hiệu, hình thức khác"
    assert trend[-1].counts[-1] == 2 + 1


def test_a_year_with_no_award_still_has_its_trend_and_a_sentence(ledger_2024, staff_client):
    text = staff_client.get(STATISTICS + "?year=2022").content.decode()
    assert "Năm này chưa có khen thưởng nào trong sổ." in text
    assert "Xu hướng mười năm 2013–2022" in text
    assert "Chưa có số liệu" in svg_texts(staff_client.get(chart_url("types", year=2022)))


def test_the_page_shows_each_figure_with_its_caption_image_and_table(ledger_2024, staff_client):
    response = staff_client.get(STATISTICS)
    text = response.content.decode()
    assert response.status_code == 200
    assert "1 tập thể được tặng Cờ thi đua của Ủy ban nhân dân tỉnh" in text
    for name in ("years", "types", "blocs", "provinces", "trend"):
        assert f'data-testid="chart-{name}"' in text
        assert f'aria-describedby="chart-{name}-caption chart-{name}-table"' in text
        assert f'id="chart-{name}-table"' in text
        assert chart_url(name) + "?year=2024&amp;size=narrow" in text
    assert "Xu hướng mười năm 2015–2024" in text
    assert "Không thuộc khối nào" in text
    assert "không tính khen thưởng đã thu hồi" in text


@pytest.mark.parametrize("year", ["2024%00", "99999999999999999999", "<b>", "-1", "2019"])
def test_a_hostile_year_is_ignored_and_a_real_one_is_shown(ledger_2024, staff_client, year):
    response = staff_client.get(STATISTICS + f"?year={year}")
    assert response.status_code == 200
    shown = "2019" if year == "2019" else "2024"
    assert f'<option value="{shown}" selected>' in response.content.decode()
    assert staff_client.get(chart_url("blocs", year=year)).status_code == 200


def test_an_empty_ledger_says_so_and_has_no_chart(staff_client):
    text = staff_client.get(STATISTICS).content.decode()
    assert "Sổ khen thưởng chưa có dữ liệu." in text
    assert "chart-image" not in text
    assert staff_client.get(chart_url("years")).status_code == 404


def test_each_chart_is_an_svg_image_with_nothing_to_run(ledger_2024, staff_client):
    for name, label in [
        ("years", "2019"),
        ("types", "Cờ thi đua của UBND tỉnh"),
        ("blocs", "Khối thi đua Văn hóa - Xã hội"),
        ("provinces", "Tỉnh Hà Nam cũ"),
        ("trend", "2015"),
    ]:
        response = staff_client.get(chart_url(name, year=2024))
        assert response["Content-Type"] == "image/svg+xml"
        assert (
            response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
        )
        assert b"<script" not in response.content
        assert label in svg_texts(response)
    narrow = staff_client.get(chart_url("types", year=2024, size="narrow"))
    assert ET.fromstring(narrow.content).get("viewBox").split()[2] == "360"
    assert staff_client.get(chart_url("pie")).status_code == 404


def _add_year(year, agencies=12):
    by = BlocYearFactory(year=year)
    for _ in range(agencies):
        agency = MembershipFactory(bloc_year=by).agency
        AwardRecordFactory(agency=agency, award_type=award_type("TTLDXS"), year=year)
        AwardRecordFactory(
            agency=agency, award_type=award_type("BK_TINH"), year=year, person_name="A"
        )


def test_the_page_and_its_charts_make_as_many_queries_with_more_data(ledger_2024, staff_client):
    staff_client.get(STATISTICS)
    few = capture_queries(staff_client.get, STATISTICS)
    few_chart = capture_queries(staff_client.get, chart_url("blocs"))
    for year in range(2016, 2024):
        _add_year(year)
    FormerProvince.objects.create(name="Nam Định", merged_on=datetime.date(2025, 7, 1))
    many = capture_queries(staff_client.get, STATISTICS)
    assert_same_queries(few, many, at_most=14, label="statistics page")
    assert_same_queries(
        few_chart, capture_queries(staff_client.get, chart_url("blocs")), at_most=10
    )


# A poll's bars -------------------------------------------------------------------------------


def poll_url(name, poll, **query):
    url = reverse(f"awards:{name}", args=[poll.bloc_year_id, poll.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_an_open_poll_shows_no_bars_and_its_chart_is_not_there(bloc_year, bloc_head, member_client):
    poll = open_award_poll(make_session(bloc_year, bloc_head), actor=bloc_head)
    assert "result-chart" not in member_client.get(poll_url("poll_detail", poll)).content.decode()
    assert member_client.get(poll_url("poll_result_chart", poll)).status_code == 404


def test_a_counted_poll_shows_bars_with_the_threshold_named(bloc_year, bloc_head, member_client):
    session = make_session(bloc_year, bloc_head)
    agencies = members(bloc_year)
    poll = counted(session, "CO_TINH", {agencies[0]: 4, agencies[1]: 1}, actor=bloc_head)
    text = member_client.get(poll_url("poll_detail", poll)).content.decode()
    assert 'data-testid="result-chart"' in text
    assert 'aria-describedby="result-chart-caption result-table"' in text
    assert "ngưỡng trên 50%" in text and "tổng số thành viên của Khối" in text
    assert "tức trên 2,5 phiếu" in text
    response = member_client.get(poll_url("poll_result_chart", poll))
    assert response["Content-Type"] == "image/svg+xml"
    drawn = svg_texts(response)
    assert agencies[0].name in drawn and "Ngưỡng 2,5" in drawn
    narrow = member_client.get(poll_url("poll_result_chart", poll, size="narrow"))
    assert ET.fromstring(narrow.content).get("viewBox").split()[2] == "360"


def test_a_poll_of_another_bloc_year_is_not_found(
    bloc_year, bloc_head, other_bloc_year, staff_client
):
    session = make_session(bloc_year, bloc_head)
    first, second = members(bloc_year)[:2]
    poll = counted(session, "CO_TINH", {first: 4, second: 1}, actor=bloc_head)
    url = reverse("awards:poll_result_chart", args=[other_bloc_year.pk, poll.pk])
    assert staff_client.get(url).status_code == 404
