"""Extension points for detail pages: panels other features add to the bloc-year and agency pages.

`BLOC_YEAR_PANELS` holds dotted paths to `panel(request, bloc_year, role) -> Panel | None`;
`AGENCY_PANELS` holds dotted paths to `panel(request, agency) -> Panel | None`. A provider returns
None when it has nothing to show for that user. Panels render in list order.
"""

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.module_loading import import_string

# Features append one dotted path each, e.g. "blocs.covenant.panels.covenant_panel".
BLOC_YEAR_PANELS: list[str] = [
    "blocs.views.covenants.covenant_panel",
    "awards.views.voting.conference_panel",
    "awards.views.proposals.bloc_year_panel",
    "emulation.views.documents_panel",
]
AGENCY_PANELS: list[str] = [
    "awards.views.ledger.agency_panel",
]


@dataclass
class Panel:
    """A template and its context, rendered inside the host page with the request."""

    template: str
    context: dict = field(default_factory=dict)

    def render(self, request) -> str:
        return render_to_string(self.template, self.context, request=request)


def _resolve(paths: list[str], *args) -> list[Panel]:
    panels = []
    for path in paths:
        panel = import_string(path)(*args)
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
