"""'Việc cần làm' providers: what each role sees; query counts that do not grow with blocs."""

import datetime

import pytest
from django.utils import timezone

from awards.models import AwardProposal
from awards.todos import head_returned_proposals, staff_reviews
from blocs.models import Covenant, Registration
from blocs.todos import member_registrations, member_signatures, runner_reviews
from emulation.todos import Todo, todos_for
from tests.factories import (
    AgencyFactory,
    AwardProposalFactory,
    BlocYearFactory,
    MembershipFactory,
    UserFactory,
)
from tests.queries import assert_max_queries

pytestmark = pytest.mark.django_db


def _registration(bloc_year, agency, status, **fields):
    return Registration.objects.create(bloc_year=bloc_year, agency=agency, status=status, **fields)


def test_a_returned_registration_says_why_and_links_to_its_form(bloc_year, member):
    registration = _registration(
        bloc_year, member.agency, Registration.Status.RETURNED, return_reason="bổ sung chỉ tiêu"
    )
    [todo] = member_registrations(member)
    assert "bị trả lại: bổ sung chỉ tiêu" in todo.text
    assert todo.url.endswith(f"/registrations/{registration.pk}/edit/")


def test_a_draft_before_its_deadline_carries_the_deadline(bloc_year, member):
    due = timezone.localdate() + datetime.timedelta(days=5)
    Covenant.objects.create(bloc_year=bloc_year, title="GU", registration_deadline=due)
    _registration(bloc_year, member.agency, Registration.Status.DRAFT)
    [todo] = member_registrations(member)
    assert todo.due_on == due and not todo.overdue and todo.days_left == 5
    assert due.strftime("%d/%m") in todo.text


def test_submitted_registrations_are_not_the_member_s_to_do(bloc_year, member):
    _registration(bloc_year, member.agency, Registration.Status.SUBMITTED)
    assert member_registrations(member) == []


def test_an_open_covenant_not_signed_by_my_agency(bloc_year, member, bloc_head):
    bloc_year.year = timezone.localdate().year
    bloc_year.save()
    Covenant.objects.create(bloc_year=bloc_year, title="GU", status=Covenant.Status.OPEN)
    [todo] = member_signatures(member)
    assert "Ký giao ước" in todo.text
    texts = [todo.text for todo in runner_reviews(bloc_head)]
    assert any("5/5 đơn vị chưa ký giao ước" in text for text in texts)


def test_the_head_sees_registrations_waiting_for_acceptance(bloc_year, bloc_head, member):
    bloc_year.year = timezone.localdate().year
    bloc_year.save()
    _registration(
        bloc_year, member.agency, Registration.Status.SUBMITTED, submitted_at=timezone.now()
    )
    [todo] = runner_reviews(bloc_head)
    assert todo.text.startswith("1 bản đăng ký thi đua")
    assert runner_reviews(member) == []


def test_staff_see_dossiers_waiting_for_review(bloc_year, province_staff, bloc_head):
    AwardProposalFactory(bloc_year=bloc_year, state=AwardProposal.State.SUBMITTED)
    [todo] = staff_reviews(province_staff)
    assert todo.text == "1 hồ sơ chờ thẩm định"
    assert staff_reviews(bloc_head) == []


def test_the_head_sees_proposals_returned_to_the_bloc(bloc_year, bloc_head, member):
    AwardProposalFactory(bloc_year=bloc_year, state=AwardProposal.State.RETURNED)
    [todo] = head_returned_proposals(bloc_head)
    assert "bị trả lại để bổ sung" in todo.text
    assert head_returned_proposals(member) == []


def test_todos_are_newest_first():
    old = Todo("cũ", "/a", datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    new = Todo("mới", "/b", datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC))
    from emulation.todos import TODO_PROVIDERS

    with TODO_PROVIDERS.only(lambda user: [old, new]):
        assert [todo.text for todo in todos_for(UserFactory())] == ["mới", "cũ"]


@pytest.mark.parametrize("blocs", [2, 10])
def test_providers_query_a_fixed_number_of_times(blocs):
    agency = AgencyFactory()
    year = timezone.localdate().year
    for index in range(blocs):
        bloc_year = BlocYearFactory(year=year - index, head=agency)
        MembershipFactory(bloc_year=bloc_year, agency=agency)
        Covenant.objects.create(bloc_year=bloc_year, title="GU", status=Covenant.Status.OPEN)
        _registration(bloc_year, agency, Registration.Status.RETURNED, return_reason="x")
        AwardProposalFactory(bloc_year=bloc_year, agency=agency, state=AwardProposal.State.RETURNED)
    user = UserFactory(agency=agency)
    # Seven providers: registrations, signatures, runner reviews, staff reviews, returned
    # proposals, score sheets to send (and their deadlines), sheets to review.
    with assert_max_queries(8):
        todos = todos_for(user)
    assert len(todos) >= blocs * 2
