"""The vote count: plain data in, plain data out, no database.

The web pages, the PDFs and the tests all compute results here, so they always agree. Passing a
threshold is decided with exact rational arithmetic (votes × q compared with p × base), never
with floats; percentages are only for display. A tie at the last seat is reported, never broken.

Self-votes: ballots are secret, so a ballot cannot tell whose it is. When self-votes are not
allowed the ballot paper says so, and the count refuses the one case that proves a self-vote
happened: a present candidate marked on every returned ballot while every present member
returned one (its own ballot must be among them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from emulation.text import format_percent

BASES = ("all_members", "present", "returned", "valid")
COMPARATORS = ("gt", "ge")
TIE_RULES = ("runoff", "chair", "lot", "leaders")
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class RuleSpec:
    """The rule a poll is counted under (a frozen copy of its RuleSet)."""

    base: str = "all_members"
    comparator: str = "gt"
    threshold: Fraction = Fraction(1, 2)
    quorum: Fraction = Fraction(2, 3)
    max_marks: int | None = None  # None: as many as the seats
    self_vote_allowed: bool = True
    tie_rule: str = "runoff"
    # Rounds allowed, the first vote included (None: no limit), and who decides once they run out.
    max_rounds: int | None = None
    fallback_rule: str = ""

    def __post_init__(self):
        if self.base not in BASES:
            raise ValueError(f"unknown base {self.base!r}")
        if self.comparator not in COMPARATORS:
            raise ValueError(f"unknown comparator {self.comparator!r}")
        if self.tie_rule not in TIE_RULES:
            raise ValueError(f"unknown tie rule {self.tie_rule!r}")
        if self.max_rounds is not None and self.max_rounds < 1:
            raise ValueError("a vote has at least one round")
        if self.fallback_rule not in ("", *TIE_RULES) or self.fallback_rule == "runoff":
            raise ValueError(f"unknown fallback rule {self.fallback_rule!r}")
        object.__setattr__(self, "threshold", Fraction(self.threshold))
        object.__setattr__(self, "quorum", Fraction(self.quorum))
        if not 0 <= self.threshold <= 1 or not 0 <= self.quorum <= 1:
            raise ValueError("threshold and quorum are fractions between 0 and 1")

    def marks_allowed(self, seats: int) -> int:
        return self.max_marks or seats

    def tie_methods(self, round_number: int) -> tuple[str, ...]:
        """How a tie after round `round_number` (1 = the first vote) may be settled.

        Within the round limit the configured tie rule applies (a runoff that ties again may
        also be settled by the chair or a lot, so a conference cannot loop); past it only the
        fallback decider.
        """
        if self.max_rounds is not None and round_number >= self.max_rounds:
            return (self.fallback_rule or "chair",)
        if round_number == 1:
            return (self.tie_rule,)
        return tuple(dict.fromkeys((self.tie_rule, "chair", "lot")))

    def passes(self, votes: int, base_count: int) -> bool:
        """Exact comparison of votes/base with the threshold; nobody passes on an empty base."""
        if base_count <= 0:
            return False
        left = votes * self.threshold.denominator
        right = self.threshold.numerator * base_count
        return left > right if self.comparator == "gt" else left >= right

    def quorum_met(self, present: int, members: int) -> bool:
        if members <= 0:
            return False
        return present * self.quorum.denominator >= self.quorum.numerator * members

    def to_dict(self) -> dict:
        data = asdict(self)
        data["threshold"] = [self.threshold.numerator, self.threshold.denominator]
        data["quorum"] = [self.quorum.numerator, self.quorum.denominator]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> RuleSpec:
        return cls(
            **{
                **data,
                "threshold": Fraction(*data["threshold"]),
                "quorum": Fraction(*data["quorum"]),
            }
        )


@dataclass(frozen=True)
class CandidateInput:
    id: int
    name: str
    present: bool = True


@dataclass(frozen=True)
class BallotInput:
    """One paper: its serial, the candidate ids marked, and a reason if the counters voided it."""

    serial: int
    marks: tuple[int, ...] = ()
    declared_invalid_reason: str = ""


@dataclass(frozen=True)
class AggregateInput:
    """Counts entered from a paper count instead of ballot by ballot."""

    issued: int
    returned: int
    valid: int
    invalid: int
    votes: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class BallotVerdict:
    serial: int
    valid: bool
    reason: str = ""


@dataclass(frozen=True)
class CandidateResult:
    candidate_id: int
    name: str
    votes: int
    percent: Decimal
    passed: bool
    rank: int
    elected: bool = False
    tied: bool = False

    @property
    def percent_text(self) -> str:
        return format_percent(self.percent)


@dataclass(frozen=True)
class Tie:
    """Candidates with equal votes competing for the last `seats_open` seats."""

    candidate_ids: tuple[int, ...]
    votes: int
    first_seat: int
    last_seat: int

    @property
    def seats_open(self) -> int:
        return self.last_seat - self.first_seat + 1


@dataclass(frozen=True)
class TallyResult:
    rule: RuleSpec
    seats: int
    members: int
    present: int
    issued: int
    returned: int
    valid: int
    invalid: int
    base_count: int
    candidates: tuple[CandidateResult, ...]
    winners: tuple[int, ...]
    tie: Tie | None = None
    verdicts: tuple[BallotVerdict, ...] = ()
    # Candidates chosen by a tie resolution (chair, lot or runoff), already included in winners.
    tie_resolved_with: tuple[int, ...] = ()

    @property
    def quorum_met(self) -> bool:
        return self.rule.quorum_met(self.present, self.members)

    @property
    def has_open_tie(self) -> bool:
        return self.tie is not None and not self.tie_resolved_with

    def candidate(self, candidate_id: int) -> CandidateResult:
        return next(c for c in self.candidates if c.candidate_id == candidate_id)

    def with_tie_resolved(self, chosen: Iterable[int]) -> TallyResult:
        """The result after the tie was settled (by runoff, the chair or lots) for `chosen`."""
        chosen = tuple(chosen)
        if self.tie is None:
            raise ValueError("no tie to resolve")
        if len(chosen) != self.tie.seats_open or not set(chosen) <= set(self.tie.candidate_ids):
            raise ValueError("the chosen candidates must fill the open seats from the tied ones")
        winners = self.winners + chosen
        return replace(
            self,
            winners=winners,
            tie_resolved_with=chosen,
            candidates=tuple(
                replace(c, elected=c.candidate_id in winners) for c in self.candidates
            ),
        )

    def to_dict(self) -> dict:
        return {
            "rule": self.rule.to_dict(),
            "seats": self.seats,
            "members": self.members,
            "present": self.present,
            "issued": self.issued,
            "returned": self.returned,
            "valid": self.valid,
            "invalid": self.invalid,
            "base_count": self.base_count,
            "candidates": [{**asdict(c), "percent": str(c.percent)} for c in self.candidates],
            "winners": list(self.winners),
            "tie": None
            if self.tie is None
            else {**asdict(self.tie), "candidate_ids": list(self.tie.candidate_ids)},
            "verdicts": [asdict(v) for v in self.verdicts],
            "tie_resolved_with": list(self.tie_resolved_with),
        }

    @classmethod
    def from_dict(cls, data: dict) -> TallyResult:
        tie = data.get("tie")
        return cls(
            rule=RuleSpec.from_dict(data["rule"]),
            seats=data["seats"],
            members=data["members"],
            present=data["present"],
            issued=data["issued"],
            returned=data["returned"],
            valid=data["valid"],
            invalid=data["invalid"],
            base_count=data["base_count"],
            candidates=tuple(
                CandidateResult(**{**c, "percent": Decimal(c["percent"])})
                for c in data["candidates"]
            ),
            winners=tuple(data["winners"]),
            tie=None
            if tie is None
            else Tie(**{**tie, "candidate_ids": tuple(tie["candidate_ids"])}),
            verdicts=tuple(BallotVerdict(**v) for v in data.get("verdicts", [])),
            tie_resolved_with=tuple(data.get("tie_resolved_with", [])),
        )


class InconsistentCounts(ValueError):
    """Numbers that do not add up: `errors` maps a field ("returned", "votes_12") to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


