"""Spreadsheet exports of the proposal stage and the ledger (through `emulation.excel`)."""

from itertools import groupby

from awards import scoring
from awards.pdf import council_list_notes, council_proposals
from awards.services.ledger import award_statistics
from awards.services.proposals import year_eligibility
from emulation.excel import Exporter, Sheet

COUNCIL_HEADERS = [
    "TT",
    "Tập thể, cá nhân",
    "Chức vụ",
    "Cơ quan, đơn vị",
    "Khối thi đua",
    "Dẫn đầu khối",
    "Số phiếu",
    "Tỷ lệ phiếu (%)",
    "Trạng thái",
    "Tỷ lệ tán thành của Hội đồng (%)",
    "Ghi chú",
]


QUOTA_HEADERS = [
    "Danh hiệu",
    "Quy định",
    "Số đơn vị dẫn đầu khối",
    "Hạn mức",
    "Đã đề nghị",
    "Kết quả",
]


class CouncilListExporter(Exporter):
    """The council's list of proposals for a year: one sheet per award type."""

    def __init__(self, year: int, award_type=None):
        self.year = year
        self.award_type = award_type
        suffix = f" {award_type.code}" if award_type else ""
        self.filename = f"danh sach de nghi khen thuong {year}{suffix}"
        self.title = f"Đề nghị {year}"

    def sheets(self) -> list[Sheet]:
        proposals = list(council_proposals(self.year, self.award_type))
        quotas = year_eligibility(self.year, []).quotas
        notes = council_list_notes(proposals, quotas)
        sheets = []
        for award, items in groupby(proposals, key=lambda p: p.award_type):
            rows = [
                [
                    index,
                    p.person_name or p.agency.name,
                    p.person_title,
                    p.agency.name,
                    p.bloc_year.bloc.name,
                    "x" if p.leads_bloc else "",
                    p.votes,
                    p.percent,
                    p.get_state_display(),
                    p.council_percent,
                    "; ".join(notes.get(p.pk, [])),
                ]
                for index, p in enumerate(items, start=1)
            ]
            sheets.append(Sheet(_sheet_title(award), COUNCIL_HEADERS, rows))
        sheets = sheets or [Sheet(self.title, COUNCIL_HEADERS, [])]
        if quotas:
            sheets.append(
                Sheet(
                    "Hạn mức",
                    QUOTA_HEADERS,
                    [
                        [
                            quota.rule.award_label or quota.rule.award_code,
                            quota.rule_text,
                            quota.leader_count,
                            quota.limit,
                            quota.proposed,
                            "Vượt hạn mức" if quota.exceeded else "Trong hạn mức",
                        ]
                        for quota in quotas
                    ],
                )
            )
        return sheets


def _sheet_title(award) -> str:
    # Excel sheet names: at most 31 characters, none of []:*?/\ .
    name = award.code
    for char in "[]:*?/\\":
        name = name.replace(char, " ")
    return name[:31]


STATISTICS_HEADERS = ["Năm", "Mã", "Danh hiệu, hình thức", "Tập thể", "Cá nhân", "Tổng"]


class StatisticsExporter(Exporter):
    """Awards in force per year and award type, collectives and individuals."""

    filename = "thong ke khen thuong"
    title = "Thống kê khen thưởng"

    def __init__(self, years=None):
        self.years = years

    def headers(self):
        return STATISTICS_HEADERS

    def rows(self):
        for row in award_statistics(self.years):
            yield [
                row.year,
                row.award_type.code,
                row.award_type.legal_name,
                row.collectives,
                row.individuals,
                row.total,
            ]


SCORE_HEADERS = [
    "Xếp hạng",
    "Đơn vị",
    "Điểm chuẩn",
    "Điểm thưởng",
    "Điểm trừ",
    "Tổng điểm",
    "Bằng điểm",
    "Phiếu tự chấm",
    "Số phiếu chấm chéo",
]
SCORE_DETAIL_HEADERS = [
    "Đơn vị",
    "Mã",
    "Tiêu chí",
    "Điểm tối đa",
    "Tự chấm",
    "Chấm chéo (tổng hợp)",
    "Điểm chốt",
    "Khối trưởng chốt",
]


class ScoreTableExporter(Exporter):
    """The bloc's score table (bảng tổng hợp kết quả chấm điểm): the ranking with each total's
    parts, and every member's criteria (own, peers, final), points to two places as printed."""

    def __init__(self, bloc_year, scores):
        self.bloc_year = bloc_year
        self.scores = scores
        self.filename = f"bang tong hop ket qua cham diem {bloc_year.bloc.name} {bloc_year.year}"
        self.title = "Kết quả chấm điểm"

    def sheets(self) -> list[Sheet]:
        table = self.scores.table
        titles = {criterion.code: criterion.title for criterion in self.scores.criteria}
        maxima = {item.code: item.max_points for item in table.items}
        ranking, detail = [], []
        for result in self.scores.results:
            standard, bonus, penalty = scoring.settled_parts(table, result.lines)
            ranking.append(
                [
                    result.place,
                    result.agency.name,
                    scoring.shown(standard),
                    scoring.shown(bonus),
                    scoring.shown(penalty),
                    result.total_shown,
                    "x" if result.tied else "",
                    result.own_status_label,
                    result.peer_sheets,
                ]
            )
            for line in result.lines:
                detail.append(
                    [
                        result.agency.name,
                        line.code,
                        titles[line.code],
                        maxima[line.code],
                        line.own,
                        None if line.peers is None else scoring.shown(line.peers),
                        scoring.shown(line.final),
                        "x" if line.settled_by_head else "",
                    ]
                )
        return [
            Sheet(self.title, SCORE_HEADERS, ranking),
            Sheet("Chi tiết theo tiêu chí", SCORE_DETAIL_HEADERS, detail),
        ]
