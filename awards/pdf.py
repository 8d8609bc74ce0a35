"""Official papers of the conference and the proposal stage: ballot papers, count minutes,
conference minutes, the bloc's request letter (tờ trình) and the council's list of proposals.

Each function returns (filename, "application/pdf", bytes); `renderer=render_docx` makes the
Word copy of the same document from the same context. The numbers come from each poll's
stored count (`Poll.result()`), the same data the pages show, and the rule is printed in words.
Ballots are secret: the minutes group invalid ballots by reason and never print a serial.
"""

import io
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby

import pikepdf
from django.conf import settings
from django.utils import timezone

from awards import eligibility
from awards.models import (
    AwardProposal,
    Poll,
    PollKind,
    ProposalDocument,
    TieResolution,
    VotingSession,
)
from awards.rules import KHOI, base_words, describe, for_unit, unit_of
from awards.score_table import score_table
from awards.signatures import head_signature
from awards.tally import TallyResult, percent_of
from blocs.models.structure import dated_agency
from emulation.documents import unnumbered
from emulation.pdf import SignatureBlock, render_pdf
from emulation.text import format_percent, vn_slugify, vn_sort_key

PDF = "application/pdf"

# How the minutes say a tie was settled, as a clause after "… ở vị trí thứ 2; ".
METHOD_WORDS = {
    "runoff": "giải quyết bằng cách bỏ phiếu lại giữa các đơn vị bằng phiếu",
    "chair": "do chủ trì hội nghị quyết định",
    "lot": "giải quyết bằng cách bốc thăm",
    "leaders": "do Trưởng khối và Phó Trưởng khối quyết định",
}

# awards.tally's reason for an over-marked paper; the minutes group them by the limit only.
_OVER_MARKED = re.compile(r"^Phiếu đánh dấu \d+ đơn vị, vượt quá số tối đa (\d+)$")


def _clause(text: str) -> str:
    """A sentence as a clause inside another: no final stop, no dangling separator."""
    return (text or "").strip().rstrip(".;,: ").strip()


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def reason_phrase(reason: str) -> str:
    """What follows "1 phiếu …" for an invalid paper's reason: "đánh dấu quá 2 đơn vị",
    "rách". Papers with the same phrase are counted together."""
    reason = _clause(unicodedata.normalize("NFC", reason or ""))
    over = _OVER_MARKED.match(reason)
    if over:
        return f"đánh dấu quá {over[1]} đơn vị"
    if reason.lower().startswith("phiếu "):
        reason = reason[len("phiếu ") :].strip()
    return _lower_first(reason) if reason else "không ghi lý do"


def time_words(value) -> str:
    """ "10 giờ 45", or dots to fill in by hand while the time is not known (a draft)."""
    if value is None:
        return "...... giờ ......"
    return f"{value:%H} giờ {value:%M}"


