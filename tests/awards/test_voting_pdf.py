"""The conference papers: the count minutes and the conference minutes show every number, the
rule, ties and their runoffs, and are laid out the way a signed paper must be."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone

from awards.models import RuleSet
from awards.pdf import conference_minutes_pdf, count_minutes_pdf, reason_phrase
from awards.services import voting
from blocs.models import Bloc
from emulation.documents import read_document
from tests.awards.voting_fixtures import agency_ids, award, make_session
from tests.factories import BlocFactory, bloc_year_with_members
from tests.pdf_helpers import _run, is_a4_portrait, pdf_page_count, pdf_page_png, pdf_text

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SIGNING_NOTE = "(Ký, ghi rõ họ tên)"


def flat(text: str) -> str:
    return " ".join(text.split())


def page_texts(data: bytes) -> list[str]:
    """Each page's text, whitespace collapsed."""
    return [flat(pdf_text(data, first=n, last=n)) for n in range(1, pdf_page_count(data) + 1)]


def words_with_positions(data: bytes, page: int = 0) -> list[tuple[str, float, float]]:
    """(word, xMin, yMin) of every word, from `pdftotext -bbox` (page 0: the last page)."""
    pages = pdf_page_count(data)
    page = page or pages
    html = _run(["pdftotext", "-bbox", "-enc", "UTF-8", "-f", str(page), "-l", str(page)], data)
    return [
        (word, float(x), float(y))
        for x, y, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html
        )
    ]


def count_poll_with(poll, papers, *, invalid=()):
    voting.open_poll(poll, actor=None)
    for marks in papers:
        voting.record_ballot(poll, marks, actor=None)
    for reason in invalid:
        voting.record_ballot(poll, [], declared_invalid_reason=reason, actor=None)
    voting.count_poll(poll, actor=None)
    poll.refresh_from_db()
    return poll


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
    ids = agency_ids(poll)
    a, b, c = ids[2], ids[3], ids[4]
    count_poll_with(poll, [[a, b]] * 5 + [[a, c]] * 5 + [[b, c]] * 3 + [[a, b, c]])
    voting.resolve_tie(
        poll, method="lot", chosen=[c], decided_by="Trưởng ban kiểm phiếu", actor=None
    )
    for kind, chosen in (("next_head", ids[5]), ("next_deputy", ids[6])):
        leader = voting.create_poll(session, kind=kind, actor=None)
        count_poll_with(leader, [[chosen]] * 12, invalid=["Phiếu rách"])
    return session, poll, (a, b, c)


@pytest.fixture
def runoff_conference(db):
    """7 members, all present. CO_TINH (1 seat, ≥ 50% of valid papers): Sở A and Sở B tie 3–3
    with one over-marked paper; the runoff gives Sở A 4 of 6 valid papers, one torn. Then a
    second BK_TINH poll with its reason, and three members on the counting committee."""
    bloc_year = bloc_year_with_members(7)
    session = make_session(bloc_year)
    session = voting.update_session(
        session,
        committee=[
            {"name": "Trần Văn Kiểm", "title": "Phó Giám đốc Sở GDĐT", "role": "Trưởng ban"},
            {"name": "Phạm Thị Phiếu", "title": "Chuyên viên", "role": "Phó Trưởng ban"},
            {"name": "Lê Văn Đếm", "title": "Chuyên viên", "role": "Thành viên"},
        ],
        guests=[
            {"name": "Trần Văn Liên", "title": "Phó Chủ tịch", "organisation": "UBND tỉnh"},
            {"name": "", "title": "Phó Giám đốc Sở Nội vụ", "organisation": ""},
        ],
        copies=3,
        actor=None,
    )
    RuleSet.objects.filter(poll_kind="award").update(
        tie_rule="runoff",
        base="valid",
        comparator="ge",
        threshold_numerator=1,
        threshold_denominator=2,
        max_rounds=2,
        fallback_rule="leaders",
    )
    poll = voting.create_poll(session, kind="award", award_type=award("CO_TINH"), actor=None)
    ids = agency_ids(poll)
    a, b = ids[0], ids[1]
    count_poll_with(poll, [[a]] * 3 + [[b]] * 3 + [[a, b]])
    resolution = voting.resolve_tie(poll, method="runoff", actor=None)
    runoff = count_poll_with(resolution.runoff_poll, [[a]] * 4 + [[b]] * 2, invalid=["Phiếu rách"])
    for reason in ("", "Lần bỏ phiếu trước chỉ có 01 đơn vị đạt tỷ lệ."):
        second = voting.create_poll(
            session,
            kind="award",
            award_type=award("BK_TINH"),
            seats=2,
            repeat_reason=reason,
            actor=None,
        )
        count_poll_with(second, [[ids[2], ids[3]]] * 5 + [[ids[4]]] * 2)
    return session, poll, runoff, (a, b)


