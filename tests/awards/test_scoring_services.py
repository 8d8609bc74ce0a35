"""Scoring in the database: the province's table, a bloc's copy, sheets, draws and the ranking."""

import unicodedata
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from awards.models import Criterion, Score, ScoreResolution, ScoreSheet, ScoringPlan
from awards.services import scoring as services
from emulation.models import AuditEntry

D = Decimal
S = ScoreSheet.Status

ROWS = [
    {"code": "I", "title": "Thực hiện nhiệm vụ chuyên môn", "kind": "heading"},
    {"code": "I.1", "title": "Hoàn thành chỉ tiêu kế hoạch", "max_points": "40"},
    {
        "code": "I.2",
        "title": "Tỷ lệ giải ngân vốn đầu tư công",
        "kind": "rate",
        "max_points": "20",
        "zero_at": "0.5",
    },
    {"code": "II", "title": "Cải cách hành chính", "kind": "heading"},
    {
        "code": "II.1",
        "title": "Có kế hoạch cải cách hành chính",
        "kind": "yes_no",
        "max_points": "10",
        "evidence_required": True,
    },
    {"code": "III", "title": "Điểm thưởng", "kind": "heading", "section": "bonus"},
    {"code": "III.1", "title": "Mô hình mới được nhân rộng", "section": "bonus", "max_points": "5"},
    {"code": "IV", "title": "Điểm trừ", "kind": "heading", "section": "penalty"},
    {"code": "IV.1", "title": "Chậm gửi báo cáo", "section": "penalty", "max_points": "5"},
]


@pytest.fixture
def province_table(province_staff):
    return services.save_province_criteria(
        year=2024,
        bloc_kind="khoi",
        title="Bảng tiêu chí chấm điểm Khối 2024",
        rows=ROWS,
        bonus_cap=D(3),
        actor=province_staff,
    )


@pytest.fixture
def adopted(bloc_year, bloc_head, province_table):
    return services.adopt_criteria(bloc_year, actor=bloc_head)


def _entries(sheet, **points):
    by_code = {c.code: c.pk for c in services.sheet_criteria(sheet)}
    return {by_code[code.replace("_", ".")]: (value, "") for code, value in points.items()}


FULL = {"I_1": "36", "I_2": "18", "II_1": "10", "III_1": "4", "IV_1": "1"}


def test_the_province_table_is_checked_as_a_whole(province_staff):
    bad = [
        {"code": "I.1", "title": "Không có mục cha", "max_points": "10"},
        {"code": "II", "title": "Mục", "kind": "heading"},
        {"code": "II", "title": "Lặp mã", "kind": "heading"},
        {"code": "II.1", "title": "Điểm chữ", "max_points": "mười"},
        {
            "code": "II.2",
            "title": "Công thức ngược",
            "kind": "rate",
            "max_points": "5",
            "zero_at": "1",
            "full_at": "0.5",
        },
        {"code": "", "title": "Thiếu mã"},
    ]
    with pytest.raises(ValidationError) as error:
        services.save_province_criteria(
            year=2024,
            bloc_kind="khoi",
            title="Bảng",
            rows=bad,
            bonus_cap=None,
            actor=province_staff,
        )
    text = " ".join(error.value.messages)
    for expected in (
        "I.1 cần nằm dưới mục I",
        "Mã II lặp lại",
        "“mười” không phải là số",
        "II.2: tỷ lệ",
        "Dòng 6",
    ):
        assert expected in text
    assert not Criterion.objects.exists()


def test_nfd_codes_and_titles_are_stored_nfc(province_staff):
    rows = [
        {"code": "I", "title": unicodedata.normalize("NFD", "Chuyên môn"), "kind": "heading"},
        {
            "code": "I.1",
            "title": unicodedata.normalize("NFD", "Hoàn thành nhiệm vụ"),
            "max_points": "100,5",
        },
    ]
    table = services.save_province_criteria(
        year=2025, bloc_kind="khoi", title="Bảng", rows=rows, bonus_cap=None, actor=province_staff
    )
    criterion = table.criteria.get(code="I.1")
    assert criterion.title == "Hoàn thành nhiệm vụ" and criterion.max_points == D("100.5")
    assert criterion.parent.code == "I"


