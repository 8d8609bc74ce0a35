"""The extension points and the one audited update path."""

import pytest
from django.core.exceptions import ValidationError

from blocs import hooks
from blocs.overview import OVERVIEW_COLUMNS
from blocs.panels import AGENCY_PANELS, BLOC_YEAR_PANELS, PROVINCE_PAGE_LINKS, PROVINCE_ROW_LINKS
from emulation.audit import apply_changes
from emulation.hooks import Hook
from emulation.models import AuditEntry
from tests.factories import AgencyFactory, BlocYearFactory, UserFactory


def first(*args):
    return "first"


def second(*args):
    return "second"


def test_a_hook_calls_by_order_and_a_second_registration_replaces_the_first():
    hook = Hook("test")
    hook.register(second, order=20)
    hook.register(first, order=10)
    hook.register(second, order=5)
    assert [function() for function in hook] == ["second", "first"]
    assert len(hook) == 2


def test_only_replaces_the_functions_for_a_test_and_restores_them():
    hook = Hook("test")
    hook.register(first, order=10)
    with hook.only(second, second):
        assert [function() for function in hook] == ["second", "second"]
    assert hook.functions() == [first]


def test_the_apps_register_their_panels_columns_and_membership_rules():
    panels = [f"{f.__module__}.{f.__name__}" for f in BLOC_YEAR_PANELS]
    assert panels == [
        "blocs.views.calendar.calendar_panel",
        "blocs.views.covenants.covenant_panel",
        "awards.views.scoring.scoring_panel",
        "awards.views.voting.conference_panel",
        "awards.views.proposals.bloc_year_panel",
        "blocs.views.accounts.readers_panel",
        "blocs.views.documents.documents_panel",
    ]
    assert [f.__name__ for f in AGENCY_PANELS] == ["agency_panel"]
    assert [f.__name__ for f in PROVINCE_ROW_LINKS] == ["province_row_links"]
    assert [f.__name__ for f in PROVINCE_PAGE_LINKS] == ["province_page_links"]
    assert [f"{f.__module__}.{f.__name__}" for f in OVERVIEW_COLUMNS] == [
        "blocs.views.structure.flags_column",
        "blocs.views.covenants.covenant_column",
        "blocs.views.covenants.registration_column",
        "awards.views.scoring.scoring_column",
        "awards.views.voting.conference_column",
        "awards.views.proposals.overview_column",
    ]
    assert len(hooks.MEMBER_ADD_REFUSALS) == 1
    assert len(hooks.MEMBER_ADDED) == 1
    assert len(hooks.MEMBER_REMOVAL_REFUSALS) == 2
    assert len(hooks.MEMBER_REMOVED) == 1


def test_first_refusal_names_the_agency_and_year(db):
    bloc_year = BlocYearFactory(year=2025)
    agency = AgencyFactory(name="Sở 100%")

    def refuse(bloc_year, agency):
        return "%(agency)s không rút được năm %(year)s."

    with hooks.MEMBER_REMOVAL_REFUSALS.only(lambda *args: None, refuse):
        refusal = hooks.first_refusal(hooks.MEMBER_REMOVAL_REFUSALS, bloc_year, agency)
    assert refusal == "Sở 100% không rút được năm 2025."


def test_apply_changes_saves_and_audits_only_what_changed(db):
    agency = AgencyFactory(short_name="SYT", notes="")
    actor = UserFactory()
    changed = apply_changes(
        agency,
        {"short_name": "SYT", "notes": "Ghi chú"},
        actor=actor,
        action="tests.agency.updated",
        clean_exclude=["successor"],
    )
    assert changed == {"notes": ["", "Ghi chú"]}
    agency.refresh_from_db()
    assert agency.notes == "Ghi chú"
    entry = AuditEntry.objects.get(action="tests.agency.updated")
    assert entry.data == {"notes": ["", "Ghi chú"]}


def test_apply_changes_without_a_change_writes_nothing(db):
    agency = AgencyFactory(short_name="SYT")
    assert apply_changes(agency, {"short_name": "SYT"}, actor=None, action="tests.none") == {}
    assert not AuditEntry.objects.filter(action="tests.none").exists()


def test_apply_changes_validates_before_saving(db):
    agency = AgencyFactory(short_name="SYT")
    with pytest.raises(ValidationError):
        apply_changes(
            agency, {"short_name": "x" * 500}, actor=None, action="tests.bad", clean_exclude=[]
        )
    agency.refresh_from_db()
    assert agency.short_name == "SYT"
    assert not AuditEntry.objects.filter(action="tests.bad").exists()
