"""The score table as the head signs it (PDF in the Decree-30 base and its Word copy), the
conference minutes that adopt it (a section and the annex), and a tie at the top sent to a vote."""

import io
import subprocess

import pytest
from django.db.models import F
from django.urls import reverse

from awards.models import ScoreSheet, VotingSession
from awards.pdf import conference_minutes_pdf
from awards.score_table import points_text, score_table, score_table_pdf
from awards.services import scoring as services
from tests.awards.test_scoring_services import _evidence
from tests.awards.test_scoring_views import FULL, _entries
from tests.factories import award_type


def _send_all(bloc_year, actor, points=None):
    for sheet in ScoreSheet.objects.filter(
        bloc_year=bloc_year, agency_id=F("scorer_id")
    ).select_related("agency"):
        values = {**FULL, **(points or {}).get(sheet.agency.name, {})}
        services.save_sheet(sheet, _entries(sheet, values), actor=actor)
        _evidence(sheet)
        services.submit_sheet(sheet, actor=actor)


def _text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.parametrize(
    ("value", "text"), [("98", "98"), ("98.5", "98,5"), ("12.25", "12,25"), ("0", "0")]
)
def test_points_print_with_a_comma_and_no_trailing_zero(value, text):
    from decimal import Decimal

    assert points_text(Decimal(value)) == text


def test_the_table_names_its_base_its_method_and_the_leading_unit(planned, bloc_head):
    _send_all(planned, bloc_head, {"Sở Y tế": {"I_1": "40"}})
    context = score_table(planned, services.bloc_scores(planned))
    first = context["score_rows"][0]
    # 40 + 18 standard (I), 10 (II), bonus 4 capped at 3, 1 off: 70.
    assert (first.place, first.name, first.total, first.note) == (
        1,
        "Sở Y tế",
        "70",
        "Dẫn đầu khối",
    )
    assert [code for code, _title, _max in context["score_headings"]] == ["I", "II"]
    assert context["score_basis"].startswith("Điểm chuẩn tối đa 70 điểm; điểm thưởng tối đa 3 điểm")
    assert "Điểm mỗi tiêu chí làm tròn đến hai chữ số thập phân" in context["score_basis"]
    assert "mỗi tiêu chí lấy trung bình cộng điểm chấm chéo" in context["score_method"]
    assert context["score_sheets"] == "Phiếu được tính: 5/5 phiếu tự chấm đã gửi."
    assert context["score_leading"].startswith("Sở Y tế đạt điểm cao nhất (70 điểm)")


def test_the_pdf_is_a_draft_until_the_conference_is_finalized_and_reads_right(
    planned, bloc_head, tmp_path
):
    _send_all(planned, bloc_head)
    scores = services.bloc_scores(planned)
    name, content_type, data = score_table_pdf(planned, scores)
    text = _text(data)
    assert name.endswith(".pdf") and content_type == "application/pdf"
    assert "DỰ THẢO" in text and "BẢNG TỔNG HỢP" in text
    assert "Kết quả chấm điểm thi đua năm 2024" in text
    assert text.count("Bằng điểm") == 5  # five members on 66 points share the first place
    assert "bằng điểm cao nhất (66 điểm): hội nghị bỏ phiếu" in text
    assert "TRƯỞNG KHỐI" in text
    finalized = VotingSession.objects.create(
        bloc_year=planned,
        held_at="2024-12-20T08:00+07:00",
        place="Hội trường",
        state=VotingSession.State.FINALIZED,
    )
    finalized.refresh_from_db()
    final = _text(score_table_pdf(planned, scores, session=finalized)[2])
    assert "DỰ THẢO" not in final and "ngày 20 tháng 12 năm 2024" in final
    path = tmp_path / name
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout
    assert b"Liberation-Serif " in fonts and b"Liberation-Serif-Bold" in fonts


def test_the_head_downloads_pdf_and_word_and_members_may_not(
    planned, bloc_head, head_client, member_client
):
    from docx import Document

    _send_all(planned, bloc_head)
    pdf_url = reverse("awards:score_table_document", args=[planned.pk, "pdf"])
    word_url = reverse("awards:score_table_document", args=[planned.pk, "docx"])
    assert member_client.get(pdf_url).status_code == 403
    assert (
        head_client.get(
            reverse("awards:score_table_document", args=[planned.pk, "exe"])
        ).status_code
        == 404
    )
    response = head_client.get(pdf_url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    word = head_client.get(word_url)
    assert word.status_code == 200 and ".docx" in word["Content-Disposition"]
    grid = Document(io.BytesIO(word.content)).tables[1]
    assert [cell.text for cell in grid.rows[0].cells][:3] == ["Hạng", "Đơn vị", "I"]
    assert [cell.text for cell in grid.rows[1].cells][1:4] == ["Điểm tối đa", "60", "10"]
    assert len(grid.rows) == 2 + 5


def test_the_conference_minutes_adopt_the_table_as_their_annex(planned, bloc_head):
    _send_all(planned, bloc_head, {"Sở Y tế": {"I_1": "40"}})
    session = VotingSession.objects.create(
        bloc_year=planned, held_at="2024-12-20T08:00+07:00", place="Hội trường"
    )
    text = _text(conference_minutes_pdf(session, scores=services.counted_scores(planned))[2])
    assert "IV. KẾT QUẢ CHẤM ĐIỂM THI ĐUA" in text and "V. KẾT QUẢ BỎ PHIẾU KÍN" in text
    assert "Hội nghị thông qua Bảng tổng hợp kết quả chấm điểm thi đua năm 2024" in text
    assert "PHỤ LỤC" in text and "Sở Y tế đạt điểm cao nhất (70 điểm)" in text
    plain = _text(conference_minutes_pdf(session)[2])
    assert "CHẤM ĐIỂM" not in plain and "IV. KẾT QUẢ BỎ PHIẾU KÍN" in plain


def test_a_tie_at_the_top_proposes_a_vote_among_the_tied_units(planned, bloc_head, head_client):
    award = award_type("CO_TINH")
    page = reverse("awards:scoring", args=[planned.pk])
    _send_all(planned, bloc_head, {"Sở Y tế": {"I_1": "40"}, "Bảo hiểm xã hội tỉnh": {"I_1": "40"}})
    text = head_client.get(page).content.decode()
    assert 'data-testid="tie-at-top"' in text and "Lập hội nghị tổng kết để bỏ phiếu." in text
    VotingSession.objects.create(
        bloc_year=planned, held_at="2024-12-20T08:00+07:00", place="Hội trường"
    )
    response = head_client.get(page)
    url = response.context["tie_poll_url"]
    tied = set(response.context["scores"].ranking.leading)
    assert url.startswith(reverse("awards:poll_add", args=[planned.pk]))
    form = head_client.get(url).context["form"]
    assert form.initial["kind"] == "award" and form.initial["award_type"] == award.pk
    assert set(form.initial["candidates"]) == tied and len(tied) == 2


def test_before_a_sheet_is_sent_there_is_no_ranking_tie_or_table(planned, head_client):
    page = head_client.get(reverse("awards:scoring", args=[planned.pk])).content.decode()
    assert 'data-testid="ranking"' not in page and 'data-testid="tie-at-top"' not in page
    for fmt in ("pdf", "docx"):
        url = reverse("awards:score_table_document", args=[planned.pk, fmt])
        assert head_client.get(url).status_code == 404
    assert (
        head_client.get(reverse("awards:score_table_export", args=[planned.pk])).status_code == 404
    )