def percent_of(votes: int, base_count: int) -> Decimal:
    if base_count <= 0:
        return Decimal("0.00")
    return (Decimal(votes) * 100 / Decimal(base_count)).quantize(TWO_PLACES, ROUND_HALF_UP)


def judge_ballot(ballot: BallotInput, candidate_ids: set[int], max_marks: int) -> BallotVerdict:
    """Valid or invalid with the reason, for one paper."""
    if ballot.declared_invalid_reason:
        return BallotVerdict(ballot.serial, False, ballot.declared_invalid_reason)
    unknown = [mark for mark in ballot.marks if mark not in candidate_ids]
    if unknown:
        raise InconsistentCounts(
            {
                "marks": [
                    _("Phiếu số %(serial)s đánh dấu đơn vị không có trong danh sách.")
                    % {"serial": ballot.serial}
                ]
            }
        )
    if len(set(ballot.marks)) != len(ballot.marks):
        return BallotVerdict(ballot.serial, False, _("Phiếu đánh dấu trùng một đơn vị."))
    if len(ballot.marks) > max_marks:
        return BallotVerdict(
            ballot.serial,
            False,
            _("Phiếu đánh dấu %(marks)s đơn vị, vượt quá số tối đa %(max)s.")
            % {"marks": len(ballot.marks), "max": max_marks},
        )
    return BallotVerdict(ballot.serial, True)


