"""Eligibility checks for award proposals: plain functions over plain data, no ORM.

The page, the council list and the tests compute the same findings from the same inputs. Numbers
(the Government Flag quota, history requirements) arrive as rule objects built from configuration
rows with an effective date; only the two hard rules of law (no award to an agency that ended
before the year closed, no second proposal for the same achievement) are fixed here.
"""

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

ROUNDING_FLOOR = "floor"
ROUNDING_HALF_UP = "half_up"
ROUNDING_CEIL = "ceil"

SEVERITY_ERROR = "error"
SEVERITY_WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One check's outcome for one proposal. Errors block; warnings inform staff."""

    code: str
    message: str
    severity: str = SEVERITY_WARNING

    @property
    def blocking(self) -> bool:
        return self.severity == SEVERITY_ERROR


@dataclass(frozen=True)
class QuotaRule:
    """At most `percent` % of the province's bloc leaders may be proposed for `award_code`."""

    award_code: str
    percent: Decimal
    rounding: str = ROUNDING_FLOOR
    award_label: str = ""


@dataclass(frozen=True)
class LeadingOnlyRule:
    """`award_code` may only go to a unit voted leading its bloc that year."""

    award_code: str
    award_label: str = ""


@dataclass(frozen=True)
class MinScoreRule:
    """`award_code` may only go to a unit whose bloc scored it at least `points` (the settled
    total of the bloc's year-end score table); a bloc that did not score is not held to it."""

    award_code: str
    points: Decimal
    award_label: str = ""


@dataclass(frozen=True)
class ConsecutiveRule:
    """`award_code` needs `required_code` in each of the `years` years before the achievement year
    (or ending with it when `includes_achievement_year`)."""

    award_code: str
    required_code: str
    years: int
    includes_achievement_year: bool = False
    award_label: str = ""
    required_label: str = ""


@dataclass(frozen=True)
class WindowRule:
    """`award_code` needs `required_code` at least `times` times within the `window` years before
    the achievement year (or ending with it when `includes_achievement_year`)."""

    award_code: str
    required_code: str
    times: int
    window: int
    includes_achievement_year: bool = False
    award_label: str = ""
    required_label: str = ""


@dataclass(frozen=True)
class Candidate:
    """What the checks need to know about one proposal."""

    agency_id: int
    award_code: str
    year: int
    award_label: str = ""
    agency_name: str = ""
    person_name: str = ""
    agency_ended_on: datetime.date | None = None
    leads_bloc: bool = False
    score: Decimal | None = None  # the unit's total in its bloc's score table (None: no table)


@dataclass(frozen=True)
class ProposalKey:
    """Identity of an achievement: the same key twice is a double proposal."""

    agency_id: int
    award_code: str
    year: int
    person: str = ""


@dataclass
class Context:
    """The year's facts the checks run against.

    `other_keys`: keys of every other live proposal and of every award already in the ledger;
    `history`: (year, award_code) pairs awarded to the candidate's lineage (renames, mergers).
    """

    other_keys: set[ProposalKey] = field(default_factory=set)
    history: Iterable[tuple[int, str]] = ()


def person_key(name: str) -> str:
    """Compare people's names without case or spacing differences."""
    return " ".join((name or "").split()).casefold()


def key_of(candidate: Candidate) -> ProposalKey:
    return ProposalKey(
        candidate.agency_id, candidate.award_code, candidate.year, person_key(candidate.person_name)
    )


def quota_limit(leader_count: int, percent: Decimal, rounding: str = ROUNDING_FLOOR) -> int:
    """How many proposals `percent` % of `leader_count` allows, rounded as configured."""
    if leader_count <= 0:
        return 0
    exact = Decimal(leader_count) * Decimal(percent) / Decimal(100)
    if rounding == ROUNDING_CEIL:
        return math.ceil(exact)
    if rounding == ROUNDING_HALF_UP:
        return int(exact + Decimal("0.5"))
    return math.floor(exact)