@dataclass
class PollReport:
    """What the minutes print about one poll; a tie settled by runoff links to the runoff's."""

    label: str  # "1", "2"; a runoff of poll 1 is "1.1"
    poll: Poll
    result: TallyResult | None
    names: dict[int, str]
    unit: str = KHOI
    rule_sentences: list[str] = field(default_factory=list)
    resolution: TieResolution | None = None
    parent: "PollReport | None" = None
    runoff: "PollReport | None" = None

    @property
    def is_runoff(self) -> bool:
        return self.poll.kind == PollKind.TIE_BREAK

    @property
    def title(self) -> str:
        if self.is_runoff and self.parent is not None:
            return f"Bỏ phiếu lại: {self.parent.title}"
        if self.poll.kind in (PollKind.NEXT_HEAD, PollKind.NEXT_DEPUTY):
            return for_unit(self.poll.title, self.unit)
        return self.poll.title

    @property
    def repeat_text(self) -> str:
        """Why the conference voted again for the same award (empty for a first vote)."""
        reason = _clause(self.poll.repeat_reason)
        return f"Bỏ phiếu lần này vì: {reason}." if reason else ""

    @property
    def base_words(self) -> str:
        return base_words(self.result.rule.base, self.unit) if self.result else ""

    @property
    def members_words(self) -> str:
        """ "Tổng số thành viên của Khối" (or "… của Cụm")."""
        words = base_words("all_members", self.unit)
        return words[0].upper() + words[1:]

    @property
    def threshold_sentence(self) -> str:
        return self.rule_sentences[0] if self.rule_sentences else ""

    @property
    def winners(self) -> list[str]:
        return [self.names[w] for w in self.result.winners] if self.result else []

    @property
    def winner_rows(self):
        return [c for c in self.result.candidates if c.elected] if self.result else []

    # Ballots -----------------------------------------------------------------------------------

    @property
    def invalid_reasons(self) -> list[tuple[int, str]]:
        """(papers, reason) for the invalid papers, most frequent first. Empty when the count
        was entered as totals: the reasons are then on the counting committee's own sheets."""
        if not self.result:
            return []
        counts = Counter(reason_phrase(v.reason) for v in self.result.verdicts if not v.valid)
        return [(count, reason) for reason, count in counts.most_common()]

    @property
    def invalid_detail(self) -> str:
        """ "1 phiếu đánh dấu quá 2 đơn vị; 1 phiếu rách" (or empty)."""
        return "; ".join(f"{n} phiếu {reason}" for n, reason in self.invalid_reasons)

    @property
    def counts_text(self) -> str:
        """The four counts as one clause (conference minutes, a runoff inline)."""
        r = self.result
        text = (
            f"phát ra {r.issued} phiếu, thu vào {r.returned} phiếu, "
            f"hợp lệ {r.valid} phiếu, không hợp lệ {r.invalid} phiếu"
        )
        return text + (f" ({self.invalid_detail})" if self.invalid_detail else "")

    # Votes -------------------------------------------------------------------------------------

    def status(self, candidate) -> str:
        """The count minutes' "Kết quả" column; a runoff has no threshold, only who won."""
        r = self.result
        if self.is_runoff:
            if candidate.elected:
                return "Trúng"
            return "Bằng phiếu" if candidate.tied and not r.tie_resolved_with else "Không trúng"
        if candidate.elected:
            return "Được chọn"
        if candidate.tied:
            return "Bằng phiếu, không được chọn" if r.tie_resolved_with else "Bằng phiếu"
        return "Đạt tỷ lệ, không được chọn" if candidate.passed else "Không đạt"

    @property
    def rows(self) -> list[dict]:
        if not self.result:
            return []
        return [{"c": c, "status": self.status(c)} for c in self.result.candidates]

    def vote_text(self, candidate) -> str:
        """ "Sở Y tế: 5/7 phiếu, đạt 71,43 % tổng số thành viên của Khối"."""
        return (
            f"{candidate.name}: {candidate.votes}/"
            f"{self.result.base_count} phiếu, đạt {candidate.percent_text} "
            f"{self.base_words}"
        )

    @property
    def votes_text(self) -> str:
        return "; ".join(self.vote_text(c) for c in self.result.candidates) if self.result else ""

    @property
    def outcome_text(self) -> str:
        """Who was chosen, with votes and the percentage of the named base; a clause."""
        rows = self.winner_rows
        if rows:
            return "; ".join(
                f"{c.name} ({c.votes}/{self.result.base_count} phiếu, "
                f"đạt {c.percent_text} {self.base_words})"
                for c in rows
            )
        if self.result and self.result.has_open_tie:
            return "chưa xác định, còn trường hợp bằng phiếu chưa giải quyết"
        return "không có đơn vị nào được chọn"

    # Ties --------------------------------------------------------------------------------------

    def _tie_opening(self) -> str:
        tie = self.result.tie
        names = ", ".join(self.names[c] for c in tie.candidate_ids)
        seats = (
            f"vị trí thứ {tie.first_seat}"
            if tie.seats_open == 1
            else f"các vị trí từ thứ {tie.first_seat} đến thứ {tie.last_seat}"
        )
        return f"Các đơn vị {names} có số phiếu bằng nhau ({tie.votes} phiếu) ở {seats}"

    def _tie_clauses(self, *, inline_runoff: bool) -> list[str]:
        resolution = self.resolution
        clauses = [self._tie_opening()]
        if resolution is None:
            return [*clauses, "chưa giải quyết"]
        runoff = self.runoff if resolution.method == "runoff" else None
        details = []
        if runoff is not None and not inline_runoff:
            details.append(f"{'kết quả tại ' if resolution.chosen else ''}mục {runoff.label}")
        if _clause(resolution.decided_by):
            details.append(_clause(resolution.decided_by))
        if resolution.chosen or resolution.method != "runoff":
            when = timezone.localtime(resolution.decided_at)
            details.append(f"lúc {when:%H} giờ {when:%M}")
        method = for_unit(METHOD_WORDS[resolution.method], self.unit)
        clauses.append(method + (f" ({', '.join(details)})" if details else ""))
        chosen = ", ".join(self.names[c] for c in resolution.chosen or [] if c in self.names)
        if runoff is not None and inline_runoff:
            if runoff.result is None:
                clauses.append("chưa có kết quả bỏ phiếu lại")
            else:
                clauses[-1] += f": {runoff.counts_text}"
                clauses.append(runoff.votes_text)
                if runoff.result.tie:
                    # The runoff tied again: how that was settled names the chosen itself.
                    clauses.append("vẫn bằng phiếu")
                    clauses += runoff._tie_clauses(inline_runoff=True)[1:]
                    chosen = "" if runoff.resolution and runoff.resolution.chosen else chosen
        if chosen:
            clauses[-1] += f": chọn {chosen}"
        elif resolution.method == "runoff" and not (inline_runoff and runoff is not None):
            clauses.append("chưa có kết quả bỏ phiếu lại")
        if _clause(resolution.note):
            clauses.append(f"ghi chú: {_clause(resolution.note)}")
        return clauses

    def _tie_text(self, *, inline_runoff: bool) -> str:
        if not self.result or not self.result.tie:
            return ""
        clauses = [_clause(c) for c in self._tie_clauses(inline_runoff=inline_runoff)]
        return "; ".join(c for c in clauses if c) + "."

    @property
    def tie_text(self) -> str:
        """The tie and its resolution, for the count minutes (a runoff has its own section)."""
        return self._tie_text(inline_runoff=False)

    @property
    def tie_text_inline(self) -> str:
        """The same with the runoff's own figures in it, for the conference minutes."""
        return self._tie_text(inline_runoff=True)