def test_a_bloc_adopts_a_copy_and_may_adjust_it_until_a_sheet_is_sent(
    bloc_year, bloc_head, province_table, adopted
):
    assert adopted.bloc_year == bloc_year and adopted.based_on == province_table
    assert [c.code for c in adopted.criteria.all()] == [row["code"] for row in ROWS]
    adjusted = [*ROWS[:2], {**ROWS[2], "max_points": "25"}, *ROWS[3:]]
    again = services.adopt_criteria(bloc_year, rows=adjusted, actor=bloc_head)
    assert again.version == 2 and again.criteria.get(code="I.2").max_points == 25
    assert province_table.criteria.get(code="I.2").max_points == 20  # the province's stays
    services.set_scoring_plan(bloc_year, method="self_only", actor=bloc_head)
    sheet = ScoreSheet.objects.get(
        bloc_year=bloc_year, agency=bloc_year.head, scorer=bloc_year.head
    )
    services.save_sheet(sheet, _entries(sheet, **FULL), actor=bloc_head)
    _evidence(sheet)
    services.submit_sheet(sheet, actor=bloc_head)
    with pytest.raises(ValidationError, match="Đã có phiếu chấm gửi"):
        services.adopt_criteria(bloc_year, actor=bloc_head)
    assert AuditEntry.objects.filter(action="awards.criteria.adopted").count() == 2


def _evidence(sheet):
    criterion = next(c for c in services.sheet_criteria(sheet) if c.evidence_required)
    sheet.evidence.create(
        criterion=criterion, file_name="x.pdf", original_name="Kế hoạch.pdf", sha256="0" * 64
    )


def test_a_sheet_refuses_wrong_points_and_loses_nothing(bloc_year, bloc_head, adopted):
    services.set_scoring_plan(bloc_year, method="self_only", actor=bloc_head)
    sheet = ScoreSheet.objects.get(
        bloc_year=bloc_year, agency=bloc_year.head, scorer=bloc_year.head
    )
    services.save_sheet(sheet, _entries(sheet, I_1="30"), actor=bloc_head)
    with pytest.raises(ValidationError) as error:
        services.save_sheet(
            sheet, _entries(sheet, I_1="41", II_1="5", I_2="abc", IV_1="-1"), actor=bloc_head
        )
    text = " ".join(error.value.messages)
    assert "I.1: điểm 41.00 vượt điểm tối đa 40.00" in text
    assert "II.1 chấm đạt (10.00 điểm) hoặc không đạt" in text
    assert "“abc” không phải là số" in text and "IV.1: điểm phải từ 0" in text
    assert sheet.scores.get().points == 30  # the earlier save stands
    with pytest.raises(ValidationError, match="Chưa chấm các tiêu chí: I.2, II.1, III.1, IV.1"):
        services.submit_sheet(sheet, actor=bloc_head)
    services.save_sheet(sheet, _entries(sheet, **FULL), actor=bloc_head)
    with pytest.raises(ValidationError, match="Cần minh chứng cho các tiêu chí: II.1"):
        services.submit_sheet(sheet, actor=bloc_head)


def test_returned_then_resubmitted_with_the_reason_audited(bloc_year, bloc_head, adopted):
    services.set_scoring_plan(bloc_year, method="self_only", actor=bloc_head)
    sheet = ScoreSheet.objects.get(
        bloc_year=bloc_year, agency=bloc_year.deputy, scorer=bloc_year.deputy
    )
    services.save_sheet(sheet, _entries(sheet, **FULL), actor=bloc_head)
    _evidence(sheet)
    services.submit_sheet(sheet, actor=bloc_head)
    with pytest.raises(ValidationError):
        services.save_sheet(sheet, _entries(sheet, I_1="1"), actor=bloc_head)
    with pytest.raises(ValidationError):
        services.return_sheet(sheet, reason="  ", actor=bloc_head)
    services.return_sheet(sheet, reason="Thiếu minh chứng giải ngân", actor=bloc_head)
    sheet.refresh_from_db()
    assert sheet.status == S.RETURNED and sheet.return_reason == "Thiếu minh chứng giải ngân"
    services.save_sheet(sheet, _entries(sheet, I_2="15"), actor=bloc_head)
    services.submit_sheet(sheet, actor=bloc_head)
    services.accept_sheet(sheet, actor=bloc_head)
    actions = list(AuditEntry.objects.for_object(sheet).values_list("action", flat=True))
    assert Counter(actions)["awards.score_sheet.submitted"] == 2
    assert "awards.score_sheet.returned" in actions and "awards.score_sheet.accepted" in actions


