"""`manage.py document_samples`: render the first page of every document kind to PNG and write
docs/documents.md, from a small made-up bloc built inside a transaction that is rolled back.

The gallery shows what the templates print today, so it is regenerated, never drawn by hand.
"""

import datetime
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from awards.achievement_report import achievement_report
from awards.models import AwardProposal, AwardType, ProposalDocument, ScoreSheet
from awards.pdf import ballot_papers_pdf, council_list_pdf
from awards.score_table import score_table_pdf
from awards.seed import EXAMPLE_BONUS_CAP, example_criteria_rows
from awards.services import proposals as proposal_services
from awards.services import scoring, voting
from blocs.models import Agency, Bloc, BlocYear, Deadline, Membership
from blocs.pdf import covenant_pdf
from blocs.services import covenants
from emulation.documents import read_document, sample_minutes_pdf

MEMBERS = [
    ("Sở Y tế", "Nguyễn Thị Minh Hằng"),
    ("Sở Giáo dục và Đào tạo", "Phạm Văn Hùng"),
    ("Sở Văn hóa, Thể thao và Du lịch", "Trần Quốc Bảo"),
    ("Sở Lao động - Thương binh và Xã hội", "Đỗ Văn Lâm"),
    ("Bảo hiểm xã hội tỉnh", "Lê Thị Thanh Tâm"),
    ("Đài Phát thanh và Truyền hình tỉnh", "Vũ Đức Thắng"),
    ("Ban Quản lý Khu Đại học Nam Cao", "Hoàng Minh Tuấn"),
]

# kind: (title, what it follows)
RULES = {
    "covenant": (
        "Giao ước thi đua (dự thảo)",
        "Decree-30 header; DỰ THẢO drawn as a watermark outside the text layer and once as a "
        "label; members' signature blocks three to a row past eight; the annex of registered "
        "titles and targets inside the margins.",
    ),
    "covenant_issued": (
        "Giao ước thi đua (đã phát hành)",
        "Numbered in the calendar year of the conference date; each member's signature with its "
        "form and date; the verification footer on every page (appended signed pages included); "
        "PDF/A-2b.",
    ),
    "ballot_papers": (
        "Phiếu bầu",
        "Whole papers on every page, no serial unless BALLOT_PAPER_SERIALS is set, a place for "
        "the organiser's stamp; one page rendered and repeated.",
    ),
    "count_minutes": (
        "Biên bản kiểm phiếu",
        "Secret ballot stated; per poll issued / returned / valid / invalid with reasons, votes "
        "and the percentage with its base named, the rule in words, ties and runoffs with their "
        "own figures; closing time; copies; the committee signs, laid out for 1, 2 or 3.",
    ),
    "conference_minutes": (
        "Biên bản hội nghị",
        "Time, place, chair, secretary, guests (a title alone is enough), members present and "
        "absent, each vote's result with its base, next year's leaders, closing time, copies; "
        "the last lines stay with the signatures.",
    ),
    "request_letter": (
        "Tờ trình đề nghị khen thưởng",
        "Issued by the submission for exactly what is sent; one base for each count and "
        "percentage; hand-entered proposals cite their own basis; Nơi nhận beside the "
        "signature; numbered in the calendar year of its date.",
    ),
    "council_list": (
        "Danh sách đề nghị khen thưởng (dự thảo)",
        "Issued by the province body in settings with its signer; rows beyond the Government "
        "Flag quota flagged in Ghi chú.",
    ),
    "achievement_report": (
        "Báo cáo thành tích (dự thảo điền sẵn)",
        "The collective and individual forms of Decree 152/2025's appendix, prefilled with the "
        "targets registered in the covenant, the conference result on its base and earlier "
        "awards from the ledger with their decisions; no number, the date left to the signer, "
        "lines to fill in; always a DỰ THẢO, with a Word copy to edit.",
    ),
    "score_table": (
        "Bảng tổng hợp kết quả chấm điểm thi đua",
        "Ranking order; points under each top heading with their maxima, bonus, penalty and "
        "total; the base of the figures, the cross-scoring method and aggregation, the sheets "
        "counted and the leading unit (or the tie) in words; signed for the bloc by its head; "
        "a DỰ THẢO until the conference that adopts it is finalized (its minutes carry it as "
        "their annex).",
    ),
    "sample_minutes": (
        "Biên bản (mẫu để trống)",
        "Room to write the number and the date by hand; never today's date for a past year.",
    ),
}


