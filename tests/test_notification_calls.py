"""The services that cause a notification send it on commit to the right agency's accounts."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from awards.services import proposals as proposal_services
from blocs.models import AwardType, Registration
from blocs.services import covenants, structure
from emulation.models import Notification
from tests.awards.test_proposals_states import decide, in_state
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def texts_of(user):
    return list(Notification.objects.filter(recipient=user).values_list("text", flat=True))


def _submitted(bloc_year, member):
    registration = covenants.save_registration(
        bloc_year,
        member.agency,
        titles=list(AwardType.objects.filter(code="CO_TINH")),
        targets=[{"indicator": "Doanh thu", "value": "1.200", "unit": "tỷ đồng"}],
        actor=member,
    )
    return covenants.submit_registration(registration, actor=member)


def test_submitting_tells_the_head_and_returning_tells_the_member(
    bloc_year, member, bloc_head, committed
):
    member.email = "thanhvien@example.vn"
    member.save()
    with committed():
        registration = _submitted(bloc_year, member)
    assert texts_of(bloc_head) == [
        f"Sở Văn hóa, Thể thao và Du lịch đã gửi đăng ký thi đua 2024 của {bloc_year.bloc}."
    ]
    with committed():
        covenants.return_registration(registration, reason="Bổ sung chỉ tiêu", actor=bloc_head)
    (note,) = Notification.objects.filter(recipient=member)
    assert "bị trả lại: Bổ sung chỉ tiêu" in note.text
    assert note.url == f"/blocs/bloc-years/{bloc_year.pk}/registrations/{registration.pk}/"
    assert [sent.to for sent in mail.outbox] == [["thanhvien@example.vn"]]


def test_accepting_tells_the_member(bloc_year, member, bloc_head, committed):
    registration = _submitted(bloc_year, member)
    with committed():
        covenants.accept_registration(registration, actor=bloc_head)
    assert Registration.objects.get().status == "accepted"
    assert any("đã được chấp thuận" in text for text in texts_of(member))


def test_a_new_head_is_told_and_a_kept_deputy_is_not(
    bloc_year, member, bloc_head, deputy, committed
):
    with committed():
        structure.assign_leaders(bloc_year, head=member.agency, deputy=bloc_year.deputy, actor=None)
    assert texts_of(member) == [
        f"Đơn vị Sở Văn hóa, Thể thao và Du lịch là Trưởng khối {bloc_year.bloc} năm 2024."
    ]
    assert texts_of(deputy) == [] and texts_of(bloc_head) == []


def test_a_refused_change_tells_nobody(bloc_year, member, committed):
    with committed(), pytest.raises(ValidationError, match="hai đơn vị khác nhau"):
        structure.assign_leaders(bloc_year, head=member.agency, deputy=member.agency, actor=None)
    assert not Notification.objects.exists()


def test_a_returned_proposal_tells_the_head_and_the_agency(
    bloc_year, bloc_head, province_staff, committed
):
    proposal = in_state(bloc_year, "under_review")
    officer = UserFactory(agency=proposal.agency)
    with committed():
        proposal_services.return_proposal(proposal, reason="Thiếu chữ ký", actor=province_staff)
    for user in (bloc_head, officer):
        (text,) = texts_of(user)
        assert text.endswith("bị trả lại: Thiếu chữ ký")
    assert Notification.objects.first().url.endswith(f"/proposals/{proposal.pk}/")


def test_a_decision_tells_the_head_and_the_agency(bloc_year, bloc_head, province_staff, committed):
    proposal = in_state(bloc_year, "council_approved")
    with committed():
        decide([proposal], province_staff, number="15/QĐ-UBND")
    (text,) = texts_of(bloc_head)
    assert text.endswith("đã có quyết định khen thưởng số 15/QĐ-UBND.")
    assert Notification.objects.filter(recipient__agency=proposal.agency).count() == 0
