"""Every workflow's table, move by move: what it allows passes, everything else is refused, and
`transition` checks the state in the database, not the one a stale object holds."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from emulation.models import AuditEntry
from emulation.workflow import WorkflowModel, bulk_transition, check_move, transition
from tests.factories import AgencyFactory, AwardProposalFactory, UserFactory

WORKFLOWS = {
    "blocs.Agency",
    "blocs.Covenant",
    "blocs.Registration",
    "awards.AwardProposal",
    "awards.AwardRecord",
    "awards.Poll",
    "awards.ScoreSheet",
    "awards.VotingSession",
}


def workflow_models():
    return sorted(
        (model for model in apps.get_models() if issubclass(model, WorkflowModel)),
        key=lambda model: model._meta.label,
    )


def every_move():
    for model in workflow_models():
        states = model.WORKFLOW.states(model)
        for old in states:
            for new in states:
                yield pytest.param(model, old, new, id=f"{model._meta.label}:{old}->{new}")


def test_each_workflow_of_the_portal_has_a_table():
    assert {model._meta.label for model in workflow_models()} == WORKFLOWS


@pytest.mark.parametrize("model", workflow_models(), ids=lambda model: model._meta.label)
def test_the_table_names_every_state_and_only_states(model):
    workflow = model.WORKFLOW
    states = set(workflow.states(model))
    assert set(workflow.moves) == states
    for old, targets in workflow.moves.items():
        assert targets <= states, old
        assert old not in targets, f"{old} → itself is not a move"


@pytest.mark.parametrize(("model", "old", "new"), list(every_move()))
def test_every_move_is_allowed_or_refused_by_the_table(model, old, new, monkeypatch):
    # An unsaved object has no related rows for its usual name in the refusal.
    monkeypatch.setattr(model, "__str__", lambda self: "đối tượng thử")
    obj = model(**{model.WORKFLOW.field: old})
    if new in model.WORKFLOW.moves[old]:
        check_move(obj, new)
        assert obj.can_move_to(new)
    else:
        assert not obj.can_move_to(new)
        with pytest.raises(ValidationError) as refused:
            check_move(obj, new)
        assert refused.value.messages == model.WORKFLOW.refuse(obj, new).messages
        assert refused.value.messages[0].strip()


@pytest.mark.parametrize(("model", "old", "new"), list(every_move()))
def test_a_bulk_move_outside_the_table_is_refused(model, old, new):
    queryset = model.objects.none()
    if new in model.WORKFLOW.moves[old]:
        assert bulk_transition(queryset, old, new) == 0
    else:
        with pytest.raises(ValueError):
            bulk_transition(queryset, old, new)


def _first_move(model):
    for old, targets in model.WORKFLOW.moves.items():
        for new in sorted(targets):
            return old, new
    raise AssertionError(f"{model} has no move")


def test_transition_saves_and_audits_the_move(db):
    proposal = AwardProposalFactory()
    old, new = proposal.state, sorted(proposal.WORKFLOW.moves[proposal.state])[0]
    actor = UserFactory()
    transition(proposal, new, actor=actor, action="tests.proposal.moved", data={"why": ["test"]})
    proposal.refresh_from_db()
    assert proposal.state == new
    entry = AuditEntry.objects.get(action="tests.proposal.moved")
    assert entry.data == {"state": [old, new], "why": ["test"]}
    assert entry.actor == actor


def test_transition_checks_the_state_in_the_database_not_a_stale_copy(db):
    agency = AgencyFactory()
    field = agency.WORKFLOW.field
    old, new = _first_move(type(agency))
    type(agency).objects.filter(pk=agency.pk).update(**{field: old})
    stale = type(agency).objects.get(pk=agency.pk)
    transition(agency, new, actor=None, action=None)
    with pytest.raises(ValidationError):
        # The stale copy still says `old`; the database says `new`, from which `new` is no move.
        transition(stale, new, actor=None, action=None)
    assert getattr(stale, field) == new