def test_the_draw_gives_each_member_its_sheet_and_balanced_peer_sheets(
    bloc_year, bloc_head, adopted
):
    services.set_scoring_plan(bloc_year, method="assigned", per_unit=2, seed=7, actor=bloc_head)
    sheets = list(ScoreSheet.objects.filter(bloc_year=bloc_year))
    own = [s for s in sheets if s.is_own]
    peers = [s for s in sheets if not s.is_own]
    assert len(own) == 5 and len(peers) == 10
    assert set(Counter(s.scorer_id for s in peers).values()) == {2}
    assert set(Counter(s.agency_id for s in peers).values()) == {2}
    entry = AuditEntry.objects.get(action="awards.scoring.planned")
    assert entry.data["seed"] == 7 and entry.data["peer_sheets"] == 10
    services.set_scoring_plan(bloc_year, method="everyone", actor=bloc_head)
    assert ScoreSheet.objects.filter(bloc_year=bloc_year).count() == 25
    with pytest.raises(ValidationError):
        services.set_scoring_plan(bloc_year, method="assigned", per_unit=5, actor=bloc_head)


def _score_all(bloc_year, user, plan_points):
    """plan_points: {(agency name, scorer name): {code: value}}; every sheet sent."""
    for sheet in ScoreSheet.objects.filter(bloc_year=bloc_year).select_related("agency", "scorer"):
        values = plan_points.get((sheet.agency.name, sheet.scorer.name))
        if values is None:
            continue
        services.save_sheet(sheet, _entries(sheet, **values), actor=user)
        if sheet.is_own:
            _evidence(sheet)
        services.submit_sheet(sheet, actor=user)


def test_the_ranking_follows_the_peers_and_the_heads_resolution(bloc_year, bloc_head, adopted):
    services.set_scoring_plan(
        bloc_year, method="everyone", aggregation="median", tolerance=D(2), actor=bloc_head
    )
    names = [m.agency.name for m in bloc_year.memberships.select_related("agency")]
    high = {**FULL, "I_1": "40"}
    points = {}
    for agency in names:
        for scorer in names:
            points[(agency, scorer)] = dict(FULL)
    points[("Sở Y tế", "Sở Y tế")] = high  # claims 40 on I.1; peers say 36
    _score_all(bloc_year, bloc_head, points)
    result = services.bloc_scores(bloc_year)
    totals = {r.agency.name: r.total_shown for r in result.results}
    # 36 + (18 capped? no: 18) + 10 + min(4, 3) - 1 = 66
    assert set(totals.values()) == {D("66.00")}
    assert result.ranking.tie_at_top and len(result.ranking.leading) == 5
    [(unit, line, _criterion_id)] = result.differences
    assert (
        unit.agency.name == "Sở Y tế" and line.code == "I.1" and line.own == 40 and line.peers == 36
    )
    criterion = result.criteria_set.criteria.get(code="I.1")
    services.resolve_criterion(
        bloc_year, unit.agency, criterion, points="38", reason="Đối chiếu báo cáo", actor=bloc_head
    )
    again = services.bloc_scores(bloc_year)
    top = again.results[0]
    assert (
        top.agency.name == "Sở Y tế"
        and top.total_shown == D("68.00")
        and top.place == 1
        and not top.tied
    )
    assert not again.differences
    assert ScoreResolution.objects.get().reason == "Đối chiếu báo cáo"
    entry = AuditEntry.objects.get(action="awards.score.resolved")
    assert entry.data["points"] == "38.00" and entry.data["criterion"] == "I.1"