def _minutes_order(polls: list[Poll]) -> list[Poll]:
    """Polls in their order, each followed by its runoffs (and theirs)."""
    known = {poll.pk for poll in polls}
    children: dict[int, list[Poll]] = {}
    for poll in polls:
        if poll.parent_id in known:
            children.setdefault(poll.parent_id, []).append(poll)
    ordered = []

    def walk(poll):
        ordered.append(poll)
        for child in children.get(poll.pk, []):
            walk(child)

    for poll in polls:
        if poll.parent_id not in known:
            walk(poll)
    return ordered


def poll_reports(session: VotingSession) -> list[PollReport]:
    """One report per poll in minutes order (a runoff right after the poll it settles)."""
    unit = unit_of(session.bloc_year.bloc)
    polls = list(session.polls.for_list().prefetch_related("tie_resolutions"))
    reports, by_poll, runoffs = [], {}, Counter()
    for poll in _minutes_order(polls):
        parent = by_poll.get(poll.parent_id)
        if parent is None:
            label = str(sum(1 for r in reports if r.parent is None) + 1)
        else:
            runoffs[parent.label] += 1
            label = f"{parent.label}.{runoffs[parent.label]}"
        result = poll.result()
        names = {c.agency_id: c.agency.name for c in poll.candidates.all()}
        if result:  # the names as they were counted
            names |= {c.candidate_id: c.name for c in result.candidates}
        resolutions = list(poll.tie_resolutions.all())
        resolution = next((r for r in resolutions if r.chosen), None) or next(
            iter(resolutions), None
        )
        report = PollReport(
            label=label,
            poll=poll,
            result=result,
            names=names,
            unit=unit,
            rule_sentences=describe(result.rule, kind=poll.kind, seats=poll.seats, unit=unit)
            if result
            else [],
            resolution=resolution,
            parent=parent,
        )
        by_poll[poll.pk] = report
        reports.append(report)
    for report in reports:
        if report.resolution is not None and report.resolution.runoff_poll_id:
            report.runoff = by_poll.get(report.resolution.runoff_poll_id)
    return reports


