"""Score sheets in 'Việc cần làm': a member's sheets still to send (with the scoring deadline,
and a word when the head returned one), a head's sent sheets to review; none once the
conference is finalized."""

import datetime

from django.db.models import F

from awards.models import ScoreSheet, VotingSession
from awards.services import scoring as services
from awards.todos import head_score_reviews, member_score_sheets
from blocs.models import Deadline
from tests.awards.test_scoring_services import _evidence
from tests.awards.test_scoring_views import FULL, _entries
from tests.queries import assert_max_queries


def test_a_member_sees_its_unsent_sheets_with_the_deadline(planned, member, bloc_head):
    deadline = Deadline.objects.create(
        year=2024, kind=Deadline.Kind.SCORING, due_on=datetime.date(2024, 12, 10)
    )
    with assert_max_queries(2):
        (todo,) = member_score_sheets(member)
    # Its own sheet and the four members it cross-scores (everyone scores everyone).
    assert todo.text == "5 phiếu chấm điểm 2024 chưa gửi (Khối thi đua Văn hóa - Xã hội), hạn 10/12"
    assert todo.due_on == datetime.date(2024, 12, 10)
    assert todo.url == f"/awards/bloc-years/{planned.pk}/scoring/"
    deadline.delete()  # the test runs after 2024: the sheet could not be sent otherwise
    own = ScoreSheet.objects.get(bloc_year=planned, agency=member.agency, scorer=member.agency)
    services.save_sheet(own, _entries(own, FULL), actor=member)
    _evidence(own)
    services.submit_sheet(own, actor=member)
    assert head_score_reviews(bloc_head)[0].text.startswith("1 phiếu tự chấm 2024 chờ khối trưởng")
    services.return_sheet(own, reason="Thiếu số liệu", actor=bloc_head)
    (todo,) = member_score_sheets(member)
    assert "có phiếu bị trả lại" in todo.text and todo.text.startswith("5 phiếu")
    assert head_score_reviews(bloc_head) == []


def test_nothing_is_due_once_the_conference_is_finalized(planned, member, bloc_head):
    ScoreSheet.objects.filter(bloc_year=planned, agency_id=F("scorer_id")).update(
        status=ScoreSheet.Status.SUBMITTED
    )
    assert member_score_sheets(member) and head_score_reviews(bloc_head)
    VotingSession.objects.create(
        bloc_year=planned,
        held_at="2024-12-20T08:00+07:00",
        place="Hội trường",
        state=VotingSession.State.FINALIZED,
    )
    assert member_score_sheets(member) == [] and head_score_reviews(bloc_head) == []