def test_the_ranking_reads_a_constant_number_of_queries(
    bloc_year, bloc_head, adopted, django_assert_max_num_queries
):
    services.set_scoring_plan(bloc_year, method="everyone", actor=bloc_head)
    names = [m.agency.name for m in bloc_year.memberships.select_related("agency")]
    _score_all(bloc_year, bloc_head, {(a, s): FULL for a in names for s in names})
    with django_assert_max_num_queries(6):
        services.bloc_scores(bloc_year)


def test_a_plan_needs_an_adopted_table(bloc_year, bloc_head):
    with pytest.raises(ValidationError, match="chưa áp dụng bảng tiêu chí"):
        services.set_scoring_plan(bloc_year, method="self_only", actor=bloc_head)
    with pytest.raises(ValidationError, match="Tỉnh chưa ban hành"):
        services.adopt_criteria(bloc_year, actor=bloc_head)
    assert not ScoringPlan.objects.exists()


def test_a_first_sending_waits_for_no_one_after_the_deadline_but_a_returned_sheet_may_come_back(
    bloc_year, bloc_head, adopted
):
    import datetime

    from blocs.models import Deadline

    services.set_scoring_plan(bloc_year, method="self_only", actor=bloc_head)
    late = ScoreSheet.objects.get(bloc_year=bloc_year, agency=bloc_year.head, scorer=bloc_year.head)
    sent = ScoreSheet.objects.get(
        bloc_year=bloc_year, agency=bloc_year.deputy, scorer=bloc_year.deputy
    )
    for sheet in (late, sent):
        services.save_sheet(sheet, _entries(sheet, **FULL), actor=bloc_head)
        _evidence(sheet)
    services.submit_sheet(sent, actor=bloc_head)
    services.return_sheet(sent, reason="Bổ sung giải trình", actor=bloc_head)
    Deadline.objects.create(year=2024, kind="scoring", due_on=datetime.date(2024, 11, 15))
    with pytest.raises(ValidationError, match=r"Đã hết hạn chấm điểm \(15/11/2024\)"):
        services.submit_sheet(late, actor=bloc_head)
    services.submit_sheet(sent, actor=bloc_head)
    sent.refresh_from_db()
    assert sent.status == S.SUBMITTED
    Deadline.objects.create(
        year=2024, kind="scoring", bloc_year=bloc_year, due_on=datetime.date(2024, 11, 10)
    )
    assert services.scoring_deadline(bloc_year) == datetime.date(2024, 11, 10)  # the bloc's own


def test_once_the_conference_is_finalized_the_scores_stay(bloc_year, bloc_head, adopted):
    from awards.models import VotingSession

    services.set_scoring_plan(bloc_year, method="self_only", actor=bloc_head)
    sheet = ScoreSheet.objects.get(
        bloc_year=bloc_year, agency=bloc_year.head, scorer=bloc_year.head
    )
    services.save_sheet(sheet, _entries(sheet, **FULL), actor=bloc_head)
    _evidence(sheet)
    services.submit_sheet(sheet, actor=bloc_head)
    VotingSession.objects.create(
        bloc_year=bloc_year, held_at="2024-12-20T08:00+07:00", state=VotingSession.State.FINALIZED
    )
    criterion = adopted.criteria.get(code="I.1")
    for act in (
        lambda: services.return_sheet(sheet, reason="Sửa lại", actor=bloc_head),
        lambda: services.accept_sheet(sheet, actor=bloc_head),
        lambda: services.resolve_criterion(
            bloc_year, bloc_year.head, criterion, points="1", reason="x", actor=bloc_head
        ),
    ):
        with pytest.raises(ValidationError, match="Hội nghị tổng kết của khối đã kết thúc"):
            act()
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.SUBMITTED
    assert sheet.scores.get(criterion__code="I.1").points == 36