def _issuer(session):
    bloc_year = session.bloc_year
    return {
        "issuer_name": bloc_year.bloc.name,
        "bloc_year": bloc_year,
        "session": session,
        "unit": unit_of(bloc_year.bloc),
        "held_at": timezone.localtime(session.held_at),
        "copies": session.copies or 1,
    }


def _number(session, stamp):
    return None if stamp else unnumbered("BB", session.bloc_year.bloc.code)


def committee_columns(count: int) -> int:
    """One signer on the right half, two side by side, three and more three to a row."""
    return 2 if count <= 2 else 3


def count_minutes_pdf(session: VotingSession, *, stamp=None, renderer=render_pdf):
    """Biên bản kiểm phiếu: one section per poll, signed by the counting committee."""
    session = VotingSession.objects.select_related("bloc_year__bloc").get(pk=session.pk)
    committee = session.committee or []
    blocks = [
        SignatureBlock(
            position=row.get("role") or "Thành viên",
            name=row.get("name", ""),
            note="(Ký, ghi rõ họ tên)",
        )
        for row in committee
    ] or [SignatureBlock(position="Trưởng ban kiểm phiếu", note="(Ký, ghi rõ họ tên)")]
    context = {
        **_issuer(session),
        "stamp": stamp,
        "draft": stamp is None,
        "number": _number(session, stamp),
        "doc_date": timezone.localtime(session.held_at).date(),
        "doc_type": "Biên bản",
        "subject": f"Kiểm phiếu bình xét, suy tôn năm {session.bloc_year.year}",
        "committee": committee,
        "reports": poll_reports(session),
        "closed_words": time_words(session.count_closed_at),
        "signature_blocks": blocks,
        "signature_columns": committee_columns(len(blocks)),
    }
    data = renderer("pdf/count_minutes.html", context)
    name = f"bien-ban-kiem-phieu-{vn_slugify(session.bloc_year.bloc.name)}-{session.bloc_year.year}"
    return f"{name}.pdf", PDF, data


def guest_line(guest: dict) -> str:
    """ "Trần Văn Liên, Phó Chủ tịch UBND tỉnh"; a guest invited by title alone prints just
    the title and organisation ("Phó Giám đốc Sở Nội vụ")."""
    name = _clause(guest.get("name", ""))
    post = " ".join(
        part
        for part in (_clause(guest.get("title", "")), _clause(guest.get("organisation", "")))
        if part
    )
    return ", ".join(part for part in (name, post) if part)


