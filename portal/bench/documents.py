"""PDF timings: the project's render path against WeasyPrint alone on the same HTML.

The project path is what a view does (fetch the data, build the context, render the template,
WeasyPrint, our fetcher and fonts). The floor renders the HTML captured from that path once more
with WeasyPrint directly, with the same stylesheet, fonts and fetcher; the ratio shows the
overhead of our own code on top of what we cannot make faster. The two run alternately
(A B A B ...) and the ratio is the median of each pair's CPU-time ratio: this process's CPU time
barely moves when another process takes the other core, where wall time (also reported, as
`ratio_to_floor_wall`) moved the covenant's ratio by 39 % between a quiet and a loaded run.
"""

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

from weasyprint import HTML

from emulation import pdf
from portal.bench import report
from portal.bench.measure import Sample, sample
from portal.bench.report import Figure


@dataclass(frozen=True)
class RenderCall:
    """What the project path handed to the renderer: the HTML and how to lay it out."""

    html: str
    archival: bool = False
    css_variables: dict | None = None


def capture_call(render: Callable[[], bytes]) -> RenderCall:
    """Run `render` once and return the last call it made to the renderer."""
    captured = []
    original = pdf.html_to_pdf

    def recording(html, *args, archival=False, css_variables=None):
        captured.append(RenderCall(html, archival, css_variables))
        return original(html, *args, archival=archival, css_variables=css_variables)

    with mock.patch.object(pdf, "html_to_pdf", recording):
        render()
    if not captured:
        raise RuntimeError("the PDF was not rendered through emulation.pdf.html_to_pdf")
    return captured[-1]


def capture_html(render: Callable[[], bytes]) -> str:
    return capture_call(render).html


def floor(call: RenderCall) -> bytes:
    """WeasyPrint alone on the captured HTML with the same sheets, fonts, fetcher and variant."""
    stylesheets = [pdf._font_css()]
    if call.css_variables:
        stylesheets.append(pdf.css_variables_sheet(call.css_variables))
    document = HTML(string=call.html, base_url=pdf.BASE_URL, url_fetcher=pdf._FETCHER)
    return document.write_pdf(
        stylesheets=stylesheets,
        font_config=pdf._FONT_CONFIG,
        pdf_variant="pdf/a-2b" if call.archival else None,
    )


def timed(callable_: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        callable_()
        samples.append(time.perf_counter() - started)
    return samples


def _collected(callable_: Callable) -> Sample:
    # The garbage of one call (a rendered document is millions of objects) would otherwise be
    # collected inside the next one's timing: the floor paid for our path's and read as slower.
    gc.collect()
    return sample(callable_)


def interleaved(first: Callable, second: Callable, runs: int) -> list[tuple[Sample, Sample]]:
    """`runs` pairs, each `first` then `second` at once after it, each from a collected heap."""
    return [(_collected(first), _collected(second)) for _ in range(runs)]


def pdf_figures(extra, render: Callable[[], bytes], members: int, runs: int) -> list[Figure]:
    """The project path and the floor, interleaved: medians of each and of the pair ratios."""
    call = capture_call(render)  # also warms caches (fonts, templates)
    pairs = interleaved(render, lambda: floor(call), runs)
    ours = [ours for ours, _ in pairs]
    floors = [floor_ for _, floor_ in pairs]
    base = extra.name.rsplit(".", 1)[0]
    note = f"{members} members"
    ratio = report.median([a.cpu / b.cpu for a, b in pairs])
    wall_ratio = report.median([a.wall / b.wall for a, b in pairs])
    return [
        Figure(
            extra.name, round(report.median([s.wall for s in ours]), 3), "s", extra.budget, note
        ),
        Figure(f"{base}.cpu_s", round(report.median([s.cpu for s in ours]), 3), "s", note=note),
        Figure(
            f"{base}.weasyprint_floor_s",
            round(report.median([s.wall for s in floors]), 3),
            "s",
            note=note,
        ),
        Figure(
            f"{base}.ratio_to_floor", round(ratio, 2), "x", note=f"CPU, median of {runs} A/B pairs"
        ),
        Figure(
            f"{base}.ratio_to_floor_wall",
            round(wall_ratio, 2),
            "x",
            note=f"wall clock, median of {runs} A/B pairs",
        ),
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
