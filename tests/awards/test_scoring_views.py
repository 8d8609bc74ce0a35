"""The scoring pages: a member scores and sends its sheet, the head returns, accepts, settles."""

import unicodedata

from django.db.models import F
from django.urls import reverse

from awards.models import Score, ScoreSheet
from awards.services import scoring as services
from tests.awards.test_scoring_services import _evidence

S = ScoreSheet.Status


def _own(bloc_year, agency):
    return ScoreSheet.objects.get(bloc_year=bloc_year, agency=agency, scorer=agency)


def _url(sheet):
    return reverse("awards:score_sheet", args=[sheet.bloc_year_id, sheet.pk])


def _post(sheet, submit=False, **points):
    data = {}
    for criterion in services.sheet_criteria(sheet):
        if criterion.scored:
            code = criterion.code.replace(".", "_")
            data[f"p{criterion.pk}"] = points.get(code, "")
            data[f"j{criterion.pk}"] = points.get(f"{code}_note", "")
    if submit:
        data["submit"] = "1"
    return data


FULL = {"I_1": "36", "I_2": "18", "II_1": "10", "III_1": "4", "IV_1": "1"}


def test_the_member_scores_its_own_sheet_and_sends_it(planned, member, member_client):
    sheet = _own(planned, member.agency)
    page = member_client.get(reverse("awards:scoring", args=[planned.pk]))
    assert page.status_code == 200
    assert _url(sheet) in page.content.decode()
    assert page.content.decode().count("Chấm chéo:") == 4  # everyone scores the four others
    response = member_client.get(_url(sheet))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Hoàn thành chỉ tiêu kế hoạch" in text and 'inputmode="decimal"' in text
    note = unicodedata.normalize("NFD", "Đạt 90% kế hoạch")
    response = member_client.post(_url(sheet), _post(sheet, **FULL, I_1_note=note))
    assert response.status_code == 302
    saved = Score.objects.get(sheet=sheet, criterion__code="I.1")
    assert saved.points == 36 and saved.justification == "Đạt 90% kế hoạch"
    _evidence(sheet)
    response = member_client.post(_url(sheet), _post(sheet, submit=True, **FULL))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == S.SUBMITTED


def test_wrong_points_come_back_in_vietnamese_and_nothing_is_lost(planned, member, member_client):
    sheet = _own(planned, member.agency)
    member_client.post(_url(sheet), _post(sheet, I_1="30"))
    response = member_client.post(
        _url(sheet), _post(sheet, I_1="45", I_2="<script>", II_1="7"), follow=True
    )
    text = response.content.decode()
    assert "I.1: điểm 45.00 vượt điểm tối đa 40.00" in text
    assert (
        "“&lt;script&gt;” không phải là số" in text
        and "<script>" not in text.split("<main")[-1].split("</main>")[0]
    )
    assert Score.objects.get(sheet=sheet).points == 30
    too_long = member_client.post(_url(sheet), _post(sheet, I_1="1" * 11))
    assert too_long.status_code == 400 and Score.objects.get(sheet=sheet).points == 30


def test_another_member_and_an_observer_cannot_open_a_members_sheet(
    planned, member, deputy_client, bloc_head
):
    sheet = _own(planned, member.agency)
    assert deputy_client.get(_url(sheet)).status_code == 200  # the deputy runs the bloc
    from tests.factories import UserFactory

    other = UserFactory(
        username="khac", agency=planned.memberships.get(agency__name="Bảo hiểm xã hội tỉnh").agency
    )
    from django.test import Client

    client = Client()
    client.force_login(other)
    assert client.get(_url(sheet)).status_code == 403
    assert client.post(_url(sheet), _post(sheet, I_1="1")).status_code == 403


def test_the_head_returns_a_sheet_with_a_reason_and_the_member_reads_it(
    planned, member, member_client, head_client
):
    sheet = _own(planned, member.agency)
    member_client.post(_url(sheet), _post(sheet, **FULL))
    _evidence(sheet)
    member_client.post(_url(sheet), _post(sheet, submit=True, **FULL))
    review = reverse("awards:score_sheet_review", args=[planned.pk, sheet.pk])
    response = head_client.post(review, {"decision": "return", "reason": ""}, follow=True)
    assert "Nhập lý do trả lại phiếu chấm." in response.content.decode()
    head_client.post(review, {"decision": "return", "reason": "Thiếu minh chứng giải ngân"})
    sheet.refresh_from_db()
    assert sheet.status == S.RETURNED
    assert "Thiếu minh chứng giải ngân" in member_client.get(_url(sheet)).content.decode()
    member_client.post(_url(sheet), _post(sheet, submit=True, **FULL))
    head_client.post(review, {"decision": "accept"})
    sheet.refresh_from_db()
    assert sheet.status == S.ACCEPTED
    assert member_client.post(review, {"decision": "accept"}).status_code == 403


