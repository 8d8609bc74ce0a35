"""The conference papers: ballot papers, count minutes and conference minutes show the numbers."""

import datetime
from pathlib import Path

import pytest

from awards.models import RuleSet
from awards.pdf import conference_minutes_pdf, count_minutes_pdf
from awards.services import voting
from tests.awards.voting_fixtures import agency_ids, award, make_session
from tests.factories import bloc_year_with_members
from tests.pdf_helpers import is_a4_portrait, pdf_page_png, pdf_text

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def conference(db):
    """16 members, 14 present; CO_TINH for 2 seats with a tie settled by lot; head and deputy."""
    bloc_year = bloc_year_with_members(16)
    session = make_session(bloc_year, absent=2)
    session = voting.update_session(
        session,
        narrative="Hội nghị nghe báo cáo tổng kết và thảo luận.\nCác đại biểu nhất trí.",
        closed_at=datetime.time(11, 30),
        actor=None,
    )
    RuleSet.objects.filter(poll_kind="award").update(tie_rule="lot", base="present")
    poll = voting.create_poll(
        session, kind="award", award_type=award("CO_TINH"), seats=2, actor=None
    )
    voting.open_poll(poll, actor=None)
    ids = agency_ids(poll)
    a, b, c = ids[2], ids[3], ids[4]
    papers = [[a, b]] * 5 + [[a, c]] * 5 + [[b, c]] * 3 + [[a, b, c]]
    for marks in papers:
        voting.record_ballot(poll, marks, actor=None)
    voting.count_poll(poll, actor=None)
    poll.refresh_from_db()
    voting.resolve_tie(
        poll, method="lot", chosen=[c], decided_by="Trưởng ban kiểm phiếu", actor=None
    )
    for kind, chosen in (("next_head", ids[5]), ("next_deputy", ids[6])):
        leader = voting.create_poll(session, kind=kind, actor=None)
        voting.open_poll(leader, actor=None)
        for _ in range(12):
            voting.record_ballot(leader, [chosen], actor=None)
        voting.record_ballot(leader, [], declared_invalid_reason="Phiếu rách", actor=None)
        voting.count_poll(leader, actor=None)
    return session, poll, (a, b, c)


def test_count_minutes_show_every_number_the_rule_and_the_tie(conference):
    session, poll, (a, b, c) = conference
    _name, content_type, data = count_minutes_pdf(session)
    assert content_type == "application/pdf" and is_a4_portrait(data)
    text = " ".join(pdf_text(data).split())
    assert "BIÊN BẢN" in text
    assert "Số phiếu phát ra: 14; số phiếu thu vào: 14; số phiếu hợp lệ: 13;" in text
    assert "số phiếu không hợp lệ: 01" in text
    assert "trên 50% số thành viên có mặt đồng ý" in text
    # a: 10 of 14 present = 71,43%; b and c: 8 each = 57,14%, tied for the 2nd seat; lot: c.
    assert "71,43%" in text and "57,14%" in text
    assert "có số phiếu bằng nhau (8 phiếu) ở vị trí thứ 2" in text
    assert "giải quyết bằng cách bốc thăm (Trưởng ban kiểm phiếu" in text
    assert "Trần Văn Kiểm" in text and "BAN KIỂM PHIẾU" in text


def test_a_tie_and_its_lot_are_written_into_the_count_minutes(db):
    bloc_year = bloc_year_with_members(6)
    session = make_session(bloc_year)
    RuleSet.objects.filter(poll_kind="award").update(tie_rule="lot", base="valid", comparator="ge")
    poll = voting.create_poll(session, kind="award", award_type=award("CO_TINH"), actor=None)
    voting.open_poll(poll, actor=None)
    a, b = agency_ids(poll)[:2]
    for marks in ([a], [a], [a], [b], [b], [b]):
        voting.record_ballot(poll, marks, actor=None)
    voting.count_poll(poll, actor=None)
    poll.refresh_from_db()
    voting.resolve_tie(poll, method="lot", chosen=[b], decided_by="Nguyễn Văn Bốc", actor=None)
    text = " ".join(pdf_text(count_minutes_pdf(session)[2]).split())
    assert "có số phiếu bằng nhau (3 phiếu) ở vị trí thứ 1" in text
    assert "bốc thăm (Nguyễn Văn Bốc" in text
    assert "Được chọn" in text


def test_conference_minutes_show_attendance_results_and_next_years_leaders(conference):
    session, _poll, _ids = conference
    _name, _type, data = conference_minutes_pdf(session)
    text = " ".join(pdf_text(data).split())
    assert "có mặt 14/16 đơn vị" in text
    assert "Vắng mặt:" in text
    assert "Trần Văn Liên" in text
    assert "Hội nghị nghe báo cáo tổng kết" in text
    assert "Trưởng khối năm 2025:" in text and "chưa bầu" not in text
    assert "(85,71%)" in text  # next head: 12 of 14 present
    assert "11 giờ 30" in text
    assert "THƯ KÝ" in text and "CHỦ TRÌ" in text


def test_page_one_of_each_minutes_renders_to_a_png_to_look_at(conference):
    """Saved to test-artifacts/; render times are the bench's business, never a test's."""
    session, _poll, _ids = conference
    for name, render in (("count", count_minutes_pdf), ("conference", conference_minutes_pdf)):
        data = render(session)[2]
        ARTIFACTS.mkdir(exist_ok=True)
        png = pdf_page_png(data, 1, ARTIFACTS / f"voting-{name}-minutes.png", dpi=70)
        assert Path(png).stat().st_size > 10_000