class Command(BaseCommand):
    help = "Render the first page of every document kind and write docs/documents.md."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="docs", help="Folder for documents.md and images/.")
        parser.add_argument("--dpi", type=int, default=45)

    def handle(self, *args, **options):
        out = Path(options["out"])
        images = out / "images" / "documents"
        images.mkdir(parents=True, exist_ok=True)
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(MEDIA_ROOT=media),
            transaction.atomic(),
        ):
            documents = self._documents()
            transaction.set_rollback(True)
        lines = [
            "# Documents the portal prints",
            "",
            "Generated by `python manage.py document_samples` from a made-up 7-member bloc (the",
            "data is rolled back); each image is the first page as printed today. Every kind is",
            "A4 portrait, Liberation Serif (metric-compatible with Times New Roman) embedded, NFC",
            "text, margins 20 / 15 / 20 / 30 mm (ballot papers 12 mm), the Decree-30 header and",
            "motto, page numbers from page 2, line breaks between Vietnamese words (pyvi), and",
            "issued copies are PDF/A-2b with a verification footer.",
            "",
        ]
        for kind, data in documents.items():
            title, rules = RULES[kind]
            png = images / f"{kind}.png"
            _first_page_png(data, png, options["dpi"])
            lines += [f"## {title}", "", rules, "", f"![{title}](images/documents/{kind}.png)", ""]
        (out / "documents.md").write_text("\n".join(lines), encoding="utf-8")
        self.stdout.write(f"Wrote {out / 'documents.md'} and {len(documents)} images.")

    def _documents(self) -> dict[str, bytes]:
        """Every document kind's bytes, from a bloc taken through a year by the services."""
        bloc_year, agencies = _sample_bloc_year()
        documents = _covenant_documents(bloc_year, agencies)
        _scored(bloc_year)
        session = _finalized_conference(bloc_year, agencies, documents)
        documents["score_table"] = score_table_pdf(
            bloc_year, scoring.bloc_scores(bloc_year), session=session
        )[2]
        documents["count_minutes"] = read_document(session.count_minutes)
        documents["conference_minutes"] = read_document(session.conference_minutes)
        proposals = _submitted_proposals(bloc_year)
        letter = proposals[0].documents.get(kind=ProposalDocument.Kind.REQUEST_LETTER)
        documents["request_letter"] = read_document(letter.issued_document)
        proposal_services.start_review(proposals, actor=None)
        proposal_services.accept_proposals(proposals, actor=None)
        documents["council_list"] = council_list_pdf(2024)[2]
        documents["achievement_report"] = achievement_report(proposals[0])[2]
        documents["sample_minutes"] = sample_minutes_pdf(bloc_year)[2]
        return documents


def _sample_bloc_year() -> tuple[BlocYear, list[Agency]]:
    """The made-up bloc's 2024 bloc-year with the seven MEMBERS, the first heading."""
    bloc = Bloc.objects.create(name="Khối thi đua Văn hóa - Xã hội (mẫu)", code="KTĐMAU")
    bloc_year = BlocYear.objects.create(bloc=bloc, year=2024)
    agencies = []
    for name, leader in MEMBERS:
        agency, _ = Agency.objects.get_or_create(name=f"{name} (mẫu)")
        Membership.objects.create(
            bloc_year=bloc_year,
            agency=agency,
            signatory_name=leader,
            signatory_title="Giám đốc",
        )
        agencies.append(agency)
    bloc_year.head, bloc_year.deputy = agencies[0], agencies[1]
    bloc_year.save()
    return bloc_year, agencies


def _covenant_documents(bloc_year, agencies) -> dict[str, bytes]:
    """The covenant as a draft, then signed on paper by every member and issued."""
    covenant = covenants.create_covenant(bloc_year, actor=None)
    covenant.conference_date = datetime.date(2024, 1, 12)
    covenant.save(update_fields=["conference_date"])
    documents = {"covenant": covenant_pdf(covenant)[2]}
    covenant = covenants.open_covenant(covenant, actor=None)
    covenants.record_paper_signatures(
        covenant, agencies, signed_on=datetime.date(2024, 1, 12), actor=None
    )
    covenant.refresh_from_db()
    documents["covenant_issued"] = read_document(
        covenants.issue_covenant(covenant, actor=None).document
    )
    return documents


