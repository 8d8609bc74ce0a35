"""Ballot papers: whole papers on every page whatever the list's length, no number on them
unless the province asks for one, a place for the organiser's stamp, embedded fonts."""

import math
import unicodedata

import pytest
from django.test import override_settings

from awards.pdf import ballot_papers_pdf
from awards.services import voting
from tests.awards.voting_fixtures import award, make_session
from tests.factories import AgencyFactory, BlocYearFactory, MembershipFactory
from tests.pdf_helpers import _run, is_a4_portrait, pdf_fonts, pdf_page_count

# Real agency names of every length, made unique by a code no other name contains.
NAMES = [
    "Sở Y tế",
    "Ban Quản lý các khu công nghiệp tỉnh",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Liên đoàn Lao động tỉnh",
    "Trung tâm Văn hóa, Thể thao và Du lịch khu vực Kim Bảng",
]
TITLE = "PHIẾU BẦU"


def code(index: int) -> str:
    return f"mã Q{index:02d}Z"


def poll_with(count: int, *, present: int = 5):
    """A draft award poll listing `count` members, `present` of them at the conference."""
    bloc_year = BlocYearFactory(year=2024)
    for index in range(1, count + 1):
        name = f"{NAMES[index % len(NAMES)]} ({code(index)})"
        MembershipFactory(bloc_year=bloc_year, agency=AgencyFactory(name=name))
    session = make_session(bloc_year, absent=max(0, count - present))
    return voting.create_poll(
        session, kind="award", award_type=award("CO_TINH"), seats=2, actor=None
    )


def raw_page(data: bytes, page: int) -> str:
    """A page's text in drawing order (a wrapped cell stays together), whitespace collapsed."""
    text = _run(["pdftotext", "-raw", "-enc", "UTF-8", "-f", str(page), "-l", str(page)], data)
    return " ".join(text.split())


def papers_per_page(data: bytes, candidates: int) -> list[int]:
    """How many whole papers each page holds; fails if a paper's list leaves its page."""
    counts = []
    for page in range(1, pdf_page_count(data) + 1):
        text = raw_page(data, page)
        titles = text.count(TITLE)
        assert titles >= 1, f"page {page} holds no paper title"
        for index in range(1, candidates + 1):
            assert text.count(code(index)) == titles, (page, index)
        counts.append(titles)
    return counts


@pytest.mark.parametrize("candidates", [1, 3, 16, 40, 60])
@pytest.mark.parametrize("papers", [1, 7, 40])
def test_every_page_holds_whole_papers_and_the_pages_are_as_few_as_that_allows(
    db, candidates, papers
):
    poll = poll_with(candidates)
    filename, content_type, data = ballot_papers_pdf(poll, papers=papers)
    assert content_type == "application/pdf" and filename.endswith(".pdf")
    assert is_a4_portrait(data)
    counts = papers_per_page(data, candidates)
    per_page = counts[0]
    assert sum(counts) == papers
    assert len(counts) == math.ceil(papers / per_page)
    assert all(count == per_page for count in counts[:-1])


@pytest.mark.parametrize(("candidates", "at_least"), [(1, 3), (3, 3), (16, 2), (40, 1), (60, 1)])
def test_short_lists_share_a_page(db, candidates, at_least):
    data = ballot_papers_pdf(poll_with(candidates), papers=8)[2]
    assert raw_page(data, 1).count(TITLE) >= at_least


def test_one_paper_per_member_present_by_default(db):
    poll = poll_with(6, present=5)
    data = ballot_papers_pdf(poll)[2]
    assert sum(papers_per_page(data, 6)) == 5


def test_papers_carry_no_number_unless_the_province_turns_it_on(db):
    poll = poll_with(3)
    data = ballot_papers_pdf(poll, papers=7)[2]
    pages = [raw_page(data, page) for page in range(1, pdf_page_count(data) + 1)]
    assert not any("Phiếu số" in page for page in pages)
    assert len(set(pages[:-1])) == 1  # identical papers, identical pages
    with override_settings(BALLOT_PAPER_SERIALS=True):
        data = ballot_papers_pdf(poll, papers=7)[2]
    text = " ".join(raw_page(data, page) for page in range(1, pdf_page_count(data) + 1))
    assert [f"Phiếu số: {n}" in text for n in range(1, 8)] == [True] * 7
    assert "Phiếu số: 08" not in text
    assert sum(papers_per_page(data, 3)) == 7


@override_settings(BALLOT_PAPER_SERIALS=True)
def test_numbered_papers_of_a_long_list_also_stay_whole(db):
    data = ballot_papers_pdf(poll_with(40), papers=3)[2]
    assert papers_per_page(data, 40) == [1, 1, 1]
    assert "Phiếu số: 3" in raw_page(data, 3)


def test_each_paper_has_a_place_for_the_organisers_stamp_and_says_how_to_vote(db):
    data = ballot_papers_pdf(poll_with(3), papers=3)[2]
    text = raw_page(data, 1)
    assert text.count("Dấu của Ban tổ chức") == text.count(TITLE) == 3
    assert "tối đa 2 đơn vị" in text
    assert "không có dấu của Ban tổ chức là phiếu không hợp lệ" in text
    assert "bỏ phiếu kín" in text


def test_fonts_stay_embedded_and_the_text_is_nfc_in_a_repeated_document(db):
    data = ballot_papers_pdf(poll_with(40), papers=25)[2]
    assert pdf_page_count(data) == 25
    fonts = pdf_fonts(data)
    assert fonts and all(font["embedded"] for font in fonts)
    text = raw_page(data, 25)
    assert unicodedata.is_normalized("NFC", text)
    assert "Trung tâm Văn hóa, Thể thao và Du lịch khu vực Kim Bảng" in text


def test_two_hundred_papers_of_forty_candidates_are_two_hundred_small_pages(db):
    """Repeating one laid-out page keeps the file small (the time is the bench's business)."""
    data = ballot_papers_pdf(poll_with(40), papers=200)[2]
    assert pdf_page_count(data) == 200
    one = ballot_papers_pdf(poll_with(40), papers=1)[2]
    assert len(data) < 3 * len(one)
