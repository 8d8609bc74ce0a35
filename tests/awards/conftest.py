"""Fixtures shared by the award tests (helpers live in tests/awards/voting_fixtures.py)."""

import pytest

from awards.services import voting
from tests.awards.voting_fixtures import counted, make_session, members


@pytest.fixture
def finalized(bloc_year, bloc_head):
    """The cast's conference: Sở Y tế leads (CO_TINH), two units voted TTLDXS."""
    session = make_session(bloc_year, bloc_head)
    agencies = {a.name: a for a in members(bloc_year)}
    head = agencies["Sở Y tế"]
    education = agencies["Sở Giáo dục và Đào tạo"]
    culture = agencies["Sở Văn hóa, Thể thao và Du lịch"]
    counted(session, "CO_TINH", {head: 5, education: 0}, actor=bloc_head)
    counted(session, "TTLDXS", {education: 5, culture: 4, head: 1}, seats=2, actor=bloc_head)
    return voting.finalize_session(session, actor=bloc_head)