def test_count_minutes_show_every_number_the_rule_and_the_tie(conference):
    session, poll, (a, b, c) = conference
    _name, content_type, data = count_minutes_pdf(session)
    assert content_type == "application/pdf" and is_a4_portrait(data)
    text = flat(pdf_text(data))
    assert "BIÊN BẢN" in text
    assert "Số phiếu phát ra: 14; số phiếu thu vào: 14; số phiếu hợp lệ: 13;" in text
    assert "số phiếu không hợp lệ: 1 (1 phiếu đánh dấu quá 2 đơn vị)" in text
    assert "trên 50% số thành viên có mặt đồng ý" in text
    # a: 10 of 14 present = 71,43 %; b and c: 8 each = 57,14 %, tied for the 2nd seat; lot: c.
    assert "71,43 %" in text and "57,14 %" in text
    assert "(10/14 phiếu, đạt 71,43 % số thành viên có mặt)" in text  # the base named
    assert "có số phiếu bằng nhau (8 phiếu) ở vị trí thứ 2" in text
    assert "giải quyết bằng cách bốc thăm (Trưởng ban kiểm phiếu, lúc" in text
    assert "Trần Văn Kiểm" in text and "BAN KIỂM PHIẾU" in text


def test_the_count_minutes_say_the_vote_was_secret_and_group_invalid_papers_by_reason(
    conference,
):
    session, _poll, _ids = conference
    text = flat(pdf_text(count_minutes_pdf(session)[2]))
    assert "hình thức: bỏ phiếu kín" in text
    # The leaders' polls: 12 valid papers and a torn one, its serial nowhere.
    assert "số phiếu không hợp lệ: 1 (1 phiếu rách)" in text
    assert "Phiếu số" not in text


def test_invalid_reasons_read_as_what_follows_a_number_of_papers():
    assert reason_phrase("Phiếu đánh dấu 3 đơn vị, vượt quá số tối đa 2.") == (
        "đánh dấu quá 2 đơn vị"
    )
    assert reason_phrase("Phiếu đánh dấu trùng một đơn vị.") == "đánh dấu trùng một đơn vị"
    assert reason_phrase("Phiếu rách") == "rách"
    assert reason_phrase("Không có dấu của Ban tổ chức.") == "không có dấu của Ban tổ chức"
    assert reason_phrase("UBND xã ghi thêm tên") == "UBND xã ghi thêm tên"
    assert reason_phrase("") == "không ghi lý do"


def test_equal_reasons_are_counted_together(db):
    bloc_year = bloc_year_with_members(6)
    session = make_session(bloc_year)
    poll = voting.create_poll(session, kind="award", award_type=award("CO_TINH"), actor=None)
    a, b = agency_ids(poll)[:2]
    count_poll_with(poll, [[a]] * 3 + [[a, b]] * 2, invalid=["Phiếu rách"])
    text = flat(pdf_text(count_minutes_pdf(session)[2]))
    assert "số phiếu không hợp lệ: 3 (2 phiếu đánh dấu quá 1 đơn vị; 1 phiếu rách)" in text


