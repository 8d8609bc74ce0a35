"""The copies an office files besides the PDF: each Word copy, what PDF/A-2b adds to a render,
and the dossier bundles of a bloc's proposals (issue 12's budgets).

The PDF/A cost is measured pair by pair: one document's HTML, captured once, rendered plain and
archival in alternation, so both halves of a pair see the same machine load.
"""

import tempfile

from django.db import transaction
from django.test import override_settings

from emulation import pdf
from portal.bench import report
from portal.bench.documents import capture_html, focus_members, interleaved, timed
from portal.bench.report import Figure

BUNDLE_PROPOSALS = 5


def _kinds(province) -> dict:
    """kind → (render the PDF, render the Word copy), each returning bytes."""
    from awards.achievement_report import achievement_report
    from awards.models import AwardProposal, VotingSession
    from awards.pdf import conference_minutes_pdf, count_minutes_pdf, render_request_letter
    from blocs.models import BlocYear, Covenant
    from blocs.pdf import signed_covenant_renderer
    from emulation.docx import render_docx

    def covenant(renderer):
        item = Covenant.objects.for_page().get(pk=province.ids["covenant"])
        return signed_covenant_renderer(item, renderer=renderer)(None)

    def session():
        return VotingSession.objects.get(pk=province.ids["session"])

    def letter(renderer):
        bloc_year = BlocYear.objects.with_people().get(pk=province.bloc_year_id)
        proposals = list(bloc_year.proposals.with_related())
        return render_request_letter(bloc_year, proposals, renderer=renderer)

    def report_of(word):
        proposal = AwardProposal.objects.with_related().get(pk=province.ids["proposal"])
        return achievement_report(proposal, word=word)[2]

    kinds = {
        "covenant": (lambda: covenant(pdf.render_pdf), lambda: covenant(render_docx)),
        "count_minutes": (
            lambda: count_minutes_pdf(session())[2],
            lambda: count_minutes_pdf(session(), renderer=render_docx)[2],
        ),
        "conference_minutes": (
            lambda: conference_minutes_pdf(session())[2],
            lambda: conference_minutes_pdf(session(), renderer=render_docx)[2],
        ),
    }
    if "proposal" in province.ids:
        kinds["request_letter"] = (lambda: letter(pdf.render_pdf), lambda: letter(render_docx))
        kinds["achievement_report"] = (lambda: report_of(False), lambda: report_of(True))
    return kinds


def measure_word_copies(province, extra, options) -> list[Figure]:
    """Median time of each kind's Word copy, and the slowest of them."""
    note = f"{focus_members(province)} members"
    figures = []
    for kind, (_render_pdf, render_word) in _kinds(province).items():
        render_word()  # warm the template and python-docx
        median = report.median(timed(render_word, options.pdf_runs))
        figures.append(Figure(f"docx.{kind}.median_s", round(median, 3), "s", extra.budget, note))
    slowest = max(figures, key=lambda figure: figure.value)
    return [
        Figure(extra.name, slowest.value, "s", extra.budget, note=slowest.name),
        *figures,
    ]


def measure_archival_overhead(province, extra, options) -> list[Figure]:
    """PDF/A-2b over plain PDF, per kind, on the same captured HTML: plain and archival renders
    in turn, the median of each pair's CPU-time ratio (steady when another process takes the
    other core, where the fastest wall times were not); and the worst ratio."""
    figures = []
    for kind, (render, _render_word) in _kinds(province).items():
        html = capture_html(render)
        pairs = interleaved(
            lambda: pdf.html_to_pdf(html),  # noqa: B023 (called at once)
            lambda: pdf.html_to_pdf(html, archival=True),  # noqa: B023
            options.pdf_runs,
        )
        ratio = report.median([archival.cpu / plain.cpu for plain, archival in pairs])
        plain_s = report.median([plain.cpu for plain, _ in pairs])
        archival_s = report.median([archival.cpu for _, archival in pairs])
        figures.append(
            Figure(
                f"pdfa.{kind}.overhead_ratio",
                round(ratio, 3),
                "x",
                extra.budget,
                note=f"CPU, median plain {plain_s:.3f} s, PDF/A {archival_s:.3f} s",
            )
        )
    worst = max(figures, key=lambda figure: figure.value)
    return [Figure(extra.name, worst.value, "x", extra.budget, note=worst.name), *figures]


def measure_bundles(province, extra, options) -> list[Figure]:
    """The dossier .zip of each of 5 proposals of one bloc, each with its issued tờ trình (PDF and
    Word), the signed achievement report as uploaded and, for titles, the minutes; the total.
    The dossiers are built in a transaction that is rolled back, with files in a temporary
    folder."""
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        proposals = _five_dossiers(province)
        samples = timed(lambda: [_bundle(p) for p in proposals], options.pdf_runs)
        transaction.set_rollback(True)
    return [
        Figure(
            extra.name,
            round(report.median(samples), 3),
            "s",
            extra.budget,
            note=f"{len(proposals)} proposals",
        )
    ]


def _bundle(proposal):
    from awards.services.proposals import dossier_bundle

    return dossier_bundle(proposal)


def _five_dossiers(province) -> list:
    from awards.achievement_report import achievement_report
    from awards.models import AwardProposal, AwardType, ProposalDocument
    from awards.services.proposals import issue_request_letter
    from blocs.models import BlocYear
    from emulation.uploads import store_private_file

    bloc_year = BlocYear.objects.with_people().get(pk=province.bloc_year_id)
    proposals = list(bloc_year.proposals.with_related().order_by("pk")[:BUNDLE_PROPOSALS])
    members = list(
        bloc_year.memberships.exclude(agency_id__in=[p.agency_id for p in proposals])
        .values_list("agency_id", flat=True)
        .order_by("pk")
    )
    award = AwardType.objects.get(code="BK_TINH")
    while len(proposals) < BUNDLE_PROPOSALS and members:
        proposals.append(
            AwardProposal.objects.create(
                bloc_year=bloc_year,
                agency_id=members.pop(0),
                award_type=award,
                year=bloc_year.year,
                basis="Bench",
            )
        )
    proposals = list(
        AwardProposal.objects.with_related()
        .select_related("source_poll__session")
        .filter(pk__in=[p.pk for p in proposals])
    )
    for proposal in proposals:
        signed = achievement_report(proposal)[2]  # stands in for the signed scan
        for kind in proposal.required_document_kinds():
            ProposalDocument.objects.create(
                proposal=proposal,
                kind=kind,
                stored_name=store_private_file(signed, folder="bench"),
                original_name=f"{kind}.pdf",
                content_type="application/pdf",
                size=len(signed),
            )
    issue_request_letter(bloc_year, proposals, actor=None)
    return proposals
