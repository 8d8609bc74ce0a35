"""From the demo conference to an award on the agency page, through the real pages.

The bloc head (truongkhoi) completes the dossiers and submits; staff (canbo) take them into
review and return one with a reason; the head fixes it and resubmits; staff accept, record the
council's vote and one decision for all; the agency page then lists the award.
"""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from awards.models import AwardProposal
from awards.services import voting
from blocs.models import Agency, BlocYear
from emulation.models import User
from portal.management.commands.seed_demo import DEMO_PASSWORD
from tests.awards.voting_fixtures import counted
from tests.pdf_helpers import tiny_pdf

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_conference(transactional_db):
    """The demo province with the Văn hóa - Xã hội bloc's 2024 conference finalized."""
    call_command("seed_demo", verbosity=0)
    bloc_year = BlocYear.objects.get(bloc__code="KTĐVHXH", year=2024)
    head_user = User.objects.get(username="truongkhoi")
    agency = {a.name: a for a in Agency.objects.filter(former_province__name="Hà Nam")}
    session = voting.create_session(
        bloc_year,
        held_at=timezone.make_aware(datetime.datetime(2024, 12, 20, 8, 0)),
        place="Hội trường Sở Y tế",
        chair_name="Nguyễn Thị Minh Hằng",
        chair_title="Giám đốc Sở Y tế",
        chair_agency=bloc_year.head,
        secretary_name="Lê Văn Thư",
        actor=head_user,
    )
    voting.update_attendance(
        session,
        [{"agency_id": a.agency_id, "present": True} for a in session.attendance.all()],
        actor=head_user,
    )
    counted(session, "CO_TINH", {agency["Sở Y tế"]: 7}, seats=1, actor=head_user)
    counted(
        session,
        "TTLDXS",
        {
            agency["Sở Giáo dục và Đào tạo"]: 6,
            agency["Sở Văn hóa, Thể thao và Du lịch"]: 5,
            agency["Bảo hiểm xã hội tỉnh"]: 2,
        },
        seats=2,
        actor=head_user,
    )
    voting.finalize_session(session, actor=head_user)
    return bloc_year


def _switch_user(page, login, username):
    page.context.clear_cookies()
    login(username, DEMO_PASSWORD)


def _upload_report(page, proposal):
    page.select_option("#id_upload-proposal", str(proposal.pk))
    page.select_option("#id_upload-kind", "achievement_report")
    page.set_input_files(
        "#id_upload-file",
        files=[
            {
                "name": f"Báo cáo thành tích {proposal.agency.short_name}.pdf",
                "mimeType": "application/pdf",
                "buffer": tiny_pdf(proposal.agency.short_name),
            }
        ],
    )
    page.get_by_role("button", name="Tải lên").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã tải tài liệu lên hồ sơ.").is_visible()


def _states():
    return dict(
        AwardProposal.objects.values_list("agency__name", "state").order_by("agency__sort_name")
    )


def _check_all_and(page, button_test_id):
    for box in page.locator("input[name=proposals]").all():
        box.check()
    page.get_by_test_id(button_test_id).click()
    page.wait_for_load_state("networkidle")