def test_a_tie_and_its_lot_are_written_into_the_count_minutes(db):
    bloc_year = bloc_year_with_members(6)
    session = make_session(bloc_year)
    RuleSet.objects.filter(poll_kind="award").update(tie_rule="lot", base="valid", comparator="ge")
    poll = voting.create_poll(session, kind="award", award_type=award("CO_TINH"), actor=None)
    a, b = agency_ids(poll)[:2]
    count_poll_with(poll, [[a], [a], [a], [b], [b], [b]])
    voting.resolve_tie(poll, method="lot", chosen=[b], decided_by="Nguyễn Văn Bốc", actor=None)
    text = flat(pdf_text(count_minutes_pdf(session)[2]))
    assert "có số phiếu bằng nhau (3 phiếu) ở vị trí thứ 1" in text
    assert "bốc thăm (Nguyễn Văn Bốc, lúc" in text
    assert "Được chọn" in text
    assert ", ." not in text and ": ." not in text and "; ." not in text


def test_a_tie_settled_without_a_name_or_a_choice_leaves_no_dangling_separator(db):
    bloc_year = bloc_year_with_members(6)
    session = make_session(bloc_year)
    RuleSet.objects.filter(poll_kind="award").update(
        tie_rule="runoff", base="valid", comparator="ge"
    )
    poll = voting.create_poll(session, kind="award", award_type=award("CO_TINH"), actor=None)
    a, b = agency_ids(poll)[:2]
    count_poll_with(poll, [[a]] * 3 + [[b]] * 3)
    voting.resolve_tie(poll, method="runoff", actor=None)  # the runoff not counted yet
    for render in (count_minutes_pdf, conference_minutes_pdf):
        text = flat(pdf_text(render(session)[2]))
        assert "bỏ phiếu lại giữa các đơn vị bằng phiếu" in text
        for dangling in (", .", ": .", "; .", "(, ", " ()", ",)"):
            assert dangling not in text, (render.__name__, dangling)


def test_a_runoff_has_its_own_section_with_its_own_figures_in_the_count_minutes(
    runoff_conference,
):
    session, _poll, _runoff, _ids = runoff_conference
    text = flat(pdf_text(count_minutes_pdf(session)[2]))
    assert "1.1. BỎ PHIẾU LẠI: CỜ THI ĐUA" in text
    parent, runoff_section = text.split("1.1. BỎ PHIẾU LẠI", 1)
    assert "kết quả tại mục 1.1" in parent
    assert "không hợp lệ: 1 (1 phiếu đánh dấu quá 1 đơn vị)" in parent
    # The runoff: 7 papers, 6 valid (one torn); 4 and 2 of 6 valid.
    runoff_section = runoff_section.split("2. BẰNG KHEN", 1)[0]
    assert (
        "Số phiếu phát ra: 7; số phiếu thu vào: 7; số phiếu hợp lệ: 6; "
        "số phiếu không hợp lệ: 1 (1 phiếu rách)"
    ) in runoff_section
    assert "66,67 %" in runoff_section and "33,33 %" in runoff_section
    assert "Trúng" in runoff_section and "Không trúng" in runoff_section
    assert "Đạt tỷ lệ" not in runoff_section and "Không đạt" not in runoff_section


def test_the_conference_minutes_print_the_runoffs_figures_in_the_polls_paragraph(
    runoff_conference,
):
    session, _poll, _runoff, _ids = runoff_conference
    text = flat(pdf_text(conference_minutes_pdf(session)[2]))
    assert "kết quả tại mục" not in text
    assert "hình thức bỏ phiếu kín" in text
    first = text.split("1. Cờ thi đua", 1)[1].split("2. Bằng khen", 1)[0]
    assert "phát ra 7 phiếu, thu vào 7 phiếu, hợp lệ 6 phiếu, không hợp lệ 1 phiếu" in first
    assert "(1 phiếu đánh dấu quá 1 đơn vị)" in first  # the first round
    assert "(1 phiếu rách)" in first  # the runoff
    assert "4/6 phiếu, đạt 66,67 % số phiếu hợp lệ" in first  # the runoff's votes
    assert "3/6 phiếu, đạt 50,00 % số phiếu hợp lệ" in first  # the first round's
    assert "Quy tắc: Đơn vị được đề nghị phải đạt từ 50% số phiếu hợp lệ trở lên đồng ý" in first
    assert ", ." not in text


