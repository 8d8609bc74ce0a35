"""Extension points for detail pages: panels other features add to the bloc-year and agency pages.

`BLOC_YEAR_PANELS` takes `panel(request, bloc_year, role) -> Panel | None`; `AGENCY_PANELS` takes
`panel(request, agency) -> Panel | None`. Apps register them in `AppConfig.ready()` (blocs its
covenant and documents, awards its conference, proposals and ledger). A provider returns None when
it has nothing to show for that user. Panels render by their registered order.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from emulation.hooks import Hook


@dataclass
class Panel:
    """A template and its context, rendered inside the host page with the request."""

    template: str
    context: dict = field(default_factory=dict)

    def render(self, request) -> str:
        return render_to_string(self.template, self.context, request=request)


BLOC_YEAR_PANELS: Hook[Callable[..., Panel | None]] = Hook("blocs.bloc_year_panels")
AGENCY_PANELS: Hook[Callable[..., Panel | None]] = Hook("blocs.agency_panels")


def _resolve(hook: Hook, *args) -> list[Panel]:
    panels = []
    for provider in hook:
        panel = provider(*args)
        if panel is not None:
            panels.append(panel)
    return panels


def bloc_year_panels(request, bloc_year, role) -> list[Panel]:
    """Every registered bloc-year panel that has something to show for this user."""
    return _resolve(BLOC_YEAR_PANELS, request, bloc_year, role)


def agency_panels(request, agency) -> list[Panel]:
    """Every registered agency panel that has something to show for this user."""
    return _resolve(AGENCY_PANELS, request, agency)


def render_panels(request, panels: list[Panel]) -> list[str]:
    """Each panel's HTML, for the host template to output in order."""
    return [panel.render(request) for panel in panels]
