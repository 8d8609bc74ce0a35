"""The one confirmation page shown before an irreversible step (locking, numbering, issuing).

A view builds a `Confirmation` on GET and renders it; the page's button posts to the step's own
URL, so the step itself stays one POST view that checks the state again under a row lock. The
page carries a one-time token and the step runs inside `confirmed(request, purpose=…)`, which
spends it in the step's transaction: the same page sent twice takes no second number.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.shortcuts import render

from emulation.form_tokens import consume_token, posted_token


@dataclass(frozen=True)
class Confirmation:
    """What the page says: the step, what it locks or numbers, what cannot be undone, who can
    reopen it; a draft preview when there is a document; the POST target and its fields."""

    section_base: str
    title: str
    action_url: str
    button_label: str
    cancel_url: str
    locks: list[str] = field(default_factory=list)
    irreversible: str = ""
    reopen: str = ""
    preview_url: str = ""
    preview_label: str = ""
    items: list[str] = field(default_factory=list)
    hidden: list[tuple[str, str]] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    subtitle: str = ""
    long_running: bool = False


def render_confirmation(request, confirmation: Confirmation):
    return render(request, "emulation/confirm.html", {"confirm": confirmation})


@contextmanager
def confirmed(request, *, purpose: str):
    """The confirmed step's transaction with the page's token spent in it; a refused step
    (a `ValidationError` raised inside) rolls the token back too, so the page can be sent again."""
    with transaction.atomic():
        consume_token(posted_token(request), purpose=purpose)
        yield