def test_a_runoff_that_ties_again_is_settled_by_the_leaders_in_both_minutes(db):
    bloc_year = bloc_year_with_members(6)
    session = make_session(bloc_year)
    RuleSet.objects.filter(poll_kind="award").update(
        tie_rule="runoff", base="valid", comparator="ge", max_rounds=2, fallback_rule="leaders"
    )
    poll = voting.create_poll(session, kind="award", award_type=award("CO_TINH"), actor=None)
    a, b = agency_ids(poll)[:2]
    count_poll_with(poll, [[a]] * 3 + [[b]] * 3)
    runoff = count_poll_with(
        voting.resolve_tie(poll, method="runoff", actor=None).runoff_poll, [[a]] * 3 + [[b]] * 3
    )
    voting.resolve_tie(
        runoff, method="leaders", chosen=[b], decided_by="Nguyễn Thị Minh Hằng", actor=None
    )
    name_b = runoff.candidates.get(agency_id=b).agency.name
    count_text = flat(pdf_text(count_minutes_pdf(session)[2]))
    runoff_section = count_text.split("1.1. BỎ PHIẾU LẠI", 1)[1]
    assert "do Trưởng khối và Phó Trưởng khối quyết định (Nguyễn Thị Minh Hằng, lúc" in (
        runoff_section
    )
    assert "Trúng" in runoff_section and "Không trúng" in runoff_section
    conference_text = flat(pdf_text(conference_minutes_pdf(session)[2]))
    assert "vẫn bằng phiếu; do Trưởng khối và Phó Trưởng khối quyết định" in conference_text
    assert conference_text.count(f"chọn {name_b}") == 1
    for text in (count_text, conference_text):
        assert ", ." not in text and "; ." not in text and ": ." not in text


def test_a_second_poll_for_the_same_award_says_why_in_both_minutes(runoff_conference):
    session, _poll, _runoff, _ids = runoff_conference
    reason = "Bỏ phiếu lần này vì: Lần bỏ phiếu trước chỉ có 01 đơn vị đạt tỷ lệ."
    for render in (count_minutes_pdf, conference_minutes_pdf):
        text = flat(pdf_text(render(session)[2]))
        assert text.count("Bỏ phiếu lần này vì") == 1, render.__name__
        assert reason in text, render.__name__


def test_the_rule_with_a_round_limit_and_the_leaders_deciding_is_in_the_count_minutes(
    runoff_conference,
):
    session, *_ = runoff_conference
    text = flat(pdf_text(count_minutes_pdf(session)[2]))
    assert (
        "Bỏ phiếu tối đa 2 vòng; nếu vẫn bằng phiếu thì Trưởng khối và Phó Trưởng khối quyết định."
    ) in text


def test_the_conference_minutes_name_the_committee_list_guests_and_the_copies(runoff_conference):
    session, *_ = runoff_conference
    text = flat(pdf_text(conference_minutes_pdf(session)[2]))
    assert "Ban kiểm phiếu gồm: Trần Văn Kiểm, Phó Giám đốc Sở GDĐT – Trưởng ban;" in text
    assert "Lê Văn Đếm, Chuyên viên – Thành viên" in text
    assert "- Trần Văn Liên, Phó Chủ tịch UBND tỉnh;" in text
    assert "- Phó Giám đốc Sở Nội vụ." in text  # a guest invited by title alone
    assert "Biên bản được lập thành 3 bản" in text
    count_text = flat(pdf_text(count_minutes_pdf(session)[2]))
    assert "Biên bản được lập thành 3 bản" in count_text


def test_closing_times_are_dots_in_a_draft_and_filled_once_finalized(conference):
    session, _poll, _ids = conference
    session = voting.update_session(session, closed_at=None, actor=None)
    count_text = flat(pdf_text(count_minutes_pdf(session)[2]))
    conference_text = flat(pdf_text(conference_minutes_pdf(session)[2]))
    assert "lập xong hồi ...... giờ ...... cùng ngày" in count_text
    assert "kết thúc vào hồi ...... giờ ...... cùng ngày" in conference_text

    voting.update_session(session, count_closed_at=datetime.time(10, 45), actor=None)
    voting.finalize_session(session, actor=None)
    session.refresh_from_db()
    count_text = flat(pdf_text(read_document(session.count_minutes)))
    conference_text = flat(pdf_text(read_document(session.conference_minutes)))
    assert "lập xong hồi 10 giờ 45 cùng ngày" in count_text
    closed = session.closed_at
    assert f"kết thúc vào hồi {closed:%H} giờ {closed:%M} cùng ngày" in conference_text
    assert "......" not in count_text and "......" not in conference_text


