"""Measurements beyond pages: PDFs, their Word and PDF/A copies, dossier bundles, a 40-member
conference, the tally, the Excel import, the council export.

Each entry names its figure, unit and budget, the feature modules it needs and the function that
measures it (`measure(province, extra, options) -> list[Figure]`). An entry whose feature is not
in the code base yet is reported with no value, so the output says what is not measured.
"""

import importlib
import importlib.util
from dataclasses import dataclass

from portal.bench import report


@dataclass(frozen=True)
class Extra:
    name: str
    unit: str
    budget: float | None
    needs: tuple[str, ...]  # "module" or "module:attribute"
    measure: str | None = None
    layer: str = "structure"  # the generator layer whose data it measures
    # Built and measured only when --only names it (the edge layer takes a minute to build).
    explicit: bool = False

    def available(self) -> bool:
        if self.measure is None:
            return False
        for need in self.needs:
            module, _, attribute = need.partition(":")
            if importlib.util.find_spec(module) is None:
                return False
            if attribute and not hasattr(importlib.import_module(module), attribute):
                return False
        return True


EXTRAS = [
    Extra(
        "pdf.covenant.median_s",
        "s",
        report.COVENANT_PDF_S,
        ("blocs.pdf:covenant_pdf",),
        "portal.bench.documents.measure_covenant",
        "covenants",
    ),
    Extra(
        "pdf.ballot_papers.median_s",
        "s",
        None,
        ("awards.pdf:ballot_papers_pdf",),
        "portal.bench.documents.measure_ballot_papers",
        "conferences",
    ),
    Extra(
        "edge.ballot_papers.200x40.median_s",
        "s",
        report.BALLOT_PAPERS_S,
        ("awards.pdf:ballot_papers_pdf",),
        "portal.bench.conference40.measure_ballot_papers",
    ),
    Extra(
        "page.conference40.p95_max_ms",
        "ms",
        report.PAGE_P95_MS,
        ("awards.views.voting", "awards.models.voting"),
        "portal.bench.conference40.measure_pages",
    ),
    Extra(
        "pdf.count_minutes.median_s",
        "s",
        report.MINUTES_PDF_S,
        ("awards.pdf:count_minutes_pdf",),
        "portal.bench.documents.measure_count_minutes",
        "conferences",
    ),
    Extra(
        "pdf.conference_minutes.median_s",
        "s",
        report.MINUTES_PDF_S,
        ("awards.pdf:conference_minutes_pdf",),
        "portal.bench.documents.measure_conference_minutes",
        "conferences",
    ),
    Extra(
        "pdf.request_letter.median_s",
        "s",
        None,
        ("awards.pdf:render_request_letter",),
        "portal.bench.documents.measure_request_letter",
        "proposals",
    ),
    Extra(
        "docx.slowest.median_s",
        "s",
        report.DOCX_S,
        ("emulation.docx:render_docx", "awards.achievement_report:achievement_report"),
        "portal.bench.copies.measure_word_copies",
        "proposals",
    ),
    Extra(
        "pdfa.worst.overhead_ratio",
        "x",
        report.PDFA_RATIO,
        ("emulation.pdf:html_to_pdf",),
        "portal.bench.copies.measure_archival_overhead",
        "proposals",
    ),
    Extra(
        "bundle.bloc_5_proposals.seconds",
        "s",
        report.BUNDLE_S,
        ("awards.services.proposals:dossier_bundle",),
        "portal.bench.copies.measure_bundles",
        "proposals",
    ),
    Extra(
        "tally.100x20.median_ms",
        "ms",
        report.TALLY_MS,
        ("awards.tally:tally",),
        "portal.bench.computations.measure_tally",
    ),
    Extra(
        "edge.count_minutes.40x200.median_s",
        "s",
        report.EDGE_COUNT_MINUTES_S,
        ("awards.pdf:count_minutes_pdf",),
        "portal.bench.edges.measure_big_count_minutes",
    ),
    Extra(
        "edge.bloc_year.staff.200_members",
        "ms",
        report.PAGE_P95_MS,
        ("blocs.views",),
        "portal.bench.edges.measure_big_bloc_page",
    ),
    Extra(
        "edge.covenant.40_members.median_s",
        "s",
        report.EDGE_COVENANT_40_S,
        ("blocs.pdf:covenant_pdf",),
        "portal.bench.edges.measure_covenant_40",
    ),
    Extra(
        "scoring.head.40x39x40",
        "ms",
        report.SCORING_HEAD_P95_MS,
        ("awards.services.scoring:bloc_scores",),
        "portal.bench.scoring.measure_scoring",
    ),
    Extra(
        "edge.audit_log",
        "ms",
        report.EDGE_AUDIT_LOG_MS,
        ("emulation.keyset:keyset_page",),
        "portal.bench.edges.measure_audit_log",
        explicit=True,
    ),
    Extra(
        "edge.agency_search.10000",
        "ms",
        report.EDGE_AGENCY_SEARCH_MS,
        ("blocs.models:Agency",),
        "portal.bench.edges.measure_agency_search",
        explicit=True,
    ),
    Extra(
        "reminders.province.seconds",
        "s",
        report.REMINDERS_S,
        ("portal.management.commands.send_reminders:plan_reminders",),
        "portal.bench.computations.measure_reminders",
        "covenants",
    ),
    Extra(
        "import.1000_agencies.seconds",
        "s",
        report.IMPORT_S,
        ("blocs.imports:commit_import", "blocs.imports:preview_import"),
        "portal.bench.computations.measure_import",
    ),
    Extra(
        "import.province_bundle.seconds",
        "s",
        report.PROVINCE_BUNDLE_S,
        ("awards.bundle:import_bundle",),
        "portal.bench.computations.measure_bundle_import",
        "proposals",
    ),
    Extra(
        "export.council_list.seconds",
        "s",
        report.COUNCIL_EXPORT_S,
        ("awards.exports:CouncilListExporter",),
        "portal.bench.computations.measure_council_export",
        "proposals",
    ),
]
