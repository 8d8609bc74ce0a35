"""The audit page: readable entries, each filter (bloc, object type, actor account, action,
dates), hostile input that keeps the other filters and never fails, and a fixed query count."""

import datetime
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from blocs.models import Agency, BlocYear, Covenant
from emulation.audit import log_action
from portal.bench.measure import capture_queries
from tests.factories import AgencyFactory, AwardProposalFactory
from tests.queries import assert_same_queries

URL = reverse("audit_log")


def _page(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def _entries(html: str) -> int:
    """Entries on the page, less the sign-in the test client's force_login records."""
    signed_in = html.count('title="emulation.login.succeeded"')
    return html.count('class="list-group-item audit-entry"') - signed_in


@pytest.fixture
def logged(province_staff, bloc_head, bloc_year, other_bloc_year):
    """Entries on both blocs, on an agency, and by two actors."""
    covenant = Covenant.objects.create(bloc_year=bloc_year, title="Giao ước 2024")
    log_action("blocs.covenant.created", covenant, actor=bloc_head, data={"title": "Giao ước"})
    log_action(
        "blocs.bloc_year.updated",
        bloc_year,
        actor=province_staff,
        data={"notes": ["", "Ghi chú"]},
    )
    log_action(
        "blocs.bloc_year.updated",
        other_bloc_year,
        actor=province_staff,
        data={"notes": ["", "Khối khác"]},
    )
    log_action(
        "blocs.agency.updated",
        bloc_year.head,
        actor=province_staff,
        data={"kind": ["department", "board"]},
    )
    return covenant


def test_entries_read_with_labels_and_the_bloc_of_their_target(staff_client, logged):
    html = _page(staff_client)
    assert _entries(html) == 4
    assert "Tạo giao ước thi đua" in html and "Sửa thông tin khối trong năm" in html
    assert "Khối thi đua Văn hóa - Xã hội, năm 2024" in html  # the covenant's bloc and year
    assert "Sở, ngành" in html and "department" not in html
    assert "<code>" not in html


def test_the_bloc_filter_keeps_entries_of_that_bloc_and_its_years(staff_client, logged, bloc_year):
    html = _page(staff_client, bloc=bloc_year.bloc_id)
    assert _entries(html) == 2
    assert "Khối khác" not in html and "Giao ước 2024" in html


def test_the_bloc_filter_knows_the_models_of_awards_too(
    staff_client, province_staff, bloc_year, other_bloc_year
):
    mine = AwardProposalFactory(bloc_year=bloc_year)
    theirs = AwardProposalFactory(bloc_year=other_bloc_year)
    log_action("awards.proposal.submitted", mine, actor=province_staff, data={})
    log_action("awards.proposal.submitted", theirs, actor=province_staff, data={})
    html = _page(staff_client, bloc=bloc_year.bloc_id)
    assert _entries(html) == 1 and "Gửi hồ sơ đề nghị" in html


def test_the_object_type_filter_lists_only_types_that_have_entries(staff_client, logged):
    agency_type = ContentType.objects.get_for_model(Agency)
    html = _page(staff_client)
    assert f'value="{agency_type.pk}">Cơ quan, đơn vị' in html
    assert "Phiếu bầu" not in html  # ballots are never audited one by one
    html = _page(staff_client, target_type=agency_type.pk)
    assert _entries(html) == 1 and "Sửa thông tin đơn vị" in html


def test_the_actor_filter_matches_the_account_by_username_or_name(staff_client, logged, bloc_head):
    assert _entries(_page(staff_client, actor="truongkhoi")) == 1
    assert _entries(_page(staff_client, actor="Cán Bộ")) == 3
    assert _entries(_page(staff_client, actor="không có ai")) == 0


def test_the_action_filter_takes_a_code_or_an_apps_group(staff_client, logged):
    assert _entries(_page(staff_client, action="blocs.bloc_year.updated")) == 2
    assert _entries(_page(staff_client, action="blocs")) == 4
    assert _entries(_page(staff_client, action="blocs.agency")) == 1
    html = _page(staff_client, action="blocs.covenant.created")
    assert '<option value="blocs.covenant.created" selected>Tạo giao ước thi đua' in html


def test_the_action_filter_groups_codes_by_app(staff_client, logged):
    html = _page(staff_client)
    assert '<optgroup label="Khối, đơn vị, giao ước">' in html
    assert '<optgroup label="Hội nghị, bình xét, khen thưởng">' in html


def _dated(province_staff, day: datetime.date):
    """An entry written at 23:30 local time on `day` (the clock stopped there)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 30)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        log_action("blocs.agency.updated", None, actor=province_staff, data={})


def test_the_date_range_takes_whole_local_days_in_day_month_year(staff_client, province_staff):
    for day in (datetime.date(2024, 3, 30), datetime.date(2024, 3, 31), datetime.date(2024, 4, 1)):
        _dated(province_staff, day)
    assert _entries(_page(staff_client, date_from="31/03/2024", date_to="31/03/2024")) == 1
    assert _entries(_page(staff_client, date_from="31/03/2024")) == 2
    assert _entries(_page(staff_client, date_to="2024-03-31")) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "31/02/2024"},
        {"date_from": "01/01/99999"},
        {"date_to": "-1"},
        {"date_to": "\x00"},
        {"bloc": "-1"},
        {"bloc": "99999999999999999999999"},
        {"bloc": "\x00"},
        {"target_type": "abc"},
        {"action": "\x00"},
        {"action": "<script>alert(1)</script>"},
        {"actor": "a\x00b"},
        {"actor": "x" * 100_000},
        {"page": "\x00"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
    ],
)
def test_hostile_filters_get_a_message_and_keep_the_other_filters(
    staff_client, logged, bloc_year, params
):
    html = _page(staff_client, **{"bloc": bloc_year.bloc_id, **params})
    assert "<script>alert" not in html
    if set(params) - {"page"}:
        assert "Một số điều kiện lọc không hợp lệ" in html
    if "bloc" not in params:
        assert _entries(html) == 2  # the bloc filter still applies


def test_a_to_date_before_the_from_date_is_refused_and_from_still_applies(
    staff_client, province_staff
):
    _dated(province_staff, datetime.date(2024, 3, 30))
    _dated(province_staff, datetime.date(2024, 4, 2))
    html = _page(staff_client, date_from="01/04/2024", date_to="01/03/2024")
    assert "“Đến ngày” phải sau hoặc bằng “Từ ngày”." in html
    assert _entries(html) == 1


def test_the_filters_survive_pagination(staff_client, province_staff, bloc_year):
    for index in range(55):
        log_action("blocs.bloc_year.updated", bloc_year, actor=province_staff, data={"n": [index]})
    html = _page(staff_client, bloc=bloc_year.bloc_id, date_from="01/01/2000")
    assert f"bloc={bloc_year.bloc_id}" in html and "date_from=01%2F01%2F2000" in html
    assert _entries(html) == 50


def _diverse_entries(count, province_staff, bloc_year):
    """`count` entries over several kinds of target, with ids and choices to look up."""
    covenant, _ = Covenant.objects.get_or_create(bloc_year=bloc_year, defaults={"title": "G"})
    agency = AgencyFactory()
    proposal = AwardProposalFactory(bloc_year=bloc_year)
    targets = [covenant, agency, proposal, BlocYear.objects.get(pk=bloc_year.pk)]
    for index in range(count):
        log_action(
            "blocs.agency.updated",
            targets[index % len(targets)],
            actor=province_staff,
            data={"successor": [None, agency.pk], "kind": ["department", "board"]},
        )


@pytest.mark.parametrize(
    "params", [{}, {"bloc": "bloc"}, {"actor": "canbo", "date_from": "01/01/2000"}]
)
def test_a_page_of_50_entries_costs_what_a_page_of_4_does(
    staff_client, province_staff, bloc_year, params
):
    params = {key: bloc_year.bloc_id if value == "bloc" else value for key, value in params.items()}
    _diverse_entries(4, province_staff, bloc_year)
    staff_client.get(URL, params)  # warm the content-type cache
    few = capture_queries(staff_client.get, URL, params)
    _diverse_entries(60, province_staff, bloc_year)
    many = capture_queries(staff_client.get, URL, params)
    assert_same_queries(few, many, at_most=12, label="audit page")


def test_the_audit_page_is_refused_to_bloc_users(head_client, member_client):
    assert head_client.get(URL).status_code == 403
    assert member_client.get(URL).status_code == 403