def quota_ranks(rows) -> dict[int, int]:
    """{pk: rank} of one award's proposals in the order the quota admits them: units leading
    their bloc first, then by the bloc's percentage, then votes, then the earlier proposal.
    `rows` are (pk, leads_bloc, percent or None, votes or None)."""
    ordered = sorted(rows, key=lambda row: (not row[1], -(row[2] or 0), -(row[3] or 0), row[0]))
    return {row[0]: rank for rank, row in enumerate(ordered, start=1)}


@dataclass(frozen=True)
class QuotaStatus:
    """The quota's state for one award type and year across all blocs."""

    rule: QuotaRule
    leader_count: int
    proposed: int

    @property
    def limit(self) -> int:
        return quota_limit(self.leader_count, self.rule.percent, self.rule.rounding)

    @property
    def remaining(self) -> int:
        return max(self.limit - self.proposed, 0)

    @property
    def exceeded(self) -> bool:
        return self.proposed > self.limit

    @property
    def rule_text(self) -> str:
        return quota_rule_text(self.rule)

    @property
    def message(self) -> str:
        params = {
            "label": self.rule.award_label or self.rule.award_code,
            "limit": self.limit,
            "leaders": self.leader_count,
            "proposed": self.proposed,
            "remaining": self.remaining,
        }
        if self.exceeded:
            return (
                _(
                    "%(label)s: đã đề nghị %(proposed)s, vượt hạn mức %(limit)s "
                    "(trên %(leaders)s đơn vị dẫn đầu khối)."
                )
                % params
            )
        return (
            _(
                "%(label)s: hạn mức %(limit)s (trên %(leaders)s đơn vị dẫn đầu khối), "
                "đã đề nghị %(proposed)s, còn có thể đề nghị %(remaining)s."
            )
            % params
        )


def quota_rule_text(rule: QuotaRule) -> str:
    rounding = {
        ROUNDING_FLOOR: _("làm tròn xuống"),
        ROUNDING_HALF_UP: _("làm tròn"),
        ROUNDING_CEIL: _("làm tròn lên"),
    }.get(rule.rounding, rule.rounding)
    return _(
        "Số đề nghị %(label)s không vượt quá %(percent)s%% số tập thể được bình chọn dẫn đầu "
        "khối thi đua trong tỉnh cùng năm (%(rounding)s)."
    ) % {
        "label": rule.award_label or rule.award_code,
        "percent": _format_number(rule.percent),
        "rounding": rounding,
    }


def _format_number(value: Decimal) -> str:
    """12,5 or 90: a rule's number as the page prints it."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def leading_rule_text(rule: LeadingOnlyRule) -> str:
    return _("%(label)s chỉ dành cho đơn vị được bình chọn dẫn đầu khối thi đua năm đó.") % {
        "label": rule.award_label or rule.award_code
    }


def min_score_rule_text(rule: MinScoreRule) -> str:
    return _(
        "%(label)s chỉ dành cho đơn vị đạt từ %(points)s điểm trở lên trong bảng tổng hợp kết "
        "quả chấm điểm thi đua của khối."
    ) % {"label": rule.award_label or rule.award_code, "points": _format_number(rule.points)}


def below_min_score(rule: MinScoreRule, score: Decimal | None) -> bool:
    """A unit scored under the rule's minimum (None: its bloc did not score, so no)."""
    return score is not None and Decimal(score) < rule.points


def _years_text(includes: bool) -> str:
    return _("tính cả năm đề nghị") if includes else _("liền trước năm đề nghị")


def consecutive_rule_text(rule: ConsecutiveRule) -> str:
    return _("%(label)s cần %(years)s năm liên tục đạt %(required)s (%(when)s).") % {
        "label": rule.award_label or rule.award_code,
        "years": rule.years,
        "required": rule.required_label or rule.required_code,
        "when": _years_text(rule.includes_achievement_year),
    }


def window_rule_text(rule: WindowRule) -> str:
    return _(
        "%(label)s cần ít nhất %(times)s lần đạt %(required)s trong %(window)s năm (%(when)s)."
    ) % {
        "label": rule.award_label or rule.award_code,
        "times": rule.times,
        "window": rule.window,
        "required": rule.required_label or rule.required_code,
        "when": _years_text(rule.includes_achievement_year),
    }