def test_a_cum_says_members_of_the_cum(db):
    bloc = BlocFactory(name="Cụm thi đua số 2", code="CTĐ2", kind=Bloc.Kind.CUM)
    bloc_year = bloc_year_with_members(5, bloc=bloc)
    session = make_session(bloc_year)
    RuleSet.objects.filter(poll_kind="award").update(base="all_members")
    poll = voting.create_poll(session, kind="award", award_type=award("CO_TINH"), actor=None)
    ids = agency_ids(poll)
    count_poll_with(poll, [[ids[0]]] * 4 + [[ids[1]]])
    leader = voting.create_poll(session, kind="next_head", actor=None)
    count_poll_with(leader, [[ids[2]]] * 5)
    count_text = flat(pdf_text(count_minutes_pdf(session)[2]))
    conference_text = flat(pdf_text(conference_minutes_pdf(session)[2]))
    assert "Tổng số thành viên của Cụm: 5" in count_text
    assert "tổng số thành viên của Cụm đồng ý" in count_text
    assert "4/5 phiếu, đạt 80,00 % tổng số thành viên của Cụm" in conference_text
    assert "Trưởng cụm năm 2025" in conference_text
    for text in (count_text, conference_text):
        assert "của Khối" not in text


def _committee(count):
    roles = ["Trưởng ban", "Phó Trưởng ban", "Thành viên", "Thành viên", "Thành viên"]
    names = ["Trần Văn Kiểm", "Phạm Thị Phiếu", "Lê Văn Đếm", "Đỗ Thị Soát", "Vũ Văn Ghi"]
    return [{"name": names[i], "title": "", "role": roles[i]} for i in range(count)]


def _name_positions(data, name):
    """(xMin, yMin) of the first word of each printing of `name` on the last page."""
    words = words_with_positions(data)
    first, second = name.split()[:2]
    return [
        (x, y)
        for (word, x, y), (after, _x, _y) in zip(words, words[1:], strict=False)
        if word == first and after == second
    ]


@pytest.mark.parametrize("signers", [1, 2, 3, 5])
def test_the_committee_signs_one_on_the_right_two_as_a_pair_three_in_a_row(db, signers):
    bloc_year = bloc_year_with_members(5)
    session = make_session(bloc_year)
    session = voting.update_session(session, committee=_committee(signers), actor=None)
    poll = voting.create_poll(session, kind="award", award_type=award("CO_TINH"), actor=None)
    count_poll_with(poll, [agency_ids(poll)[:1]] * 5)
    data = count_minutes_pdf(session)[2]
    width = 595.28
    # The signature names are the last printing of each name (the first is the committee list).
    spots = [_name_positions(data, member["name"])[-1] for member in _committee(signers)]
    rows = sorted({round(y) for _x, y in spots})
    if signers == 1:
        assert spots[0][0] > width / 2
    elif signers == 2:
        assert len(rows) == 1
        assert spots[0][0] < width / 2 < spots[1][0]
    else:
        first_row = [x for x, y in spots if round(y) == rows[0]]
        assert len(first_row) == 3
        assert first_row[0] < width * 0.4 and width * 0.4 < first_row[1] < width * 0.6
        assert first_row[2] > width * 0.6
        assert len(rows) == (1 if signers == 3 else 2)


def _long_count(n_polls, candidates=6):
    """A conference with `n_polls` counted award polls of `candidates` each (several pages)."""
    bloc_year = bloc_year_with_members(candidates)
    session = make_session(bloc_year)
    ids = None
    for index in range(n_polls):
        poll = voting.create_poll(
            session,
            kind="award",
            award_type=award("BK_TINH"),
            seats=2,
            repeat_reason="" if index == 0 else f"Bỏ phiếu thêm lần thứ {index + 1}",
            actor=None,
        )
        ids = ids or agency_ids(poll)
        count_poll_with(poll, [[ids[0], ids[1]]] * 4 + [[ids[2]]] * (candidates - 4))
    return session