def test_the_heads_page_shows_progress_differences_and_the_ranking(planned, bloc_head, head_client):
    names = [m.agency.name for m in planned.memberships.select_related("agency")]
    for sheet in ScoreSheet.objects.filter(bloc_year=planned).select_related("agency", "scorer"):
        values = dict(FULL)
        if sheet.is_own and sheet.agency.name == "Sở Y tế":
            values["I_1"] = "40"
        services.save_sheet(sheet, _entries(sheet, values), actor=bloc_head)
        if sheet.is_own:
            _evidence(sheet)
        services.submit_sheet(sheet, actor=bloc_head)
    page = head_client.get(reverse("awards:scoring", args=[planned.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and len(names) == 5
    assert 'data-testid="differences"' in text and "tự chấm 40" in text
    assert "Nhiều đơn vị cùng điểm cao nhất" in text
    criterion = services.adopted_criteria(planned).criteria.get(code="I.1")
    yte = planned.memberships.get(agency__name="Sở Y tế").agency
    response = head_client.post(
        reverse("awards:score_resolve", args=[planned.pk]),
        {
            "agency": yte.pk,
            "criterion": criterion.pk,
            "points": "38",
            "reason": "Đối chiếu báo cáo",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "Đã chốt điểm tiêu chí I.1 của Sở Y tế." in text
    assert 'data-testid="differences"' not in text and "Nhiều đơn vị cùng điểm cao nhất" not in text


def _entries(sheet, values):
    by_code = {c.code: c.pk for c in services.sheet_criteria(sheet)}
    return {by_code[code.replace("_", ".")]: (value, "") for code, value in values.items()}


def test_the_pages_read_a_fixed_number_of_queries(
    planned, member, member_client, head_client, django_assert_max_num_queries
):
    sheet = _own(planned, member.agency)
    with django_assert_max_num_queries(25):
        assert member_client.get(_url(sheet)).status_code == 200
    with django_assert_max_num_queries(25):
        assert head_client.get(reverse("awards:scoring", args=[planned.pk])).status_code == 200


def test_the_bloc_year_page_shows_the_scoring_panel(planned, member, member_client):
    text = member_client.get(reverse("blocs:bloc_year_detail", args=[planned.pk])).content.decode()
    assert 'data-testid="scoring-panel"' in text and "Phiếu tự chấm của đơn vị" in text


def test_evidence_is_checked_attached_and_served_only_to_who_may_read_the_sheet(
    planned, member, member_client, head_client
):
    """The file goes with the sheet's own form: what was typed is saved with it, and a refused
    file loses none of it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import minimal_pdf

    sheet = _own(planned, member.agency)
    criterion = next(c for c in services.sheet_criteria(sheet) if c.evidence_required)
    typed = {**_post(sheet, **{**FULL, "I_1": "38"}), "attach": "1", "criterion": criterion.pk}
    fake = SimpleUploadedFile(
        "ke-hoach.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    refused = member_client.post(_url(sheet), {**typed, "file": fake})
    assert refused.status_code == 400 and not sheet.evidence.exists()
    text = refused.content.decode()
    assert "PDF" in text and 'value="38"' in text  # the typed points are still on the page
    missing = member_client.post(_url(sheet), typed)
    assert (
        missing.status_code == 400 and "Vui lòng chọn tệp minh chứng." in missing.content.decode()
    )
    good = SimpleUploadedFile("Kế hoạch CCHC.pdf", minimal_pdf(), content_type="application/pdf")
    response = member_client.post(_url(sheet), {**typed, "file": good}, follow=True)
    assert "Đã lưu phiếu chấm và đính kèm minh chứng." in response.content.decode()
    evidence = sheet.evidence.get()
    assert evidence.original_name == "Kế hoạch CCHC.pdf" and evidence.criterion == criterion
    assert sheet.scores.get(criterion__code="I.1").points == 38  # saved with the file
    url = reverse("awards:score_evidence", args=[planned.pk, sheet.pk, evidence.pk])
    assert head_client.get(url).status_code == 200
    assert member_client.get(url).content.startswith(b"%PDF")
    other = ScoreSheet.objects.filter(bloc_year=planned, scorer=member.agency).exclude(pk=sheet.pk)
    assert member_client.post(_url(other[0]), {**typed, "file": good}).status_code == 403
    member_client.post(_url(sheet), _post(sheet, submit=True, **FULL))
    sheet.refresh_from_db()
    assert sheet.status == S.SUBMITTED  # the required evidence is there


def test_the_score_table_downloads_as_a_workbook_with_every_member_and_criterion(
    planned, bloc_head, head_client, member_client
):
    import io

    from openpyxl import load_workbook

    for sheet in ScoreSheet.objects.filter(bloc_year=planned, agency_id=F("scorer_id")):
        services.save_sheet(sheet, _entries(sheet, FULL), actor=bloc_head)
        _evidence(sheet)
        services.submit_sheet(sheet, actor=bloc_head)
    url = reverse("awards:score_table_export", args=[planned.pk])
    assert member_client.get(url).status_code == 403
    response = head_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    ranking, detail = book.worksheets
    rows = list(ranking.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Xếp hạng",
        "Đơn vị",
        "Điểm chuẩn",
        "Điểm thưởng",
        "Điểm trừ",
        "Tổng điểm",
    )
    assert len(rows) == 6  # five members
    # 36 + 18 + 10 standard, bonus 4 capped at 3, 1 off: 66 (no peer sheet sent: own counts).
    assert {row[5] for row in rows[1:]} == {66} and all(row[6] == "x" for row in rows[1:])
    assert len(list(detail.iter_rows(values_only=True))) == 1 + 5 * 5


def test_the_poll_form_offers_the_candidates_in_score_order(planned, bloc_head, head_client):
    from tests.factories import award_type

    award_type("CO_TINH")
    from awards.models import VotingSession

    VotingSession.objects.create(
        bloc_year=planned, held_at="2024-12-20T08:00+07:00", place="Hội trường"
    )
    ranks = {"Sở Văn hóa, Thể thao và Du lịch": "40", "Sở Y tế": "30"}
    for sheet in ScoreSheet.objects.filter(
        bloc_year=planned, agency_id=F("scorer_id")
    ).select_related("agency"):
        services.save_sheet(
            sheet,
            _entries(sheet, {**FULL, "I_1": ranks.get(sheet.agency.name, "20")}),
            actor=bloc_head,
        )
        _evidence(sheet)
        services.submit_sheet(sheet, actor=bloc_head)
    text = head_client.get(reverse("awards:poll_add", args=[planned.pk])).content.decode()
    first, second = (
        text.index("Sở Văn hóa, Thể thao và Du lịch — 70,00 điểm, hạng 1"),
        text.index("Sở Y tế — 60,00 điểm, hạng 2"),
    )
    assert first < second < text.index("hạng 3")
    assert "Theo thứ tự điểm chấm thi đua của khối." in text


def test_the_head_records_the_highest_scored_member_as_leading_unless_tied(
    planned, bloc_head, head_client
):
    from awards.models import LeadingUnit

    url = reverse("awards:score_leading", args=[planned.pk])
    own = ScoreSheet.objects.filter(bloc_year=planned, agency_id=F("scorer_id")).select_related(
        "agency"
    )
    for sheet in own:
        services.save_sheet(sheet, _entries(sheet, FULL), actor=bloc_head)
        _evidence(sheet)
        services.submit_sheet(sheet, actor=bloc_head)
    text = head_client.post(url, follow=True).content.decode()
    assert "hội nghị bỏ phiếu chọn đơn vị dẫn đầu" in text and not LeadingUnit.objects.exists()
    yte = own.get(agency__name="Sở Y tế")
    services.return_sheet(yte, reason="Sửa điểm I.1", actor=bloc_head)
    services.save_sheet(yte, _entries(yte, {"I_1": "40"}), actor=bloc_head)
    services.submit_sheet(yte, actor=bloc_head)
    text = head_client.post(url, follow=True).content.decode()
    assert "Đã ghi Sở Y tế là đơn vị dẫn đầu khối." in text
    unit = LeadingUnit.objects.get()
    assert unit.agency.name == "Sở Y tế" and "đạt 70,00 điểm, xếp thứ nhất" in unit.reason


def test_the_head_sees_twenty_differences_at_a_time_or_all(planned, bloc_head, head_client):
    """Every member scores itself high on all five criteria and its peers score it low: 25
    differences, twenty shown and a link to the rest."""
    high = {"I_1": "40", "I_2": "20", "II_1": "10", "III_1": "5", "IV_1": "5"}
    low = {"I_1": "30", "I_2": "10", "II_1": "0", "III_1": "0", "IV_1": "0"}
    for sheet in ScoreSheet.objects.filter(bloc_year=planned):
        own = sheet.agency_id == sheet.scorer_id
        services.save_sheet(sheet, _entries(sheet, high if own else low), actor=bloc_head)
        if own:
            _evidence(sheet)
        services.submit_sheet(sheet, actor=bloc_head)
    url = reverse("awards:scoring", args=[planned.pk])
    page = head_client.get(url)
    assert page.context["differences_total"] == 25 and len(page.context["differences"]) == 20
    assert "20 chênh lệch đầu tiên trong 25" in page.content.decode()
    everything = head_client.get(url + "?differences=all")
    assert len(everything.context["differences"]) == 25
    assert "differences-more" not in everything.content.decode()


def test_a_rate_criterion_is_scored_from_the_typed_rate_on_the_sheet(
    planned, member, member_client
):
    sheet = _own(planned, member.agency)
    rate_item = next(c for c in services.sheet_criteria(sheet) if c.code == "I.2")
    data = {**_post(sheet, **{**FULL, "I_2": ""}), f"r{rate_item.pk}": "95"}
    member_client.post(_url(sheet), data)
    assert sheet.scores.get(criterion=rate_item).points == 18
    page = member_client.get(_url(sheet)).content.decode()
    assert 'data-testid="rate-I.2"' in page and 'value="95"' in page
    assert "50% được 0 điểm, từ 100% được 20 điểm" in page
