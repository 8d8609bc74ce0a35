"""Permission rows for the chart images: statistics for province staff, a poll's bars for
whoever reads the bloc-year (once the poll is counted)."""

from django.urls import reverse

from tests.matrix_rows._helpers import bloc_year_readers, staff_only


def _statistics_chart_url(by):
    from tests.factories import AwardRecordFactory

    AwardRecordFactory(year=2024)
    return reverse("awards:award_statistics_chart", args=["types"])


def _counted_poll_url(by):
    from awards.models import VotingSession
    from tests.awards.voting_fixtures import counted, make_session, members

    session = VotingSession.objects.filter(bloc_year=by).first() or make_session(by)
    first, second = members(by)[:2]
    poll = counted(session, "CO_TINH", {first: 4, second: 1})
    return reverse("awards:poll_result_chart", args=[by.pk, poll.pk])


ROWS = [
    ("award_statistics_chart", _statistics_chart_url, staff_only()),
    ("poll_result_chart", _counted_poll_url, bloc_year_readers()),
]
