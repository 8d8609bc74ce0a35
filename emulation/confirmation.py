"""The one confirmation page shown before an irreversible step (locking, numbering, issuing).

A view builds a `Confirmation` on GET and renders it; the page's button posts to the step's own
URL, so the step itself stays one POST view that checks the state again under a row lock.
"""

from dataclasses import dataclass, field

from django.shortcuts import render


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