def _scored(bloc_year) -> None:
    """The example table adopted; every member scores itself and two others (a point below the
    maximum, one more off on every third criterion by the peers); sheets sent and accepted."""
    # The gallery is drawn years after 2024's scoring deadline; the sample (rolled back) has none.
    Deadline.objects.filter(year=bloc_year.year, kind=Deadline.Kind.SCORING).delete()
    scoring.save_province_criteria(
        year=bloc_year.year,
        bloc_kind=bloc_year.bloc.kind,
        title="Bảng tiêu chí chấm điểm thi đua các khối",
        rows=example_criteria_rows(),
        bonus_cap=Decimal(EXAMPLE_BONUS_CAP),
        actor=None,
    )
    scoring.adopt_criteria(bloc_year, actor=None)
    scoring.set_scoring_plan(bloc_year, method="assigned", per_unit=2, seed=2024, actor=None)
    for number, sheet in enumerate(ScoreSheet.objects.filter(bloc_year=bloc_year).order_by("pk")):
        points = {}
        for index, criterion in enumerate(scoring.sheet_criteria(sheet)):
            if not criterion.scored:
                continue
            value = criterion.max_points
            if criterion.kind != "yes_no" and criterion.section == "normal":
                value -= (number + index) % 3 if sheet.is_own else (number + index) % 4
            if criterion.section == "penalty":
                value = Decimal(number % 2)
            points[criterion.pk] = (str(max(value, Decimal(0))), "")
        scoring.save_sheet(sheet, points, actor=None)
        for criterion in scoring.sheet_criteria(sheet):
            if sheet.is_own and criterion.evidence_required:
                sheet.evidence.create(
                    criterion=criterion, file_name="", original_name="x.pdf", sha256="0" * 64
                )
        scoring.submit_sheet(sheet, actor=None)
        scoring.accept_sheet(sheet, actor=None)


def _finalized_conference(bloc_year, agencies, documents: dict[str, bytes]):
    """The year-end conference, every member present: the flag poll (its ballot papers go into
    `documents`) and next year's head and deputy, each counted, then the session finalized."""
    session = voting.create_session(
        bloc_year,
        held_at=timezone.make_aware(datetime.datetime(2024, 12, 20, 8, 0)),
        place="Hội trường Sở Y tế",
        chair_name="Nguyễn Thị Minh Hằng",
        chair_title="Giám đốc Sở Y tế, Trưởng khối",
        secretary_name="Lê Văn Thư",
        guests=[
            {"name": "Trần Xuân Lộc", "title": "Phó Chủ tịch UBND tỉnh", "organisation": ""},
            {"name": "", "title": "Phó Giám đốc Sở Nội vụ", "organisation": ""},
        ],
        committee=[
            {"name": "Phạm Văn Hùng", "title": "Giám đốc Sở GDĐT", "role": "Trưởng ban"},
            {"name": "Lê Thị Thanh Tâm", "title": "Giám đốc BHXH tỉnh", "role": "Thành viên"},
            {"name": "Vũ Đức Thắng", "title": "Giám đốc Đài PT-TH", "role": "Thành viên"},
        ],
        actor=None,
    )
    voting.update_attendance(
        session, [{"agency_id": a.pk, "present": True} for a in agencies], actor=None
    )
    flag = voting.create_poll(
        session,
        kind="award",
        award_type=AwardType.objects.get(code="CO_TINH"),
        seats=1,
        candidate_ids=[a.pk for a in agencies[:3]],
        actor=None,
    )
    documents["ballot_papers"] = ballot_papers_pdf(flag, papers=2)[2]
    voting.open_poll(flag, actor=None)
    for marks in [[agencies[0].pk]] * 5 + [[agencies[1].pk]] + [[agencies[0].pk, agencies[1].pk]]:
        voting.record_ballot(flag, marks, actor=None)
    voting.count_poll(flag, actor=None)
    for kind, winner in (("next_head", agencies[1]), ("next_deputy", agencies[2])):
        poll = voting.create_poll(session, kind=kind, actor=None)
        voting.open_poll(poll, actor=None)
        for _ in range(7):
            voting.record_ballot(poll, [winner.pk], actor=None)
        voting.count_poll(poll, actor=None)
    return voting.finalize_session(session, actor=None)


def _submitted_proposals(bloc_year) -> list[AwardProposal]:
    """The conference's proposals with every missing document attached, submitted."""
    proposals = list(AwardProposal.objects.filter(bloc_year=bloc_year))
    for proposal in proposals:
        for kind in proposal.missing_document_kinds():
            ProposalDocument.objects.create(proposal=proposal, kind=kind)
    proposal_services.submit_proposals(bloc_year, proposals, actor=None)
    return proposals


def _first_page_png(data: bytes, png: Path, dpi: int) -> None:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as source:
        source.write(data)
        source.flush()
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile"]
            + [source.name, str(png.with_suffix(""))],
            check=True,
            capture_output=True,
        )
