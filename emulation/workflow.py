"""The one state-machine helper: every workflow (covenant, registration, poll, session, proposal,
agency status, award record) declares a `Workflow` table on its model and moves only through
`transition()` (one object) or `bulk_transition()` (many, in one UPDATE), which refuse any move
the table does not allow and write the audit entry.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from emulation.audit import diff, log_action, snapshot


@dataclass(frozen=True)
class Workflow:
    """A model's states (`field`'s choices) and the moves allowed between them.

    `refusal` is the Vietnamese sentence for a forbidden move; it may use %(old)s, %(new)s (the
    states' labels) and %(object)s.
    """

    field: str
    moves: Mapping[str, frozenset[str]]
    refusal: str

    def allows(self, old: str, new: str) -> bool:
        return new in self.moves.get(old, frozenset())

    def states(self, model: type[models.Model]) -> list[str]:
        return [value for value, _label in model._meta.get_field(self.field).choices]

    def refuse(self, obj: models.Model, new: str) -> ValidationError:
        field = obj._meta.get_field(self.field)
        labels = dict(field.choices)
        return ValidationError(
            self.refusal
            % {
                "old": labels.get(getattr(obj, self.field), getattr(obj, self.field)),
                "new": labels.get(new, new),
                "object": obj,
            }
        )


def moves(table: Mapping[str, set[str] | frozenset[str]]) -> dict[str, frozenset[str]]:
    """A transitions table from {state: {next states}}, every state listed (terminal: empty)."""
    return {str(state): frozenset(str(n) for n in nexts) for state, nexts in table.items()}


def send_and_review(draft, sent, returned, accepted) -> dict[str, frozenset[str]]:
    """The table of a paper a member sends and a reviewer judges (a registration, a score
    sheet): a draft is sent; the reviewer accepts it or returns it; a returned one is sent
    again; an accepted one is final."""
    return moves({draft: {sent}, sent: {accepted, returned}, returned: {sent}, accepted: set()})


class WorkflowModel(models.Model):
    """A model with a `WORKFLOW`; pages ask `can_move_to` to offer only allowed actions."""

    WORKFLOW: Workflow

    class Meta:
        abstract = True

    def can_move_to(self, state) -> bool:
        return self.WORKFLOW.allows(getattr(self, self.WORKFLOW.field), state)


def check_move(obj: WorkflowModel, new) -> None:
    """Raise the workflow's refusal unless `obj` may move from its state to `new`."""
    workflow = obj.WORKFLOW
    if not workflow.allows(getattr(obj, workflow.field), new):
        raise workflow.refuse(obj, new)


def transition(
    obj: WorkflowModel,
    new,
    *,
    actor,
    action: str | None,
    changes: dict | None = None,
    tracked: list[str] | None = None,
    data: dict | None = None,
    locked: bool = False,
):
    """Move `obj` to `new`: lock its row (unless the caller holds the lock), check the table
    against the state in the database, set `changes` with it, save, and audit `action` with
    {field: [old, new]} (or the diff of `tracked` fields) plus `data`. `action=None` when the
    caller writes one entry for a larger step itself.
    """
    workflow = obj.WORKFLOW
    if not locked:
        current = (
            type(obj)
            .objects.select_for_update()
            .values_list(workflow.field, flat=True)
            .get(pk=obj.pk)
        )
        setattr(obj, workflow.field, current)
    check_move(obj, new)
    watched = tracked or [workflow.field]
    before = snapshot(obj, watched)
    setattr(obj, workflow.field, new)
    for name, value in (changes or {}).items():
        setattr(obj, name, value)
    obj.save()
    if action:
        log_action(
            action, obj, actor=actor, data={**diff(before, snapshot(obj, watched)), **(data or {})}
        )
    return obj


def bulk_transition(queryset, old, new, **changes) -> int:
    """Move every row of `queryset` in state `old` to `new` in one UPDATE (the caller audits the
    step that moved them); refuses a move the table does not allow."""
    model = queryset.model
    workflow: Workflow = model.WORKFLOW
    if not workflow.allows(str(old), str(new)):
        raise ValueError(f"{model.__name__}: {old} → {new} is not in its workflow")
    return queryset.filter(**{workflow.field: old}).update(**{workflow.field: new}, **changes)
