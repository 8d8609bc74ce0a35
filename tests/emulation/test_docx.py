"""Word copies: the same template, data and wording as the PDF, opened with python-docx."""

import io

import docx
import pytest
from django.urls import reverse

from awards.services import voting
from emulation.documents import read_word_copy
from emulation.docx import html_to_docx, render_docx
from tests.awards.voting_fixtures import agency_ids, make_session, open_award_poll


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return " ".join(" ".join(parts).split())


def opened(data: bytes):
    return docx.Document(io.BytesIO(data))


@pytest.fixture
def finalized(bloc_year, bloc_head):
    session = make_session(bloc_year, bloc_head)
    poll = open_award_poll(session, actor=bloc_head)
    for _ in range(4):
        voting.record_ballot(poll, agency_ids(poll)[:1], actor=bloc_head)
    voting.count_poll(poll, actor=bloc_head)
    return voting.finalize_session(session, actor=bloc_head)


def test_the_issued_minutes_have_a_word_copy_with_the_same_number_title_and_motto(finalized):
    for document in (finalized.count_minutes, finalized.conference_minutes):
        text = all_text(opened(read_word_copy(document)))
        assert f"Số: {document.number}" in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "BIÊN BẢN" in text and "bỏ phiếu kín" in text
        assert "DỰ THẢO" not in text
        assert len(document.docx_sha256) == 64


def test_the_word_copy_uses_a4_decree_30_margins_and_times_new_roman(finalized):
    word = opened(read_word_copy(finalized.count_minutes))
    section = word.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert word.styles["Normal"].font.name == "Times New Roman"
    footer = " ".join(p.text for p in section.footer.paragraphs)
    assert finalized.count_minutes.verification_code in footer


def test_a_grid_table_keeps_its_rows_and_cells():
    data = html_to_docx(
        '<html><body><table class="grid"><thead><tr><th>TT</th><th>Đơn vị</th></tr></thead>'
        "<tbody><tr><td>1</td><td>Sở Y tế</td></tr><tr><td>2</td><td>Sở Tư pháp</td></tr>"
        "</tbody></table></body></html>"
    )
    table = opened(data).tables[0]
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["TT", "Đơn vị"],
        ["1", "Sở Y tế"],
        ["2", "Sở Tư pháp"],
    ]


def test_hostile_text_stays_text():
    data = render_docx(
        "pdf/sample_minutes.html",
        {"issuer_name": "<script>x</script> & Khối", "doc_type": "Biên bản", "members": []},
    )
    assert "<SCRIPT>X</SCRIPT> & KHỐI" in all_text(opened(data))


def test_members_download_the_word_copy_from_the_documents_panel(finalized, member_client):
    page = member_client.get(reverse("blocs:bloc_year_detail", args=[finalized.bloc_year_id]))
    assert 'data-testid="word-copy"' in page.content.decode()
    url = reverse("issued_document_word", args=[finalized.bloc_year_id, finalized.count_minutes_id])
    response = member_client.get(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert all_text(opened(response.content))


def test_inline_bold_and_italic_keep_the_spacing_of_the_source():
    data = html_to_docx(
        "<html><body><p>Sở <b>Y tế</b>, ngày <i>05</i>/12 và <b>x</b> y</p></body></html>"
    )
    assert opened(data).paragraphs[0].text == "Sở Y tế, ngày 05/12 và x y"