def conference_minutes_pdf(session: VotingSession, *, stamp=None, renderer=render_pdf, scores=None):
    """Biên bản hội nghị: attendance, agenda, narrative, the score table it adopts (`scores`,
    when the bloc scored: a section and the table as an annex), every result in %, next year's
    leaders."""
    session = VotingSession.objects.select_related(
        "bloc_year__bloc", "bloc_year__next_head", "bloc_year__next_deputy", "chair_agency"
    ).get(pk=session.pk)
    attendance = list(dated_agency(session.attendance.all(), year="session__bloc_year__year"))
    attendance.sort(key=lambda row: vn_sort_key(row.agency.name))
    reports = poll_reports(session)
    elected = {
        report.poll.kind: report.winners[0]
        for report in reports
        if report.poll.kind in (PollKind.NEXT_HEAD, PollKind.NEXT_DEPUTY) and report.winners
    }
    unit = unit_of(session.bloc_year.bloc)
    context = {
        **_issuer(session),
        "stamp": stamp,
        "draft": stamp is None,
        "number": _number(session, stamp),
        "doc_date": timezone.localtime(session.held_at).date(),
        "doc_type": "Biên bản",
        "subject": f"Hội nghị tổng kết công tác thi đua, khen thưởng năm {session.bloc_year.year}",
        "present": [a for a in attendance if a.present],
        "absent": [a for a in attendance if not a.present],
        "members_count": len(attendance),
        "guest_lines": [line for line in map(guest_line, session.guests or []) if line],
        "committee": session.committee or [],
        "agenda_lines": [line for line in session.agenda.splitlines() if line.strip()],
        "narrative_lines": [line for line in session.narrative.splitlines() if line.strip()],
        "reports": [r for r in reports if not r.is_runoff],
        "next_year": session.bloc_year.year + 1,
        "head_words": for_unit("Trưởng khối", unit),
        "deputy_words": for_unit("Phó Trưởng khối", unit),
        "next_head": elected.get(PollKind.NEXT_HEAD) or session.bloc_year.next_head,
        "next_deputy": elected.get(PollKind.NEXT_DEPUTY) or session.bloc_year.next_deputy,
        "closed_words": time_words(session.closed_at),
        "scored": bool(scores and scores.results),
        **(score_table(session.bloc_year, scores) if scores and scores.results else {}),
        "signature_blocks": [
            SignatureBlock(
                position="Thư ký", name=session.secretary_name, note="(Ký, ghi rõ họ tên)"
            ),
            SignatureBlock(position="Chủ trì", name=session.chair_name, note="(Ký, ghi rõ họ tên)"),
        ],
    }
    data = renderer("pdf/conference_minutes.html", context)
    name = f"bien-ban-hoi-nghi-{vn_slugify(session.bloc_year.bloc.name)}-{session.bloc_year.year}"
    return f"{name}.pdf", PDF, data


# Ballot papers -----------------------------------------------------------------------------------

# The printable area of a ballot page: A4 less the 12 mm margins of pdf/ballot_papers.html.
BALLOT_PAGE_MM = (186.0, 273.0)
PT_MM = 0.3528
SLIP_HEAD_MM = 49.0  # header lines, stamp circle and title, instructions, table head, padding
CUT_MM = 3.0  # the dashed cut line between two papers and its gap
MAX_PER_PAGE = 4


@dataclass(frozen=True)
class SlipLayout:
    """How one ballot paper is set: candidate columns, type size and cell sizes (mm, pt)."""

    columns: int
    font_pt: float
    pad_pt: float
    box_mm: float

    @property
    def number_mm(self) -> float:
        return 9.0 if self.columns == 1 else 7.0

    @property
    def box_column_mm(self) -> float:
        return 20.0 if self.columns == 1 else 11.0

    @property
    def head_pt(self) -> float:
        return 10.5 if self.columns == 1 else 9.0

    @property
    def css_variables(self) -> dict[str, str]:
        """The sizes css/print/ballot_papers.css reads (emulation.pdf sets them per render)."""
        return {
            "slip-font": f"{self.font_pt}pt",
            "slip-pad": f"{self.pad_pt}pt",
            "slip-head": f"{self.head_pt}pt",
            "slip-number": f"{self.number_mm}mm",
            "slip-box-column": f"{self.box_column_mm}mm",
            "slip-box": f"{self.box_mm}mm",
        }

    def denser(self) -> "SlipLayout":
        return SlipLayout(self.columns, self.font_pt - 1, 0.3, max(3.0, self.box_mm - 0.4))

    def height_mm(self, names: list[str]) -> float:
        """A generous estimate of one paper's height; the render then checks that it fits."""
        width = BALLOT_PAGE_MM[0] / self.columns - self.number_mm - self.box_column_mm - 4
        chars = max(10, int(width / (self.font_pt * PT_MM * 0.46)))
        line = self.font_pt * PT_MM * 1.2
        rows = math.ceil(len(names) / self.columns)
        height = SLIP_HEAD_MM
        for row in range(rows):
            lines = max(math.ceil(len(name) / chars) for name in names[row::rows])
            height += max(lines * line, self.box_mm + 0.6) + 2 * self.pad_pt * PT_MM + 0.8
        return height

    def per_page(self, names: list[str]) -> int:
        """Papers per page to try first, at least one and at most four: a little optimistic,
        since a page that overflows is laid out again with one paper fewer."""
        fits = (BALLOT_PAGE_MM[1] + CUT_MM) // (0.96 * self.height_mm(names) + CUT_MM)
        return int(max(1, min(MAX_PER_PAGE, fits)))


