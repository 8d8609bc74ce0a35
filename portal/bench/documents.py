"""PDF timings: the project's render path against WeasyPrint alone on the same HTML.

The project path is what a view does (fetch the data, build the context, render the template,
WeasyPrint, our fetcher and fonts). The floor renders the HTML captured from that path once more
with WeasyPrint directly, with the same stylesheet, fonts and fetcher; the ratio shows the
overhead of our own code on top of what we cannot make faster.
"""

import time
from collections.abc import Callable
from unittest import mock

from weasyprint import HTML

from emulation import pdf
from portal.bench import report
from portal.bench.report import Figure


def capture_html(render: Callable[[], bytes]) -> str:
    """Run `render` once and return the HTML it handed to the renderer."""
    captured = []
    original = pdf.html_to_pdf

    def recording(html, *args, **kwargs):
        captured.append(html)
        return original(html, *args, **kwargs)

    with mock.patch.object(pdf, "html_to_pdf", recording):
        render()
    if not captured:
        raise RuntimeError("the PDF was not rendered through emulation.pdf.html_to_pdf")
    return captured[-1]


def floor(html: str) -> bytes:
    document = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf._FETCHER)
    return document.write_pdf(stylesheets=[pdf._font_css()], font_config=pdf._FONT_CONFIG)


def timed(callable_: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        callable_()
        samples.append(time.perf_counter() - started)
    return samples


def pdf_figures(extra, render: Callable[[], bytes], members: int, runs: int) -> list[Figure]:
    """Median of the project path, median of the floor and their ratio for one document."""
    html = capture_html(render)  # also warms caches (fonts, templates)
    project = report.median(timed(render, runs))
    direct = report.median(timed(lambda: floor(html), runs))
    base = extra.name.rsplit(".", 1)[0]
    note = f"{members} members"
    return [
        Figure(extra.name, round(project, 3), "s", extra.budget, note=note),
        Figure(f"{base}.weasyprint_floor_s", round(direct, 3), "s", note=note),
        Figure(f"{base}.ratio_to_floor", round(project / direct, 2), "x"),
    ]


def focus_members(province) -> int:
    from blocs.models import Membership

    return Membership.objects.filter(bloc_year_id=province.bloc_year_id).count()


def measure_covenant(province, extra, options) -> list[Figure]:
    from blocs.models import Covenant
    from blocs.pdf import covenant_pdf

    def render() -> bytes:
        covenant = Covenant.objects.for_page().get(pk=province.ids["covenant"])
        return covenant_pdf(covenant)[2]

    return pdf_figures(extra, render, focus_members(province), options.pdf_runs)


def measure_ballot_papers(province, extra, options) -> list[Figure]:
    from awards.models import Poll
    from awards.pdf import ballot_papers_pdf

    poll = Poll.objects.get(pk=province.ids["poll"])
    return pdf_figures(
        extra, lambda: ballot_papers_pdf(poll)[2], focus_members(province), options.pdf_runs
    )


def measure_count_minutes(province, extra, options) -> list[Figure]:
    from awards.models import VotingSession
    from awards.pdf import count_minutes_pdf

    session = VotingSession.objects.get(pk=province.ids["session"])
    return pdf_figures(
        extra, lambda: count_minutes_pdf(session)[2], focus_members(province), options.pdf_runs
    )


def measure_conference_minutes(province, extra, options) -> list[Figure]:
    from awards.models import VotingSession
    from awards.pdf import conference_minutes_pdf

    session = VotingSession.objects.get(pk=province.ids["session"])
    return pdf_figures(
        extra, lambda: conference_minutes_pdf(session)[2], focus_members(province), options.pdf_runs
    )


def measure_request_letter(province, extra, options) -> list[Figure]:
    """The tờ trình as `generate_request_letter` renders it (without issuing and storing it)."""
    from awards.pdf import render_request_letter
    from blocs.models import BlocYear

    def render() -> bytes:
        bloc_year = BlocYear.objects.with_people().get(pk=province.bloc_year_id)
        proposals = list(
            bloc_year.proposals.with_related().order_by(
                "award_type__order", "agency__sort_name", "person_name"
            )
        )
        return render_request_letter(bloc_year, proposals)

    return pdf_figures(extra, render, focus_members(province), options.pdf_runs)