def check_aggregate(
    counts: AggregateInput,
    *,
    rule: RuleSpec,
    seats: int,
    candidates: Sequence[CandidateInput],
    present: int,
) -> None:
    """Raise InconsistentCounts naming every number that does not add up, with its value."""
    errors: dict[str, list[str]] = {}
    _check_signs(errors, counts, candidates)
    if errors:
        raise InconsistentCounts(errors)
    _check_paper_totals(errors, counts, present)
    _check_candidate_votes(errors, counts, rule.marks_allowed(seats), candidates)
    if not errors:
        _check_self_votes(errors, rule, candidates, counts, present)
    if errors:
        raise InconsistentCounts(errors)


def _add_error(errors: dict[str, list[str]], key: str, message: str, **params) -> None:
    errors.setdefault(key, []).append(message % params)


def _check_signs(errors, counts: AggregateInput, candidates: Sequence[CandidateInput]) -> None:
    """No count may be negative (the sums below would be meaningless)."""
    labels = {
        "issued": _("Số phiếu phát ra"),
        "returned": _("Số phiếu thu vào"),
        "valid": _("Số phiếu hợp lệ"),
        "invalid": _("Số phiếu không hợp lệ"),
    }
    for key, label in labels.items():
        if getattr(counts, key) < 0:
            _add_error(
                errors,
                key,
                _("%(label)s (%(value)s) không được là số âm."),
                label=label,
                value=getattr(counts, key),
            )
    for candidate in candidates:
        if counts.votes.get(candidate.id, 0) < 0:
            _add_error(
                errors,
                f"votes_{candidate.id}",
                _("Số phiếu đồng ý của %(name)s (%(value)s) không được là số âm."),
                name=candidate.name,
                value=counts.votes[candidate.id],
            )


def _check_paper_totals(errors, counts: AggregateInput, present: int) -> None:
    """Issued ≤ present, returned ≤ issued, valid + invalid = returned."""
    if counts.issued > present:
        _add_error(
            errors,
            "issued",
            _("Số phiếu phát ra (%(issued)s) lớn hơn số thành viên có mặt (%(present)s)."),
            issued=counts.issued,
            present=present,
        )
    if counts.returned > counts.issued:
        _add_error(
            errors,
            "returned",
            _("Số phiếu thu vào (%(returned)s) lớn hơn số phiếu phát ra (%(issued)s)."),
            returned=counts.returned,
            issued=counts.issued,
        )
    if counts.valid + counts.invalid != counts.returned:
        _add_error(
            errors,
            "valid",
            _(
                "Số phiếu hợp lệ (%(valid)s) cộng số phiếu không hợp lệ (%(invalid)s) bằng "
                "%(total)s, khác số phiếu thu vào (%(returned)s)."
            ),
            valid=counts.valid,
            invalid=counts.invalid,
            total=counts.valid + counts.invalid,
            returned=counts.returned,
        )


def _check_candidate_votes(
    errors, counts: AggregateInput, max_marks: int, candidates: Sequence[CandidateInput]
) -> None:
    """Votes only for candidates, none above the valid papers, all within the marks allowed."""
    known = {candidate.id for candidate in candidates}
    if set(counts.votes) - known:
        _add_error(errors, "__all__", _("Có số phiếu cho đơn vị không có trong danh sách bầu."))
    for candidate in candidates:
        votes = counts.votes.get(candidate.id, 0)
        if votes > counts.valid:
            _add_error(
                errors,
                f"votes_{candidate.id}",
                _("Số phiếu đồng ý của %(name)s (%(votes)s) lớn hơn số phiếu hợp lệ (%(valid)s)."),
                name=candidate.name,
                votes=votes,
                valid=counts.valid,
            )
    total = sum(counts.votes.get(candidate.id, 0) for candidate in candidates)
    if total > counts.valid * max_marks:
        _add_error(
            errors,
            "__all__",
            _(
                "Tổng số phiếu đồng ý của các đơn vị (%(total)s) lớn hơn số phiếu hợp lệ "
                "nhân số đơn vị được chọn tối đa trên mỗi phiếu (%(valid)s × %(max)s = %(limit)s)."
            ),
            total=total,
            valid=counts.valid,
            max=max_marks,
            limit=counts.valid * max_marks,
        )