def rule_text(rule) -> str:
    """The rule in words, as printed beside a warning."""
    if isinstance(rule, QuotaRule):
        return quota_rule_text(rule)
    if isinstance(rule, LeadingOnlyRule):
        return leading_rule_text(rule)
    if isinstance(rule, ConsecutiveRule):
        return consecutive_rule_text(rule)
    if isinstance(rule, MinScoreRule):
        return min_score_rule_text(rule)
    return window_rule_text(rule)


def _window_years(year: int, length: int, includes: bool) -> range:
    last = year if includes else year - 1
    return range(last - length + 1, last + 1)


def check_consecutive(rule: ConsecutiveRule, year: int, history: Iterable[tuple[int, str]]) -> bool:
    """True when `required_code` was awarded in every year of the rule's window."""
    awarded = {y for y, code in history if code == rule.required_code}
    return all(
        y in awarded for y in _window_years(year, rule.years, rule.includes_achievement_year)
    )


def check_window(rule: WindowRule, year: int, history: Iterable[tuple[int, str]]) -> bool:
    """True when `required_code` was awarded in at least `times` distinct years of the window."""
    window = set(_window_years(year, rule.window, rule.includes_achievement_year))
    awarded = {y for y, code in history if code == rule.required_code and y in window}
    return len(awarded) >= rule.times


def ended_before_year_closed(ended_on: datetime.date | None, year: int) -> bool:
    """An agency that ended (dissolved, merged) on or before 30/12 of `year` did not finish it."""
    return ended_on is not None and ended_on < datetime.date(year, 12, 31)


def check_candidate(candidate: Candidate, context: Context, rules: Iterable) -> list[Finding]:
    """Every finding for one proposal: hard errors first, then the configured rules' warnings."""
    findings: list[Finding] = []
    if ended_before_year_closed(candidate.agency_ended_on, candidate.year):
        findings.append(
            Finding(
                "ended",
                _(
                    "%(agency)s đã giải thể hoặc hợp nhất ngày %(date)s, trước khi kết thúc năm "
                    "%(year)s: không đề nghị khen thưởng."
                )
                % {
                    "agency": candidate.agency_name,
                    "date": candidate.agency_ended_on.strftime("%d/%m/%Y"),
                    "year": candidate.year,
                },
                SEVERITY_ERROR,
            )
        )
    if key_of(candidate) in context.other_keys:
        findings.append(
            Finding(
                "duplicate",
                _("Đã có đề nghị hoặc quyết định %(label)s năm %(year)s cho %(who)s.")
                % {
                    "label": candidate.award_label or candidate.award_code,
                    "year": candidate.year,
                    "who": candidate.person_name or candidate.agency_name,
                },
                SEVERITY_ERROR,
            )
        )
    history = list(context.history)
    for rule in rules:
        if rule.award_code != candidate.award_code:
            continue
        if isinstance(rule, LeadingOnlyRule) and not candidate.leads_bloc:
            findings.append(Finding("not_leading", leading_rule_text(rule)))
        elif isinstance(rule, MinScoreRule) and below_min_score(rule, candidate.score):
            findings.append(
                Finding(
                    "below_min_score",
                    _("%(rule)s %(agency)s đạt %(score)s điểm.")
                    % {
                        "rule": min_score_rule_text(rule),
                        "agency": candidate.agency_name,
                        "score": _format_number(candidate.score),
                    },
                )
            )
        elif isinstance(rule, ConsecutiveRule) and not check_consecutive(
            rule, candidate.year, history
        ):
            findings.append(Finding("history_consecutive", consecutive_rule_text(rule)))
        elif isinstance(rule, WindowRule) and not check_window(rule, candidate.year, history):
            findings.append(Finding("history_window", window_rule_text(rule)))
    return findings


def quota_statuses(
    rules: Iterable, leader_count: int, proposed_by_code: dict[str, int]
) -> list[QuotaStatus]:
    """The state of every quota rule for the year, given how many are proposed per award code."""
    return [
        QuotaStatus(rule, leader_count, proposed_by_code.get(rule.award_code, 0))
        for rule in rules
        if isinstance(rule, QuotaRule)
    ]
