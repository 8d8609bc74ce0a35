"""What the bloc's score table prints (bảng tổng hợp kết quả chấm điểm thi đua), for its own PDF
and for the annex of the conference minutes that adopt it: plain data from the settled scores of
`awards.services.scoring.bloc_scores`, every figure with its base named. Document text, so
Vietnamese whatever the page's language.
"""

from dataclasses import dataclass

from django.utils import timezone

from awards import scoring
from awards.models import ScoreSheet, VotingSession
from awards.rules import for_unit, unit_of
from awards.signatures import head_signature
from emulation.documents import unnumbered
from emulation.pdf import render_pdf
from emulation.text import vn_slugify

PDF = "application/pdf"

# How the cross-check was done and how its points were combined, as the table's notes say it.
SCORING_METHOD_WORDS = {
    "self_only": "các đơn vị tự chấm, {head} duyệt phiếu",
    "everyone": "các đơn vị tự chấm và chấm chéo tất cả các đơn vị khác",
    "assigned": "các đơn vị tự chấm và mỗi đơn vị chấm chéo {per_unit} đơn vị được phân công",
    "team": "các đơn vị tự chấm, tổ chấm điểm chấm chéo",
}
AGGREGATION_WORDS = {
    "mean": "trung bình cộng điểm chấm chéo",
    "median": "trung vị điểm chấm chéo",
    "trimmed_mean": (
        "trung bình cộng điểm chấm chéo sau khi bỏ một điểm cao nhất và một điểm thấp nhất"
    ),
    "team": "điểm của tổ chấm điểm",
}
# More top headings than this and the table prints the standard points in one column.
MAX_HEADING_COLUMNS = 6


def points_text(value) -> str:
    """ "98,5", "100", "12,25": points as the table prints them (two places at most)."""
    number = scoring.shown(value).normalize()
    text = f"{number:f}" if number == number.to_integral() else f"{scoring.shown(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@dataclass(frozen=True)
class ScoreRow:
    place: int
    name: str
    headings: list[str]
    standard: str
    bonus: str
    penalty: str
    total: str
    note: str


def _leading_sentence(scores, unit: str) -> str:
    """The unit with the highest score, or the units tied there (they go to a vote)."""
    top = [r for r in scores.results if r.place == 1]
    if not top:
        return ""
    total = points_text(top[0].total)
    if scores.ranking.tie_at_top:
        names = ", ".join(r.agency.name for r in top)
        return (
            f"{names} bằng điểm cao nhất ({total} điểm): hội nghị bỏ phiếu chọn đơn vị dẫn đầu "
            f"{for_unit('khối', unit)}."
        )
    return (
        f"{top[0].agency.name} đạt điểm cao nhất ({total} điểm), là đơn vị dẫn đầu "
        f"{for_unit('khối', unit)} theo kết quả chấm điểm."
    )


def score_table(bloc_year, scores) -> dict:
    """What the score table prints, from the bloc's settled scores (`services.scoring.
    bloc_scores`): a row per member in ranking order with its points per top heading, bonus,
    penalty and total; the headings with their maxima; and the sentences that name the base of
    every figure, the method, the sheets counted and the leading unit (or the tie)."""
    table = scores.table
    maxima = scoring.heading_maxima(table)
    split = 1 < len(maxima) <= MAX_HEADING_COLUMNS
    titles = {c.code: c.title for c in scores.criteria}
    unit = unit_of(bloc_year.bloc)
    rows = []
    for result in scores.results:
        standard, bonus, penalty = scoring.settled_parts(table, result.lines)
        sums = scoring.heading_sums(table, result.lines)
        note = "Bằng điểm" if result.tied else ""
        if result.place == 1 and not scores.ranking.tie_at_top:
            note = for_unit("Dẫn đầu khối", unit)
        rows.append(
            ScoreRow(
                place=result.place,
                name=result.agency.name,
                headings=[points_text(sums[code]) for code in maxima] if split else [],
                standard=points_text(standard),
                bonus=points_text(bonus),
                penalty=points_text(penalty),
                total=points_text(result.total),
                note=note,
            )
        )
    plan = scores.plan
    own = sum(1 for result in scores.results if result.own_status in ScoreSheet.COUNTED)
    peers = sum(result.peer_sheets for result in scores.results)
    settled = sum(1 for r in scores.results for line in r.lines if line.settled_by_head)
    basis = f"Điểm chuẩn tối đa {points_text(table.max_points)} điểm"
    if table.bonus_limit:
        basis += f"; điểm thưởng tối đa {points_text(table.bonus_limit)} điểm"
    if table.penalty_limit:
        basis += f"; điểm trừ tối đa {points_text(table.penalty_limit)} điểm"
    basis += (
        ". Điểm mỗi tiêu chí làm tròn đến hai chữ số thập phân; tổng điểm = điểm chuẩn + điểm "
        "thưởng − điểm trừ."
    )
    method = ""
    if plan is not None:
        method = SCORING_METHOD_WORDS[plan.method].format(
            head=for_unit("Trưởng khối", unit), per_unit=plan.per_unit or 0
        )
        method = method[0].upper() + method[1:]
        if plan.method != "self_only":
            method += f"; điểm mỗi tiêu chí lấy {AGGREGATION_WORDS[plan.aggregation]}"
        method += (
            f"; {for_unit('Trưởng khối', unit)} chốt điểm {settled} tiêu chí, có ghi lý do."
            if settled
            else "."
        )
    sheets = f"Phiếu được tính: {own}/{len(scores.results)} phiếu tự chấm"
    sheets += f", {peers} phiếu chấm chéo đã gửi." if peers else " đã gửi."
    return {
        "score_rows": rows,
        "score_headings": [
            (code, titles.get(code, code), points_text(maximum)) for code, maximum in maxima.items()
        ]
        if split
        else [],
        "score_max": points_text(table.max_points),
        "score_bonus_max": points_text(table.bonus_limit),
        "score_penalty_max": points_text(table.penalty_limit),
        "score_basis": basis,
        "score_method": method,
        "score_sheets": sheets,
        "score_leading": _leading_sentence(scores, unit),
        "score_criteria_title": scores.criteria_set.title,
    }


def score_table_pdf(bloc_year, scores, *, session=None, renderer=render_pdf):
    """The bloc's "Bảng tổng hợp kết quả chấm điểm thi đua" signed by the head; a DỰ THẢO until
    the conference that adopts it is finalized (`session`), then dated that day and marked as
    attached to its minutes."""
    final = session is not None and session.state == VotingSession.State.FINALIZED
    minutes = session.conference_minutes if final else None
    context = {
        "issuer_name": bloc_year.bloc.name,
        "doc_type": "BẢNG TỔNG HỢP",
        "subject": f"Kết quả chấm điểm thi đua năm {bloc_year.year}",
        "doc_date": timezone.localtime(session.held_at).date() if final else timezone.localdate(),
        "draft": not final,
        "number": unnumbered("BTH", bloc_year.bloc.code),
        "attached_to": (
            f"Kèm theo Biên bản hội nghị tổng kết số {minutes.number}" if minutes else ""
        ),
        "bloc_year": bloc_year,
        **score_table(bloc_year, scores),
        "signature_blocks": [head_signature(bloc_year)],
    }
    data = renderer("pdf/score_table.html", context)
    name = f"bang-tong-hop-cham-diem-{vn_slugify(bloc_year.bloc.name)}-{bloc_year.year}"
    return f"{name}.pdf", PDF, data