def test_proposals_go_from_the_conference_to_the_agency_page(
    demo_conference, login, page, live_server, screenshot
):
    bloc_year = demo_conference
    proposals = list(AwardProposal.objects.select_related("agency").order_by("pk"))
    assert len(proposals) == 3
    base = live_server.url

    # The bloc head completes each dossier, issues the request letter and submits.
    _switch_user(page, login, "truongkhoi")
    page.goto(f"{base}/awards/bloc-years/{bloc_year.pk}/proposals/")
    assert page.get_by_test_id("proposal-row").count() == 3
    assert page.get_by_text("Thiếu: Báo cáo thành tích").first.is_visible()
    screenshot("proposals-head-drafts")
    for proposal in proposals:
        _upload_report(page, proposal)
    expect(page.get_by_test_id("preview-letter")).to_be_visible()
    with page.expect_popup() as preview:
        page.get_by_test_id("preview-letter").click()
    preview.value.close()
    page.get_by_test_id("submit-proposals").click()
    page.get_by_test_id("confirm-submit").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã gửi 3 đề nghị tới Sở Nội vụ kèm tờ trình số").is_visible()
    screenshot("proposals-head-submitted")
    assert set(_states().values()) == {"submitted"}

    # Staff take them into review and return one with a reason.
    _switch_user(page, login, "canbo")
    page.goto(f"{base}/awards/proposals/?year=2024&state=submitted")
    _check_all_and(page, "bulk-review")
    assert page.get_by_text("Đã nhận 3 đề nghị để thẩm định.").is_visible()
    returned = next(p for p in proposals if p.agency.name == "Sở Văn hóa, Thể thao và Du lịch")
    page.goto(f"{base}/awards/bloc-years/{bloc_year.pk}/proposals/{returned.pk}/")
    page.fill("#return-reason", "Báo cáo thành tích chưa có chữ ký, đóng dấu của thủ trưởng.")
    page.get_by_role("button", name="Trả lại trưởng khối").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã trả lại đề nghị cho trưởng khối.").is_visible()
    screenshot("proposals-staff-returned")

    # The head sees the reason, uploads the signed report and resubmits.
    _switch_user(page, login, "truongkhoi")
    page.goto(f"{base}/awards/bloc-years/{bloc_year.pk}/proposals/")
    assert "chưa có chữ ký" in page.get_by_test_id("return-reason").inner_text()
    screenshot("proposals-head-returned")
    _upload_report(page, returned)
    page.get_by_test_id("submit-proposals").click()
    page.get_by_test_id("confirm-submit").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã gửi 1 đề nghị tới Sở Nội vụ kèm tờ trình số").is_visible()

    # Staff review it again, accept all, record the council's vote and one decision.
    _switch_user(page, login, "canbo")
    page.goto(f"{base}/awards/proposals/?year=2024&state=submitted")
    _check_all_and(page, "bulk-review")
    page.goto(f"{base}/awards/proposals/?year=2024&state=under_review")
    _check_all_and(page, "bulk-accept")
    assert page.get_by_text("Đã chấp nhận 3 đề nghị trình Hội đồng.").is_visible()
    for proposal in proposals:
        page.goto(f"{base}/awards/bloc-years/{bloc_year.pk}/proposals/{proposal.pk}/")
        page.select_option("#council-approved", "1")
        page.fill("#council-percent", "92.31")
        page.get_by_role("button", name="Ghi kết quả").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("Đã ghi kết quả của Hội đồng.").is_visible()
    page.goto(f"{base}/awards/proposals/?year=2024&state=council_approved")
    for box in page.locator("input[name=proposals]").all():
        box.check()
    page.fill("#id_number", "456/QĐ-UBND")
    signed_on = page.locator("#id_signed_on")
    expect(signed_on).to_be_visible()
    signed_on.press_sequentially("15/03/2025")  # the Vietnamese date box, typed dd/mm/yyyy
    page.fill("#id_signer_name", "Trương Quốc Tuấn")
    page.fill("#id_signer_title", "Chủ tịch UBND tỉnh")
    page.select_option("#id_deciding_level", "province_chairman")
    screenshot("proposals-staff-decision-form")
    page.get_by_test_id("record-decision").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã ghi Quyết định số 456/QĐ-UBND ngày 15/03/2025 cho 3").is_visible()
    page.goto(f"{base}/awards/proposals/?year=2024")
    screenshot("proposals-staff-workspace")
    assert set(_states().values()) == {"decided"}

    # The agency page lists the award.
    head_agency = Agency.objects.get(name="Sở Y tế", former_province__name="Hà Nam")
    page.goto(f"{base}/blocs/agencies/{head_agency.pk}/")
    panel = page.get_by_test_id("agency-awards")
    assert "Cờ thi đua của UBND tỉnh" in panel.inner_text()
    assert "456/QĐ-UBND" in panel.inner_text()
    panel.scroll_into_view_if_needed()
    screenshot("proposals-agency-award")

    # The statistics page sums the year up in a sentence and a chart.
    page.goto(f"{base}/awards/ledger/statistics/")
    assert page.get_by_test_id("sentence").first.inner_text() == (
        "1 tập thể được tặng Cờ thi đua của Ủy ban nhân dân tỉnh; "
        "2 tập thể Tập thể lao động xuất sắc."
    )
    assert page.get_by_test_id("chart").is_visible()
    screenshot("proposals-statistics")