def _check_self_votes(errors, rule, candidates, counts: AggregateInput, present: int) -> None:
    if rule.self_vote_allowed or counts.returned != present or counts.returned == 0:
        return
    for candidate in candidates:
        votes = counts.votes.get(candidate.id, 0)
        ceiling = min(counts.valid, counts.returned - 1)
        if candidate.present and votes > ceiling:
            errors.setdefault(f"votes_{candidate.id}", []).append(
                _(
                    "%(name)s có %(votes)s phiếu đồng ý trên %(returned)s phiếu thu vào, nhưng đơn "
                    "vị không được tự bỏ phiếu cho mình nên nhiều nhất chỉ có %(ceiling)s phiếu."
                )
                % {
                    "name": candidate.name,
                    "votes": votes,
                    "returned": counts.returned,
                    "ceiling": ceiling,
                }
            )


def aggregate_ballots(
    ballots: Sequence[BallotInput],
    *,
    rule: RuleSpec,
    seats: int,
    candidates: Sequence[CandidateInput],
    issued: int,
) -> tuple[AggregateInput, tuple[BallotVerdict, ...]]:
    """Judge every paper and sum the valid ones into counts."""
    ids = {candidate.id for candidate in candidates}
    max_marks = rule.marks_allowed(seats)
    votes = dict.fromkeys(ids, 0)
    verdicts = []
    for ballot in ballots:
        verdict = judge_ballot(ballot, ids, max_marks)
        verdicts.append(verdict)
        if verdict.valid:
            for mark in ballot.marks:
                votes[mark] += 1
    valid = sum(1 for verdict in verdicts if verdict.valid)
    counts = AggregateInput(
        issued=issued,
        returned=len(verdicts),
        valid=valid,
        invalid=len(verdicts) - valid,
        votes=votes,
    )
    return counts, tuple(sorted(verdicts, key=lambda v: v.serial))


def tally(
    *,
    rule: RuleSpec,
    seats: int,
    candidates: Sequence[CandidateInput],
    members: int,
    present: int,
    ballots: Sequence[BallotInput] | None = None,
    aggregate: AggregateInput | None = None,
    issued: int | None = None,
) -> TallyResult:
    """Count a poll from ballots (with `issued`) or from aggregate counts; see the module doc."""
    if (ballots is None) == (aggregate is None):
        raise ValueError("give either ballots or aggregate counts")
    if seats < 1:
        raise ValueError("a poll has at least one seat")
    verdicts: tuple[BallotVerdict, ...] = ()
    if ballots is not None:
        aggregate, verdicts = aggregate_ballots(
            ballots,
            rule=rule,
            seats=seats,
            candidates=candidates,
            issued=present if issued is None else issued,
        )
    check_aggregate(aggregate, rule=rule, seats=seats, candidates=candidates, present=present)
    base_count = {
        "all_members": members,
        "present": present,
        "returned": aggregate.returned,
        "valid": aggregate.valid,
    }[rule.base]
    votes = {candidate.id: aggregate.votes.get(candidate.id, 0) for candidate in candidates}
    order = sorted(candidates, key=lambda c: -votes[c.id])
    ranks: dict[int, int] = {}
    for position, candidate in enumerate(order, start=1):
        previous = order[position - 2] if position > 1 else None
        same = previous is not None and votes[previous.id] == votes[candidate.id]
        ranks[candidate.id] = ranks[previous.id] if same else position
    passed = {c.id: rule.passes(votes[c.id], base_count) for c in candidates}
    winners, tie = _seat(order, votes, passed, seats)
    tied = set(tie.candidate_ids) if tie else set()
    results = tuple(
        CandidateResult(
            candidate_id=c.id,
            name=c.name,
            votes=votes[c.id],
            percent=percent_of(votes[c.id], base_count),
            passed=passed[c.id],
            rank=ranks[c.id],
            elected=c.id in winners,
            tied=c.id in tied,
        )
        for c in order
    )
    return TallyResult(
        rule=rule,
        seats=seats,
        members=members,
        present=present,
        issued=aggregate.issued,
        returned=aggregate.returned,
        valid=aggregate.valid,
        invalid=aggregate.invalid,
        base_count=base_count,
        candidates=results,
        winners=winners,
        tie=tie,
        verdicts=verdicts,
    )


def _seat(order, votes, passed, seats) -> tuple[tuple[int, ...], Tie | None]:
    """Fill the seats from those who passed, by votes; report a tie straddling the last seat."""
    eligible = [c.id for c in order if passed[c.id]]
    if len(eligible) <= seats:
        return tuple(eligible), None
    cutoff = votes[eligible[seats - 1]]
    above = tuple(cid for cid in eligible if votes[cid] > cutoff)
    level = tuple(cid for cid in eligible if votes[cid] == cutoff)
    if len(above) + len(level) <= seats:
        return above + level, None
    return above, Tie(candidate_ids=level, votes=cutoff, first_seat=len(above) + 1, last_seat=seats)
