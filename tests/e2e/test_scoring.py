"""Browser: province staff import the 2025 points table from Excel, check its preview and save
it; the head adopts it and assigns cross-scoring; a member scores its own sheet with the
keyboard, attaches evidence and sends it; the head's agency does the same; the head returns the
member's sheet with a reason; the member corrects and resends, and cross-scores its assigned
member; the head settles the difference, reads the ranking, downloads the score table (PDF and
workbook) and finds the conference's candidates in score order. At 1280 px and on a 375 px
phone."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from awards import criteria_workbook
from awards.models import ScoreSheet, VotingSession
from awards.services import scoring as services
from tests.awards.test_scoring_services import ROWS
from tests.conftest import PASSWORD
from tests.e2e.conference_helpers import (
    candidate_box,
    choose,
    log_in,
    log_out,
    no_sideways_scroll,
    on_screen,
    press_button,
    set_width,
    type_into,
)
from tests.factories import minimal_pdf

pytestmark = pytest.mark.browser

OWN = {"I.1": "36", "I.2": "18", "II.1": "10", "III.1": "4", "IV.1": "1"}
TITLES = {row["code"]: row["title"] for row in ROWS}


def _fill_sheet(page, points: dict) -> None:
    for code, value in points.items():
        field = page.get_by_label(f"{code}. {TITLES[code]}")
        if field.evaluate("e => e.tagName") == "SELECT":
            choose(page, field, value)
        else:
            type_into(page, field, value)


def _score_the_rest(bloc_year, user, member_agency):
    """Every sheet still open that the member does not score by hand, sent (the others' work)."""
    for sheet in ScoreSheet.objects.filter(
        bloc_year=bloc_year, status__in=ScoreSheet.EDITABLE
    ).exclude(scorer=member_agency):
        by_code = {c.code: c.pk for c in services.sheet_criteria(sheet)}
        services.save_sheet(sheet, {by_code[k]: (v, "") for k, v in OWN.items()}, actor=user)
        if sheet.is_own:
            criterion = next(c for c in services.sheet_criteria(sheet) if c.evidence_required)
            sheet.evidence.create(
                criterion=criterion, file_name="x.pdf", original_name="x.pdf", sha256="0" * 64
            )
        services.submit_sheet(sheet, actor=user)


@pytest.mark.parametrize("width", [1280, 375])
def test_self_score_return_resend_cross_score_settle_and_rank(
    page, live_server, screenshot, bloc_year, bloc_head, member, province_staff, tmp_path, width
):
    set_width(page, width)
    bloc_year.year = 2025
    bloc_year.save(update_fields=["year"])
    scoring_url = f"{live_server.url}/awards/bloc-years/{bloc_year.pk}/scoring/"

    # Province staff import the year's table from the workbook they edited, then save it.
    table = tmp_path / "Bảng tiêu chí 2025.xlsx"
    rows = services.clean_rows(ROWS)
    table.write_bytes(criteria_workbook.CriteriaWorkbook(rows, filename="t").export()[2])
    log_in(page, live_server.url, "canbo", PASSWORD)
    page.goto(f"{live_server.url}/awards/scoring/criteria/?year=2025")
    kind = page.get_by_test_id(f"criteria-kind-{bloc_year.bloc.kind}")
    expect(kind).to_contain_text("Chưa có bảng tiêu chí năm này.")
    press_button(page, kind.get_by_role("link", name="Nhập từ Excel"))
    expect(page.get_by_label("Năm áp dụng")).to_have_value("2025")
    type_into(page, page.get_by_label("Tên bảng tiêu chí"), "Bảng tiêu chí chấm điểm Khối 2025")
    type_into(page, page.get_by_label("Điểm thưởng tối đa"), "3")
    file_input = page.get_by_label("Tệp Excel (.xlsx)")
    on_screen(page, file_input)
    file_input.set_input_files(str(table))
    press_button(page, page.get_by_role("button", name="Tải lên và xem trước"))
    expect(page.get_by_test_id("criteria-preview-totals")).to_contain_text("điểm chuẩn 70")
    expect(page.get_by_test_id("criteria-table")).to_contain_text(TITLES["I.2"])
    no_sideways_scroll(page)
    screenshot(f"scoring-00-staff-preview-{width}")
    press_button(page, page.get_by_role("button", name="Lưu thành phiên bản mới"))
    expect(page.get_by_text("bảng tiêu chí năm 2025, phiên bản 1")).to_be_visible()
    expect(page.get_by_test_id("criteria-totals")).to_contain_text("Tổng điểm chuẩn: 70 điểm")
    log_out(page)

    # The head adopts the table and has each member cross-score one other.
    log_in(page, live_server.url, "truongkhoi", PASSWORD)
    page.goto(scoring_url)
    press_button(page, page.get_by_test_id("adopt"))
    expect(page.get_by_text("Khối đã áp dụng bảng tiêu chí của tỉnh.")).to_be_visible()
    choose(page, page.get_by_label("Cách chấm chéo"), "assigned")
    type_into(page, page.get_by_label("Số đơn vị mỗi đơn vị chấm (khi phân công)"), "1")
    type_into(page, page.get_by_label("Chênh lệch cho phép"), "1")
    press_button(page, page.get_by_role("button", name="Phân công chấm điểm"))
    expect(page.get_by_text("Đã phân công chấm điểm.")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(f"scoring-01-head-planned-{width}")
    log_out(page)

    # The member scores itself, attaches the evidence the table asks for and sends the sheet.
    log_in(page, live_server.url, "thanhvien", PASSWORD)
    page.goto(scoring_url)
    press_button(page, page.get_by_test_id("my-sheets").get_by_role("link", name="Phiếu tự chấm"))
    # I.2 is scored by rate: the member types the achievement rate, the page works out 18.
    _fill_sheet(page, {code: value for code, value in OWN.items() if code != "I.2"} | {"I.1": "40"})
    type_into(page, page.get_by_label("Tỷ lệ hoàn thành (%) I.2", exact=True), "95")
    expect(page.get_by_label(f"I.2. {TITLES['I.2']}")).to_have_value("18")
    # The running total as typed: 40 + 18 + 10 standard, bonus 4 capped at 3, 1 off; a value
    # over its maximum is marked and left out until corrected.
    expect(page.get_by_test_id("live-total")).to_have_text(
        "Đang nhập: 68 điểm chuẩn, thưởng 3, trừ 1; tổng 70 (chưa lưu)."
    )
    first = page.get_by_label(f"I.1. {TITLES['I.1']}")
    type_into(page, first, "45")
    expect(first).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("live-total")).to_contain_text("tổng 30 (chưa lưu)")
    type_into(page, first, "40")
    expect(first).to_have_attribute("aria-invalid", "false")
    type_into(page, page.get_by_label("Giải trình I.1"), "Hoàn thành 100% kế hoạch năm")
    press_button(page, page.get_by_role("button", name="Lưu", exact=True))
    expect(page.get_by_text("Đã lưu phiếu chấm.")).to_be_visible()
    expect(page.get_by_test_id("sheet-total")).to_contain_text("tổng 70")
    no_sideways_scroll(page)
    screenshot(f"scoring-02-member-sheet-{width}")
    evidence = tmp_path / "Kế hoạch cải cách hành chính.pdf"
    evidence.write_bytes(minimal_pdf())
    choose(page, page.get_by_label("Minh chứng cho tiêu chí"), label=f"II.1. {TITLES['II.1']}")
    file_input = page.get_by_label("Tệp minh chứng")
    on_screen(page, file_input)
    file_input.set_input_files(str(evidence))
    press_button(page, page.get_by_role("button", name="Đính kèm minh chứng"))
    expect(page.get_by_test_id("evidence")).to_contain_text("Kế hoạch cải cách hành chính.pdf")
    press_button(page, page.get_by_role("button", name="Lưu và gửi khối trưởng"))
    expect(page.get_by_text("Đã gửi phiếu chấm cho khối trưởng.")).to_be_visible()
    log_out(page)

    # The head's agency, a member too, scores itself and sends; then returns the member's sheet.
    log_in(page, live_server.url, "truongkhoi", PASSWORD)
    page.goto(scoring_url)
    press_button(page, page.get_by_test_id("my-sheets").get_by_role("link", name="Phiếu tự chấm"))
    _fill_sheet(page, OWN)
    choose(page, page.get_by_label("Minh chứng cho tiêu chí"), label=f"II.1. {TITLES['II.1']}")
    file_input = page.get_by_label("Tệp minh chứng")
    on_screen(page, file_input)
    file_input.set_input_files(str(evidence))
    press_button(page, page.get_by_role("button", name="Đính kèm minh chứng"))
    press_button(page, page.get_by_role("button", name="Lưu và gửi khối trưởng"))
    expect(page.get_by_text("Đã gửi phiếu chấm cho khối trưởng.")).to_be_visible()
    progress = page.get_by_test_id("progress")
    own_row = progress.get_by_role("row", name=member.agency.name)
    press_button(page, own_row.get_by_role("link"))
    type_into(page, page.get_by_label("Lý do trả lại"), "I.1: chưa có số liệu giải ngân quý IV")
    press_button(page, page.get_by_role("button", name="Trả lại phiếu"))
    expect(page.get_by_text("Đã trả lại phiếu chấm.")).to_be_visible()
    log_out(page)

    # The member reads the reason, corrects and resends; then scores its assigned member.
    log_in(page, live_server.url, "thanhvien", PASSWORD)
    page.goto(scoring_url)
    expect(page.get_by_test_id("my-sheets")).to_contain_text("chưa có số liệu giải ngân quý IV")
    press_button(page, page.get_by_test_id("my-sheets").get_by_role("link", name="Phiếu tự chấm"))
    type_into(page, page.get_by_label(f"I.1. {TITLES['I.1']}"), "39")
    press_button(page, page.get_by_role("button", name="Lưu và gửi khối trưởng"))
    expect(page.get_by_text("Đã gửi phiếu chấm cho khối trưởng.")).to_be_visible()
    press_button(page, page.get_by_test_id("my-sheets").get_by_role("link", name="Chấm chéo"))
    _fill_sheet(page, {**OWN, "I.1": "0,5"})  # a typo: half a point, a comma for the dot
    press_button(page, page.get_by_role("button", name="Lưu", exact=True))
    type_into(page, page.get_by_label(f"I.1. {TITLES['I.1']}"), "35")
    press_button(page, page.get_by_role("button", name="Lưu và gửi khối trưởng"))
    expect(page.get_by_text("Đã gửi phiếu chấm cho khối trưởng.")).to_be_visible()
    screenshot(f"scoring-03-member-sent-{width}")
    log_out(page)

    # Everyone else scores; the head settles the member's I.1 (39 own, 36 by its peer).
    _score_the_rest(bloc_year, bloc_head, member.agency)
    log_in(page, live_server.url, "truongkhoi", PASSWORD)
    page.goto(scoring_url)
    differences = page.get_by_test_id("differences")
    expect(differences).to_contain_text(f"{member.agency.name}, tiêu chí I.1: tự chấm 39")
    type_into(page, differences.get_by_label("Điểm chốt").first, "37")
    type_into(page, differences.get_by_label("Lý do").first, "Đối chiếu báo cáo giải ngân")
    press_button(page, differences.get_by_role("button", name="Chốt điểm").first)
    expect(page.get_by_text(f"Đã chốt điểm tiêu chí I.1 của {member.agency.name}.")).to_be_visible()
    ranking = page.get_by_test_id("ranking")
    on_screen(page, ranking)
    expect(ranking.get_by_role("row", name=member.agency.name)).to_contain_text("67,00")
    no_sideways_scroll(page)
    screenshot(f"scoring-04-head-ranking-{width}")
    with page.expect_download() as download:
        press_button(page, page.get_by_test_id("score-table-xlsx"), navigates=False)
    assert download.value.suggested_filename.startswith("bang-tong-hop-ket-qua-cham-diem")
    saved = tmp_path / "score-table.xlsx"
    download.value.save_as(saved)
    book = load_workbook(saved)
    names = [row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert names[0] == member.agency.name and len(names) == 5
    pdf_link = page.get_by_test_id("score-table-pdf")
    expect(pdf_link).to_be_visible()
    pdf = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    assert "bang-tong-hop-cham-diem" in pdf.headers["content-disposition"]

    # The conference's poll form offers the candidates in score order.
    VotingSession.objects.create(
        bloc_year=bloc_year, held_at="2025-12-20T08:00+07:00", place="Hội trường"
    )
    page.goto(f"{live_server.url}/awards/bloc-years/{bloc_year.pk}/conference/polls/add/")
    first = candidate_box(page, member.agency.name)
    on_screen(page, first)
    expect(first).to_be_visible()
    labels = page.locator("#div_id_candidates .form-check-label").all_inner_texts()
    assert labels[0].startswith(f"{member.agency.name} — 67,00 điểm, hạng 1"), labels
    screenshot(f"scoring-05-poll-order-{width}")
