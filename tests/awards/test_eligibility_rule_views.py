"""The eligibility rule pages: staff review rules in words, add versions, edit and switch them;
years already reviewed keep the rules they were reviewed under."""

import datetime
import unicodedata
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards.models import AwardProposal, EligibilityRule
from awards.models.ledger import versions_in_force
from awards.services import eligibility_rules as rule_services
from awards.services import proposals as proposal_services
from emulation.models import AuditEntry
from portal.bench.measure import capture_queries
from tests.awards.test_proposals_services import _leaders
from tests.factories import AwardProposalFactory, AwardRecordFactory, award_type
from tests.queries import assert_num_queries, assert_same_queries

LIST = reverse("awards:eligibility_rules")
ADD = reverse("awards:eligibility_rule_add")


def quota_rule():
    return EligibilityRule.objects.get(kind="quota", award_type__code="CO_CP")


def edit_url(rule):
    return reverse("awards:eligibility_rule_edit", args=[rule.pk])


def toggle_url(rule):
    return reverse("awards:eligibility_rule_toggle", args=[rule.pk])


def form_data(rule, **changes):
    """The edit form's POST for `rule` as it stands, with `changes`."""
    data = {
        "kind": rule.kind,
        "award_type": rule.award_type_id,
        "required_award_type": rule.required_award_type_id or "",
        "percent": "" if rule.percent is None else str(rule.percent),
        "rounding": rule.rounding,
        "years": rule.years or "",
        "times": rule.times or "",
        "effective_from": rule.effective_from.isoformat(),
        "legal_basis": rule.legal_basis,
        "explanation": rule.explanation,
    }
    if rule.includes_achievement_year:
        data["includes_achievement_year"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def quota_data(**changes):
    return {
        "kind": "quota",
        "award_type": award_type("CO_TINH").pk,
        "percent": "10",
        "rounding": "floor",
        "effective_from": "2025-01-01",
        "enabled": "on",
        "legal_basis": "Quy chế thi đua, khen thưởng của tỉnh",
        "explanation": "",
        **changes,
    }


def review(year=2024):
    """Take one proposal of `year` to the council, so the year counts as reviewed."""
    proposal = AwardProposalFactory(year=year, award_type=award_type("CO_TINH"))
    AwardProposal.objects.filter(pk=proposal.pk).update(state=AwardProposal.State.ACCEPTED)


def gov_flag_limit(year=2024):
    (quota,) = proposal_services.year_eligibility(year, []).quotas
    return quota.limit


# The list -----------------------------------------------------------------------------------


def test_staff_see_every_rule_in_words_grouped_by_award_type(staff_client):
    html = staff_client.get(LIST).content.decode()
    assert html.count('data-testid="rule-group"') == 2  # Government Flag, Provincial Flag
    assert html.count('data-testid="eligibility-rule"') == 5
    assert "không vượt quá 20% số tập thể được bình chọn dẫn đầu" in html
    assert "làm tròn xuống" in html
    assert "chỉ dành cho đơn vị được bình chọn dẫn đầu khối" in html
    assert "cần 2 năm liên tục đạt" in html
    assert "cần ít nhất 2 lần đạt" in html
    assert "tỉnh cần xác nhận" in html
    assert "Đang tắt" in html
    assert "Mỗi quy tắc là một phiên bản có ngày hiệu lực" in html


def test_the_list_says_which_years_a_version_was_used_for(staff_client):
    review(2024)
    html = staff_client.get(LIST).content.decode()
    assert "Năm đã xét: 2024" in html
    assert html.count("Đã dùng để xét năm 2024") == 3  # the three enabled rules


def test_an_older_version_is_marked_replaced_by_a_newer_one(staff_client):
    rule = quota_rule()
    marker = "Có phiên bản mới hơn thay thế"
    assert marker not in staff_client.get(LIST).content.decode()
    EligibilityRule.objects.create(
        kind="quota",
        award_type=rule.award_type,
        percent=Decimal("30"),
        effective_from=datetime.date(2026, 1, 1),
    )
    assert staff_client.get(LIST).content.decode().count(marker) == 1


def test_a_switched_off_newer_version_stops_the_rule_from_its_date_only(db):
    """A regulation that drops the quota from 2026 on leaves 2024 and 2025 decided under it."""
    rule = quota_rule()
    EligibilityRule.objects.create(
        kind="quota",
        award_type=rule.award_type,
        percent=rule.percent,
        effective_from=datetime.date(2026, 1, 1),
        enabled=False,
    )
    assert rule in EligibilityRule.objects.in_effect(2025)
    assert not [r for r in EligibilityRule.objects.in_effect(2026) if r.kind == "quota"]


def test_html_in_a_rule_is_escaped_in_the_list(staff_client):
    EligibilityRule.objects.filter(pk=quota_rule().pk).update(
        explanation="<script>alert(1)</script>", legal_basis="<b>Luật</b>"
    )
    html = staff_client.get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Luật&lt;/b&gt;" in html


def make_rules(count):
    """`count` quota versions over distinct award types and dates (the seeded rules removed)."""
    EligibilityRule.objects.all().delete()
    codes = ["CO_CP", "CO_TINH", "TTLDXS", "CSTD_TINH", "BK_TINH"]
    for i in range(count):
        EligibilityRule.objects.create(
            kind="quota",
            award_type=award_type(codes[i % len(codes)]),
            percent=Decimal(10 + i),
            effective_from=datetime.date(2024 + i // len(codes), 1, 1),
        )


def test_the_list_takes_a_fixed_number_of_queries(staff_client):
    review(2024)
    AwardRecordFactory(year=2023)
    make_rules(3)
    staff_client.get(LIST)
    with assert_num_queries(6):
        staff_client.get(LIST)


def test_the_list_query_count_does_not_grow_with_rules(staff_client):
    review(2024)
    make_rules(3)
    few = capture_queries(staff_client.get, LIST)
    make_rules(15)
    many = capture_queries(staff_client.get, LIST)
    assert_same_queries(few, many)


def test_the_in_force_versions_on_the_list_agree_with_the_model(db):
    rule = quota_rule()
    template = EligibilityRule.objects.get(kind="window")
    EligibilityRule.objects.create(
        kind="quota",
        award_type=rule.award_type,
        percent=Decimal("30"),
        effective_from=datetime.date(2025, 7, 1),
    )
    EligibilityRule.objects.create(
        kind="quota",
        award_type=rule.award_type,
        percent=Decimal("35"),
        effective_from=datetime.date(2026, 1, 1),
        enabled=False,
    )
    template.enabled = True
    template.save()
    rules = list(EligibilityRule.objects.all())
    for year in range(2022, 2028):
        mirror = {r.pk for r in versions_in_force(rules, year)}
        assert mirror == {r.pk for r in EligibilityRule.objects.in_effect(year)}, year


# Adding and editing ---------------------------------------------------------------------------


def test_staff_add_a_quota_rule_and_the_save_is_audited_with_its_values(
    staff_client, province_staff
):
    response = staff_client.post(ADD, quota_data(percent="12,5"))
    assert response.status_code == 302
    rule = EligibilityRule.objects.get(kind="quota", award_type__code="CO_TINH")
    assert rule.percent == Decimal("12.5")
    assert rule.enabled
    entry = AuditEntry.objects.get(action="awards.eligibility_rule.saved")
    assert entry.actor == province_staff
    assert entry.data["percent"] == [None, "12.5"]
    assert entry.data["effective_from"] == [None, "2025-01-01"]
    page = staff_client.get(LIST).content.decode()
    assert "không vượt quá 12,5% số tập thể" in page


def test_a_rule_can_be_added_switched_off_as_a_draft(staff_client):
    data = quota_data()
    del data["enabled"]
    staff_client.post(ADD, data)
    assert not EligibilityRule.objects.get(kind="quota", award_type__code="CO_TINH").enabled


def test_fields_a_kind_does_not_use_are_cleared(staff_client):
    staff_client.post(
        ADD,
        quota_data(
            kind="leading_only", award_type=award_type("CSTD_TINH").pk, years="abc", times="7"
        ),
    )
    rule = EligibilityRule.objects.get(kind="leading_only", award_type__code="CSTD_TINH")
    assert (rule.percent, rule.years, rule.times, rule.required_award_type) == (
        None,
        None,
        None,
        None,
    )


def test_editing_the_quota_to_forty_percent_allows_two_flags_at_five_leaders(
    staff_client, province_staff
):
    _leaders(5)
    assert gov_flag_limit() == 1
    rule = quota_rule()
    response = staff_client.post(edit_url(rule), form_data(rule, percent="40"))
    assert response.status_code == 302
    assert gov_flag_limit() == 2
    entry = AuditEntry.objects.get(action="awards.eligibility_rule.saved")
    assert entry.data == {"percent": ["20.00", "40"]}
    assert entry.object_id == str(rule.pk)
    assert "awards.eligibility_rule.saved" in staff_client.get(edit_url(rule)).content.decode()


def test_rounding_is_configurable_from_the_page(staff_client):
    _leaders(8)
    rule = quota_rule()
    assert gov_flag_limit() == 1
    staff_client.post(edit_url(rule), form_data(rule, rounding="half_up"))
    assert gov_flag_limit() == 2


@pytest.mark.parametrize(
    ("percent", "message"),
    [
        ("0", "Tỷ lệ phải lớn hơn 0 và không quá 100%."),
        ("150", "Tỷ lệ phải lớn hơn 0 và không quá 100%."),
        ("1000", "Tỷ lệ phải lớn hơn 0 và không quá 100%."),
        ("-5", "Tỷ lệ phải lớn hơn 0 và không quá 100%."),
        ("abc", "Nhập một số, ví dụ 20 hoặc 12,5."),
        ("", "Nhập tỷ lệ phần trăm."),
        ("12,345", "Tỷ lệ chỉ ghi tối đa 2 chữ số thập phân."),
    ],
)
def test_a_bad_percent_is_refused_in_vietnamese(staff_client, percent, message):
    rule = quota_rule()
    response = staff_client.post(edit_url(rule), form_data(rule, percent=percent))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert quota_rule().percent == Decimal("20")
    assert not AuditEntry.objects.filter(action="awards.eligibility_rule.saved").exists()


def test_a_hundred_percent_is_accepted(staff_client):
    rule = quota_rule()
    staff_client.post(edit_url(rule), form_data(rule, percent="100"))
    assert quota_rule().percent == Decimal("100")


def history_data(kind, **changes):
    return {
        "kind": kind,
        "award_type": award_type("CO_CP").pk,
        "required_award_type": award_type("CO_TINH").pk,
        "years": "5",
        "times": "2",
        "effective_from": "2026-01-01",
        "enabled": "on",
        "legal_basis": "",
        "explanation": "",
        **changes,
    }


@pytest.mark.parametrize(
    ("kind", "changes", "message"),
    [
        ("consecutive", {"required_award_type": ""}, "Chọn danh hiệu cần đạt trước."),
        ("window", {"required_award_type": ""}, "Chọn danh hiệu cần đạt trước."),
        ("consecutive", {"years": ""}, "Nhập số năm."),
        ("consecutive", {"years": "0"}, "Số năm phải từ 1 đến 50."),
        ("consecutive", {"years": "99"}, "Số năm phải từ 1 đến 50."),
        ("consecutive", {"years": "hai"}, "Nhập một số nguyên."),
        ("window", {"times": ""}, "Nhập số lần."),
        ("window", {"times": "0"}, "Số lần phải từ 1 trở lên."),
        ("window", {"times": "6"}, "Số lần không được lớn hơn số năm (5)."),
        ("window", {"award_type": ""}, "Chọn danh hiệu, hình thức áp dụng."),
        ("window", {"award_type": "999999"}, "lựa chọn hợp lệ"),
        ("window", {"kind": "forever"}, "lựa chọn hợp lệ"),
        ("window", {"effective_from": ""}, "Nhập ngày hiệu lực."),
        ("window", {"effective_from": "31/02/2026"}, "tháng 2/2026 không có ngày 31"),
        ("window", {"effective_from": "abc"}, "không hợp lệ: nhập ngày theo dạng dd/mm/yyyy"),
        ("window", {"effective_from": "1900-01-01"}, "Năm hiệu lực phải từ 2000 đến 2100."),
    ],
)
def test_bad_history_rule_input_is_refused_in_vietnamese(staff_client, kind, changes, message):
    before = EligibilityRule.objects.count()
    response = staff_client.post(ADD, {**history_data(kind), **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert EligibilityRule.objects.count() == before


def test_a_history_template_is_configured_with_its_numbers(staff_client):
    template = EligibilityRule.objects.get(kind="window")
    response = staff_client.post(
        edit_url(template),
        form_data(
            template,
            times="3",
            years="5",
            includes_achievement_year="on",
            required_award_type=award_type("CO_TINH").pk,
        ),
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.times, template.years, template.includes_achievement_year) == (3, 5, True)
    assert "ít nhất 3 lần đạt" in template.text
    assert "tính cả năm đề nghị" in template.text


def test_nfd_text_is_stored_as_nfc(staff_client):
    basis = unicodedata.normalize("NFD", "Quyết định số 15/2024/QĐ-UBND của UBND tỉnh")
    explanation = unicodedata.normalize("NFD", "Tỉnh đã xác nhận số năm, số lần.")
    staff_client.post(ADD, quota_data(legal_basis=basis, explanation=explanation))
    rule = EligibilityRule.objects.get(kind="quota", award_type__code="CO_TINH")
    assert rule.legal_basis == unicodedata.normalize("NFC", basis)
    assert rule.explanation == unicodedata.normalize("NFC", explanation)


def test_an_oversized_legal_basis_is_refused(staff_client):
    response = staff_client.post(ADD, quota_data(legal_basis="x" * 301))
    assert response.status_code == 200
    assert not EligibilityRule.objects.filter(award_type__code="CO_TINH", kind="quota").exists()


def test_two_versions_of_a_rule_cannot_share_an_effective_date(staff_client):
    response = staff_client.post(
        ADD,
        quota_data(award_type=award_type("CO_CP").pk, percent="30", effective_from="2024-01-01"),
    )
    assert response.status_code == 200
    assert "đã có một phiên bản hiệu lực từ ngày 01/01/2024" in response.content.decode()
    assert EligibilityRule.objects.filter(kind="quota").count() == 1


# Versions and reviewed years ---------------------------------------------------------------------


def test_a_new_version_starts_from_the_base_and_suggests_the_year_after_the_last_reviewed(
    staff_client,
):
    review(2024)
    rule = quota_rule()
    html = staff_client.get(ADD + f"?from={rule.pk}").content.decode()
    assert 'data-testid="new-version"' in html
    assert 'value="20.00"' in html
    suggested = max(2025, datetime.date.today().year)
    assert f'value="01/01/{suggested}"' in html  # shown dd/mm/yyyy


def test_a_new_version_keeps_the_base_scope_even_if_the_post_says_otherwise(staff_client):
    rule = quota_rule()
    response = staff_client.post(
        ADD + f"?from={rule.pk}",
        quota_data(award_type=award_type("CO_TINH").pk, kind="leading_only", percent="30"),
    )
    assert response.status_code == 302
    new = EligibilityRule.objects.get(effective_from=datetime.date(2025, 1, 1))
    assert (new.kind, new.award_type.code, new.percent) == ("quota", "CO_CP", Decimal("30"))


def test_a_new_version_must_start_after_its_base(staff_client):
    rule = quota_rule()
    response = staff_client.post(
        ADD + f"?from={rule.pk}", quota_data(effective_from="2023-06-01", percent="30")
    )
    assert "Phiên bản mới phải có hiệu lực sau ngày 01/01/2024" in response.content.decode()


def test_an_unknown_base_version_is_404(staff_client):
    assert staff_client.get(ADD + "?from=999999").status_code == 404


def test_a_version_used_for_a_reviewed_year_only_takes_wording_changes(staff_client):
    _leaders(5)
    review(2024)
    rule = quota_rule()
    page = staff_client.get(edit_url(rule)).content.decode()
    assert 'data-testid="locked"' in page
    assert "đã được dùng để xét năm 2024" in page
    response = staff_client.post(
        edit_url(rule), form_data(rule, percent="40", legal_basis="Nghị định 98/2023/NĐ-CP")
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.percent == Decimal("20")
    assert rule.legal_basis == "Nghị định 98/2023/NĐ-CP"
    assert gov_flag_limit(2024) == 1


def test_the_service_refuses_to_rewrite_a_reviewed_year(db, province_staff):
    AwardRecordFactory(year=2024)
    rule = quota_rule()
    rule.percent = Decimal("40")
    with pytest.raises(ValidationError, match="năm 2024 đã được dùng để xét"):
        rule_services.save_eligibility_rule(rule, actor=province_staff)
    assert quota_rule().percent == Decimal("20")
    assert not AuditEntry.objects.filter(action="awards.eligibility_rule.saved").exists()


def test_a_new_version_changes_later_years_and_leaves_the_reviewed_one(staff_client):
    _leaders(5)
    _leaders(5, year=2025)
    review(2024)
    rule = quota_rule()
    response = staff_client.post(
        ADD + f"?from={rule.pk}", quota_data(percent="40", effective_from="2025-01-01")
    )
    assert response.status_code == 302
    assert (gov_flag_limit(2024), gov_flag_limit(2025)) == (1, 2)


def test_a_new_version_reaching_back_into_a_reviewed_year_is_refused(staff_client):
    review(2024)
    rule = quota_rule()
    response = staff_client.post(
        ADD + f"?from={rule.pk}", quota_data(percent="40", effective_from="2024-06-01")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "năm 2024 đã được dùng để xét" in html
    assert "01/01/2025" in html
    assert EligibilityRule.objects.filter(kind="quota").count() == 1


# Switching on and off ----------------------------------------------------------------------------


def test_staff_switch_a_history_template_on_and_off_and_each_is_audited(
    staff_client, province_staff
):
    template = EligibilityRule.objects.get(kind="consecutive")
    response = staff_client.post(toggle_url(template), {"enabled": "1"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.enabled
    entry = AuditEntry.objects.get(action="awards.eligibility_rule.enabled")
    assert entry.data == {"enabled": [False, True]}
    assert entry.actor == province_staff
    staff_client.post(toggle_url(template), {"enabled": "0"})
    template.refresh_from_db()
    assert not template.enabled
    assert AuditEntry.objects.get(action="awards.eligibility_rule.disabled").data == {
        "enabled": [True, False]
    }


def test_switching_to_the_current_state_writes_nothing(staff_client):
    staff_client.post(toggle_url(quota_rule()), {"enabled": "1"})
    assert not AuditEntry.objects.filter(action__startswith="awards.eligibility_rule").exists()


@pytest.mark.parametrize("value", ["", "yes", "2", "<b>"])
def test_a_malformed_switch_is_refused(staff_client, value):
    response = staff_client.post(toggle_url(quota_rule()), {"enabled": value}, follow=True)
    assert "Yêu cầu không hợp lệ." in response.content.decode()
    assert quota_rule().enabled


def test_the_switch_is_post_only(staff_client):
    assert staff_client.get(toggle_url(quota_rule())).status_code == 405


def test_switching_off_a_rule_used_for_a_reviewed_year_is_refused(staff_client):
    review(2024)
    response = staff_client.post(toggle_url(quota_rule()), {"enabled": "0"}, follow=True)
    assert "năm 2024 đã được dùng để xét" in response.content.decode()
    assert quota_rule().enabled
    assert not AuditEntry.objects.filter(action="awards.eligibility_rule.disabled").exists()


def test_a_template_is_moved_past_reviewed_years_before_it_is_switched_on(staff_client):
    review(2024)
    template = EligibilityRule.objects.get(kind="window")
    staff_client.post(toggle_url(template), {"enabled": "1"})
    template.refresh_from_db()
    assert not template.enabled
    response = staff_client.post(
        edit_url(template), form_data(template, effective_from="2025-01-01")
    )
    assert response.status_code == 302
    staff_client.post(toggle_url(template), {"enabled": "1"})
    template.refresh_from_db()
    assert template.enabled
    assert template.effective_from == datetime.date(2025, 1, 1)


# Permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("head", 403), ("deputy", 403), ("member", 403), ("outsider", 403), ("anonymous", 302)],
)
def test_only_staff_may_write_rules(cast_clients, role, status):
    client = cast_clients[role]
    rule = quota_rule()
    assert client.post(toggle_url(rule), {"enabled": "0"}).status_code == status
    assert client.post(edit_url(rule), form_data(rule, percent="40")).status_code == status
    assert client.post(ADD, quota_data()).status_code == status
    assert quota_rule().enabled
    assert quota_rule().percent == Decimal("20")
    assert EligibilityRule.objects.count() == 5


def test_anonymous_users_are_sent_to_the_login_page(anonymous_client):
    response = anonymous_client.get(LIST)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_proposal_workspace_links_to_the_rules(staff_client):
    html = staff_client.get(reverse("awards:proposal_workspace")).content.decode()
    assert LIST in html