@pytest.mark.parametrize("aggregation", ["mean", "trimmed_mean", "median"])
def test_sums_read_from_the_database_settle_as_the_scores_themselves(
    bloc_year, bloc_head, adopted, aggregation
):
    """The database sums cross-scores (clamped as the core clamps) for every aggregation but the
    median; a score stored out of range (written around the service) counts as the core says."""
    from awards import scoring

    services.set_scoring_plan(
        bloc_year, method="everyone", aggregation=aggregation, tolerance=1, actor=bloc_head
    )
    sheets = list(ScoreSheet.objects.filter(bloc_year=bloc_year).order_by("pk"))
    for number, sheet in enumerate(sheets):
        values = {"I_1": str(20 + number % 7), "I_2": str(number % 3 * 5), "II_1": "10"}
        values |= {"III_1": str(number % 6), "IV_1": str(number % 2 * 3)}
        services.save_sheet(sheet, _entries(sheet, **values), actor=bloc_head)
        _evidence(sheet)
        services.submit_sheet(sheet, actor=bloc_head)
    Score.objects.filter(sheet=sheets[1], criterion__code="I.1").update(points=Decimal("99"))
    result = services.bloc_scores(bloc_year)
    table = result.table
    code = {c.pk: c.code for c in result.criteria}
    raw = {}
    for sheet_id, criterion_id, value in Score.objects.filter(
        sheet__bloc_year=bloc_year
    ).values_list("sheet_id", "criterion_id", "points"):
        raw.setdefault(sheet_id, {})[code[criterion_id]] = value
    expected = {}
    for unit in result.results:
        own = next(raw[s.pk] for s in sheets if s.agency_id == s.scorer_id == unit.agency.pk)
        peers = [raw[s.pk] for s in sheets if s.agency_id == unit.agency.pk != s.scorer_id]
        lines = scoring.settle(table, own, peers, aggregation, None, Decimal(1))
        expected[unit.agency.pk] = scoring.settled_total(table, lines)
        assert unit.lines == lines
    assert {unit.agency.pk: unit.total for unit in result.results} == expected


@pytest.mark.parametrize(
    ("rate", "points"),
    [("95", Decimal("18")), ("95%", Decimal("18")), ("40", 0), ("120", 20), ("72,5", Decimal("9"))],
)
def test_a_rate_criterion_takes_the_achievement_rate_and_computes_its_points(
    bloc_year, bloc_head, adopted, rate, points
):
    """I.2: 20 points, nothing at 50 %, all from 100 % (linear between)."""
    services.set_scoring_plan(bloc_year, method="self_only", actor=bloc_head)
    sheet = ScoreSheet.objects.get(
        bloc_year=bloc_year, agency=bloc_year.head, scorer=bloc_year.head
    )
    criterion = adopted.criteria.get(code="I.2")
    services.save_sheet(sheet, {criterion.pk: ("", "Theo báo cáo quý IV", rate)}, actor=bloc_head)
    score = sheet.scores.get(criterion=criterion)
    assert score.points == points and score.rate == Decimal(rate.rstrip("%").replace(",", "."))


def test_a_wrong_rate_is_named_and_a_rate_on_another_criterion_is_ignored(
    bloc_year, bloc_head, adopted
):
    services.set_scoring_plan(bloc_year, method="self_only", actor=bloc_head)
    sheet = ScoreSheet.objects.get(
        bloc_year=bloc_year, agency=bloc_year.head, scorer=bloc_year.head
    )
    rate_item = adopted.criteria.get(code="I.2")
    points_item = adopted.criteria.get(code="I.1")
    with pytest.raises(ValidationError, match="tỷ lệ hoàn thành “chín mươi” không phải là số"):
        services.save_sheet(sheet, {rate_item.pk: ("", "", "chín mươi")}, actor=bloc_head)
    services.save_sheet(sheet, {points_item.pk: ("30", "", "95")}, actor=bloc_head)
    score = sheet.scores.get(criterion=points_item)
    assert score.points == 30 and score.rate is None