@pytest.mark.parametrize("n_polls", [3, 4, 5, 6, 7])
def test_a_polls_heading_and_its_table_start_on_the_same_page(db, n_polls):
    session = _long_count(n_polls)
    data = count_minutes_pdf(session)[2]
    pages = page_texts(data)
    assert len(pages) > 1
    for number in range(1, n_polls + 1):
        heading = f"{number}. BẰNG KHEN"
        page = next(p for p in pages if heading in p)
        after = page.split(heading, 1)[1]
        assert "Số phiếu phát ra:" in after, (number, n_polls)
        assert "STT" in after and re.search(r"\b1 Sở Thử nghiệm", after), (number, n_polls)


@pytest.mark.parametrize("n_polls", [1, 2, 3, 4, 5, 6, 7])
def test_the_signatures_never_stand_alone_on_a_page(db, n_polls):
    session = _long_count(n_polls)
    for render, last_lines in (
        (count_minutes_pdf, "lập xong hồi"),
        (conference_minutes_pdf, "Hội nghị kết thúc vào hồi"),
    ):
        pages = page_texts(render(session)[2])
        signing = [p for p in pages if SIGNING_NOTE in p]
        assert len(signing) == 1, render.__name__
        assert last_lines in signing[0] and "Biên bản được lập thành 2 bản" in signing[0]


def test_conference_minutes_show_attendance_results_and_next_years_leaders(conference):
    session, _poll, _ids = conference
    _name, _type, data = conference_minutes_pdf(session)
    text = flat(pdf_text(data))
    assert "có mặt 14/16 đơn vị" in text
    assert "Vắng mặt:" in text
    assert "Trần Văn Liên" in text
    assert "Hội nghị nghe báo cáo tổng kết" in text
    assert "Trưởng khối năm 2025:" in text and "chưa bầu" not in text
    assert "12/14 phiếu, đạt 85,71 % số thành viên có mặt" in text  # next head
    assert "10/14 phiếu, đạt 71,43 % số thành viên có mặt" in text
    assert "không hợp lệ 1 phiếu (1 phiếu đánh dấu quá 2 đơn vị)" in text
    assert "bốc thăm (Trưởng ban kiểm phiếu, lúc" in text
    assert "11 giờ 30" in text
    assert "THƯ KÝ" in text and "CHỦ TRÌ" in text


def test_page_one_of_each_minutes_renders_to_a_png_to_look_at(runoff_conference):
    """Saved to test-artifacts/; render times are the bench's business, never a test's."""
    session, *_ = runoff_conference
    ARTIFACTS.mkdir(exist_ok=True)
    for name, render in (("count", count_minutes_pdf), ("conference", conference_minutes_pdf)):
        data = render(session)[2]
        (ARTIFACTS / f"voting-{name}-minutes.pdf").write_bytes(data)
        png = pdf_page_png(data, 1, ARTIFACTS / f"voting-{name}-minutes.png", dpi=70)
        assert Path(png).stat().st_size > 10_000


def test_the_held_at_time_is_the_local_time(conference):
    session, _poll, _ids = conference
    text = flat(pdf_text(count_minutes_pdf(session)[2]))
    held = timezone.localtime(session.held_at)
    assert f"vào hồi {held:%H} giờ {held:%M}" in text


def test_a_minutes_preview_is_marked_draft_and_the_issued_minutes_are_not(conference):
    from emulation.documents import read_document

    session, _poll, _ids = conference
    for render in (count_minutes_pdf, conference_minutes_pdf):
        preview = " ".join(pdf_text(render(session)[2]).split())
        assert "DỰ THẢO" in preview and "Số: ……/BB-" in preview
    voting.finalize_session(session, actor=None)
    session.refresh_from_db()
    for document in (session.count_minutes, session.conference_minutes):
        assert "DỰ THẢO" not in pdf_text(read_document(document))
