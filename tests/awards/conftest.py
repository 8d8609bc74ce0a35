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


@pytest.fixture
def planned(bloc_year, province_staff, bloc_head):
    """The cast's 2024 scoring: the province's table adopted, everyone cross-scores everyone."""
    from awards.services import scoring as services
    from tests.awards.test_scoring_services import ROWS

    services.save_province_criteria(
        year=2024,
        bloc_kind="khoi",
        title="Bảng tiêu chí Khối 2024",
        rows=ROWS,
        bonus_cap=3,
        actor=province_staff,
    )
    services.adopt_criteria(bloc_year, actor=bloc_head)
    services.set_scoring_plan(bloc_year, method="everyone", tolerance=1, actor=bloc_head)
    return bloc_year
