"""Extension points for detail pages: panels and links other features add to pages of blocs.

`BLOC_YEAR_PANELS` takes `panel(request, bloc_year, role) -> Panel | None`; `AGENCY_PANELS` takes
`panel(request, agency) -> Panel | None` (a provider returns None when it has nothing to show for
that user). On the province page, `PROVINCE_ROW_LINKS` takes `links(former_province,
holds_agencies) -> list[Link]` for each row (former_province None: the portal's own data) and
`PROVINCE_PAGE_LINKS` takes `links() -> list[Link]` for the page. Apps register them in
`AppConfig.ready()` (blocs its covenant and documents; awards its conference, proposals, ledger
and bundle); they render by their registered order.
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


@dataclass(frozen=True)
class Link:
    """An action another feature offers on a page of blocs: a label, where it goes, how it looks
    (a Bootstrap button class, or "" for a plain link) and a test id."""

    label: str
    url: str
    css: str = ""
    testid: str = ""


BLOC_YEAR_PANELS: Hook[Callable[..., Panel | None]] = Hook("blocs.bloc_year_panels")
AGENCY_PANELS: Hook[Callable[..., Panel | None]] = Hook("blocs.agency_panels")
PROVINCE_ROW_LINKS: Hook[Callable[..., list[Link]]] = Hook("blocs.province_row_links")
PROVINCE_PAGE_LINKS: Hook[Callable[[], list[Link]]] = Hook("blocs.province_page_links")


def links_of(hook: Hook, *args) -> list[Link]:
    """Every link the providers registered in `hook` offer, in their order."""
    return [link for provider in hook for link in provider(*args)]


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