def slip_layout(names: list[str]) -> SlipLayout:
    """One column up to 12 candidates; two columns and smaller type for longer lists."""
    count = len(names)
    if count <= 6:
        return SlipLayout(1, 13.0, 2.5, 5.0)
    if count <= 12:
        return SlipLayout(1, 12.0, 1.5, 4.5)
    if count <= 30:
        return SlipLayout(2, 10.5, 1.2, 4.0)
    if count <= 44:
        return SlipLayout(2, 10.5, 1.0, 4.0)
    return SlipLayout(2, 10.0, 0.6, 3.6)


def _candidate_rows(names: list[str], columns: int) -> list[list[tuple[int, str] | None]]:
    """Rows of `columns` cells, the list reading down the first column, then the next."""
    numbered = list(enumerate(names, start=1))
    rows = math.ceil(len(numbered) / columns)
    return [
        [
            numbered[row + col * rows] if row + col * rows < len(numbered) else None
            for col in range(columns)
        ]
        for row in range(rows)
    ]


def _page_count(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def _repeat_first_page(data: bytes, copies: int) -> bytes:
    """The document with its first page `copies` times, then its other pages. The copies share
    the page's content and fonts, so 200 pages cost hardly more than one."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        first = pdf.pages[0]
        for _ in range(copies - 1):
            pdf.pages.insert(1, first)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _pages_of(per_page: int, count: int) -> list[list[int]]:
    """Serials 1..count in pages of `per_page`."""
    return [list(range(s, min(s + per_page, count + 1))) for s in range(1, count + 1, per_page)]


def ballot_papers_pdf(poll: Poll, *, papers: int | None = None):
    """Ballot papers, one per member present (or `papers`): candidates, tick boxes,
    instructions and a place for the organiser's stamp; every page holds whole papers.

    The papers are identical unless settings.BALLOT_PAPER_SERIALS prints a number on each, so
    WeasyPrint lays out one full page (and the last, shorter one) and the PDF repeats it: 200
    papers take about as long as two pages. With serials every page is laid out (slower).
    Papers per page come from an estimate that the render checks: a page that overflows is
    laid out again with one paper fewer, and a paper taller than a page with smaller type.
    """
    poll = Poll.objects.select_related("session__bloc_year__bloc", "award_type", "parent").get(
        pk=poll.pk
    )
    session = poll.session
    count = papers or poll.ballots_issued or session.attendance.filter(present=True).count() or 1
    spec = poll.spec()
    unit = unit_of(session.bloc_year.bloc)
    names = [c.agency.name for c in poll.candidates.select_related("agency")]
    title = poll.title
    if poll.kind in (PollKind.NEXT_HEAD, PollKind.NEXT_DEPUTY):
        title = for_unit(title, unit)
    serials = settings.BALLOT_PAPER_SERIALS
    context = {
        **_issuer(session),
        "poll": poll,
        "title": title,
        "max_marks": spec.marks_allowed(poll.seats),
        "self_vote_allowed": spec.self_vote_allowed,
        "serials": serials,
        "doc_type": "Phiếu bầu",
        "subject": title,
    }

    def render(layout: SlipLayout, pages: list[list[int]]) -> bytes:
        rows = _candidate_rows(names, layout.columns)
        return render_pdf(
            "pdf/ballot_papers.html",
            {
                **context,
                "layout": layout,
                "css_variables": layout.css_variables,
                "candidate_rows": rows,
                "pages": pages,
            },
        )

    layout = slip_layout(names)
    while layout.height_mm(names) > 1.15 * BALLOT_PAGE_MM[1] and layout.font_pt > 8:
        layout = layout.denser()  # clearly too tall even for the estimate's generosity
    per_page = layout.per_page(names)
    for _attempt in range(8):
        # A full page and the last one show whether the papers fit.
        pages = _pages_of(per_page, count)
        sample = pages[:1] + ([pages[-1]] if len(pages) > 1 and len(pages[-1]) < per_page else [])
        data = render(layout, sample)
        if _page_count(data) == len(sample):
            break
        if per_page > 1:
            per_page -= 1
        elif layout.font_pt > 8:
            layout = layout.denser()
        else:  # a list no type size fits on one page: each paper runs on
            break
    if (serials and sample != pages) or _page_count(data) != len(sample):
        data = render(layout, pages)
    elif count // per_page > 1:
        data = _repeat_first_page(data, count // per_page)
    name = f"phieu-bau-{vn_slugify(poll.title)}-{session.bloc_year.year}"
    return f"{name}.pdf", PDF, data


# The proposal stage ------------------------------------------------------------------------------


COUNCIL_STATES = [
    AwardProposal.State.ACCEPTED,
    AwardProposal.State.COUNCIL_APPROVED,
    AwardProposal.State.COUNCIL_REJECTED,
    AwardProposal.State.FORWARDED,
    AwardProposal.State.DECIDED,
]


def _grouped(proposals):
    """[(award_type, [proposals])] in award-type order, for numbered sections."""
    ordered = sorted(proposals, key=lambda p: (p.award_type.order, p.award_type.code))
    return [(award, list(items)) for award, items in groupby(ordered, key=lambda p: p.award_type)]


def proposal_result_text(proposal: AwardProposal, unit: str = KHOI) -> str:
    """What the tờ trình says about how the bloc chose a proposal, with one base for the count
    and the percentage: "4/7 phiếu, đạt 57,14 % tổng số thành viên của Khối". A proposal
    entered by hand was not voted at the conference and cites its own basis instead."""
    evidence = proposal.evidence or {}
    base_count = evidence.get("base_count")
    if proposal.origin == AwardProposal.Origin.POLL and proposal.votes is not None and base_count:
        base = evidence.get("base") or (
            proposal.source_poll.spec().base if proposal.source_poll_id else "all_members"
        )
        percent = format_percent(percent_of(proposal.votes, base_count))
        return f"{proposal.votes}/{base_count} phiếu, đạt {percent} {base_words(base, unit)}"
    basis = _clause(proposal.basis)
    return f"Căn cứ: {basis}" if basis else "Không qua bỏ phiếu tại hội nghị tổng kết"


def render_request_letter(bloc_year, proposals, *, stamp=None, renderer=render_pdf) -> bytes:
    """The bloc head's tờ trình for exactly the proposals it sends (`stamp` None: the DỰ THẢO
    preview). Voted proposals cite the conference; the others their own basis."""
    session = VotingSession.objects.filter(
        bloc_year=bloc_year, state=VotingSession.State.FINALIZED
    ).first()
    unit = unit_of(bloc_year.bloc)
    voted = [p for p in proposals if p.origin == AwardProposal.Origin.POLL]
    kinds = set(
        ProposalDocument.objects.filter(proposal__in=proposals).values_list("kind", flat=True)
    )
    attachments = []
    if voted and session is not None:
        attachments.append("biên bản kiểm phiếu và biên bản hội nghị tổng kết")
    if len(voted) < len(proposals) and ProposalDocument.Kind.MINUTES in kinds:
        attachments.append("biên bản họp bình xét của các trường hợp không qua bỏ phiếu")
    if ProposalDocument.Kind.ACHIEVEMENT_REPORT in kinds:
        attachments.append("báo cáo thành tích của các tập thể, cá nhân được đề nghị")
    if ProposalDocument.Kind.INITIATIVE in kinds:
        attachments.append("giấy chứng nhận sáng kiến")
    return renderer(
        "pdf/request_letter.html",
        {
            "issuer_name": bloc_year.bloc.name,
            "doc_type": "TỜ TRÌNH",
            "subject": f"Về việc đề nghị khen thưởng năm {bloc_year.year}",
            "doc_date": stamp.dated if stamp else timezone.localdate(),
            "stamp": stamp,
            "draft": stamp is None,
            "number": None if stamp else unnumbered("TTr", bloc_year.bloc.code),
            "bloc_year": bloc_year,
            "session": session if voted else None,
            "manual_count": len(proposals) - len(voted),
            "groups": [
                (award, [(p, proposal_result_text(p, unit)) for p in items])
                for award, items in _grouped(proposals)
            ],
            "attachments": attachments,
            "recipients": ["Như trên;", "Các đơn vị thành viên khối;", "Lưu: VT."],
            "signature_blocks": [head_signature(bloc_year)],
        },
    )


def council_proposals(year: int, award_type=None):
    """The declared queryset of the council list: proposals that reached the council."""
    queryset = (
        AwardProposal.objects.with_related()
        .filter(year=year, state__in=COUNCIL_STATES)
        .order_by("award_type__order", "bloc_year__bloc__sort_name", "agency__sort_name", "pk")
    )
    if award_type is not None:
        queryset = queryset.filter(award_type=award_type)
    return queryset


def council_list_notes(proposals, quotas) -> dict[int, list[str]]:
    """What the council list's "Ghi chú" says of each row: the bloc a quota award's unit leads
    (DOMAIN.md), a proposal beyond its award's quota (ranked by `eligibility.quota_ranks`), or
    one for a quota award whose unit does not lead its bloc."""
    notes: dict[int, list[str]] = {}
    for quota in quotas:
        rows = [p for p in proposals if p.award_type.code == quota.rule.award_code]
        ranks = eligibility.quota_ranks([(p.pk, p.leads_bloc, p.percent, p.votes) for p in rows])
        for proposal in rows:
            lines = notes.setdefault(proposal.pk, [])
            if proposal.leads_bloc:
                lines.append(f"Dẫn đầu {proposal.bloc_year.bloc.name} năm {proposal.year}")
            else:
                lines.append("Không phải đơn vị dẫn đầu khối")
            if ranks[proposal.pk] > quota.limit:
                lines.append(
                    f"Vượt hạn mức: thứ {ranks[proposal.pk]}/{len(rows)}, hạn mức {quota.limit} "
                    f"trên {quota.leader_count} đơn vị dẫn đầu khối"
                )
    return notes


def council_list_pdf(year: int, award_type=None, *, quotas=(), stamp=None, renderer=render_pdf):
    """The province's "Danh sách đề nghị khen thưởng" for the council's papers (Decree 30),
    issued by the province body in settings; without `stamp` a DỰ THẢO preview."""
    proposals = list(council_proposals(year, award_type))
    notes = council_list_notes(proposals, quotas)
    data = renderer(
        "pdf/council_list.html",
        {
            "issuer_name": settings.PROVINCE_OFFICE_NAME,
            "doc_type": "DANH SÁCH",
            "subject": council_list_title(year, award_type),
            "doc_date": stamp.dated if stamp else timezone.localdate(),
            "stamp": stamp,
            "draft": stamp is None,
            "number": None if stamp else unnumbered("DS", settings.PROVINCE_OFFICE_CODE),
            "year": year,
            "groups": [
                (award, [(p, notes.get(p.pk, [])) for p in items])
                for award, items in _grouped(proposals)
            ],
            "quotas": quotas,
            "recipients": ["Hội đồng Thi đua - Khen thưởng tỉnh;", "Lưu: VT."],
            "signature_blocks": [
                SignatureBlock(
                    authority=settings.COUNCIL_LIST_SIGNER_AUTHORITY,
                    position=settings.COUNCIL_LIST_SIGNER_TITLE,
                    name=settings.COUNCIL_LIST_SIGNER_NAME,
                    note="",
                )
            ],
        },
    )
    suffix = f"-{vn_slugify(award_type.code)}" if award_type else ""
    return f"danh-sach-de-nghi-khen-thuong-{year}{suffix}.pdf", "application/pdf", data


def council_list_title(year: int, award_type=None) -> str:
    which = f" ({award_type.label})" if award_type else ""
    return f"Đề nghị khen thưởng năm {year}{which} trình Hội đồng Thi đua - Khen thưởng tỉnh"
