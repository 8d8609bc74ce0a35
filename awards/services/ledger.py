"""The award ledger: recording decisions (one decision, many awards), revoking awards, and the
statistics counted from it."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from awards.models import AwardProposal, AwardRecord, AwardType, Decision
from awards.services import proposals as proposal_services
from awards.services.proposals.common import _locked
from blocs.models import Bloc, FormerProvince, Membership
from emulation.audit import log_action
from emulation.text import vn_sort_key
from emulation.workflow import check_move, transition


def get_or_create_decision(
    *,
    number: str,
    signed_on: datetime.date,
    signer_name: str = "",
    signer_title: str = "",
    deciding_level: str = "",
    subject: str = "",
    actor,
) -> Decision:
    """The decision with this number and date, created (and audited) the first time it is seen."""
    number = (number or "").strip()
    if not number or not signed_on:
        raise ValidationError(_("Quyết định cần có số và ngày ký."))
    decision, created = Decision.objects.get_or_create(
        number=number,
        signed_on=signed_on,
        former_province=None,
        defaults={
            "signer_name": signer_name,
            "signer_title": signer_title,
            "deciding_level": deciding_level,
            "subject": subject,
            "created_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    if created:
        log_action(
            "awards.decision.created",
            decision,
            actor=actor,
            data=proposal_services.facts(number=number, signed_on=signed_on, signer=signer_name),
        )
    return decision


@transaction.atomic
def record_decision(
    proposals,
    *,
    number: str,
    signed_on: datetime.date,
    signer_name: str,
    signer_title: str = "",
    deciding_level: str = "",
    subject: str = "",
    source: str = AwardRecord.Source.BLOC_VOTE,
    actor,
) -> Decision:
    """One decision covering many proposals: each becomes decided and enters the ledger."""
    proposals = list(proposals)
    if not proposals:
        raise ValidationError(_("Chưa chọn đề nghị nào cho quyết định."))
    locked = _locked(proposals)
    proposal_services.check_decidable(locked, deciding_level)
    decision = get_or_create_decision(
        number=number,
        signed_on=signed_on,
        signer_name=signer_name,
        signer_title=signer_title,
        deciding_level=deciding_level,
        subject=subject,
        actor=actor,
    )
    for proposal in locked:
        proposal_services.decide(proposal, decision, actor=actor)
        try:
            with transaction.atomic():
                record = AwardRecord.objects.create(
                    agency=proposal.agency,
                    person_name=proposal.person_name,
                    person_title=proposal.person_title,
                    award_type=proposal.award_type,
                    year=proposal.year,
                    decision=decision,
                    source=source,
                    proposal=proposal,
                )
        except IntegrityError as error:
            raise ValidationError(
                _("%(who)s đã có %(award)s năm %(year)s trong sổ khen thưởng.")
                % {
                    "who": proposal.recipient_label,
                    "award": proposal.award_type,
                    "year": proposal.year,
                }
            ) from error
        log_action(
            "awards.award.recorded",
            record,
            actor=actor,
            data=proposal_services.facts(decision=str(decision), proposal=str(proposal)),
        )
    return decision


@transaction.atomic
def revoke_award(
    record: AwardRecord,
    *,
    number: str,
    signed_on: datetime.date,
    signer_name: str = "",
    signer_title: str = "",
    reason: str,
    actor,
) -> AwardRecord:
    """Revoke an award by a later decision; its proposal, if any, becomes revoked too."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Vui lòng ghi lý do thu hồi."))
    record = AwardRecord.objects.select_for_update().get(pk=record.pk)
    check_move(record, AwardRecord.Status.REVOKED)
    decision = get_or_create_decision(
        number=number,
        signed_on=signed_on,
        signer_name=signer_name,
        signer_title=signer_title,
        subject=_("Thu hồi khen thưởng"),
        actor=actor,
    )
    if decision.pk == record.decision_id or signed_on < record.decision.signed_on:
        raise ValidationError(_("Quyết định thu hồi phải là một quyết định sau quyết định khen."))
    transition(
        record,
        AwardRecord.Status.REVOKED,
        actor=actor,
        action="awards.award.revoked",
        changes={"revoked_by": decision, "revoke_reason": reason},
        data=proposal_services.facts(decision=str(decision), reason=reason),
        locked=True,
    )
    if record.proposal_id:
        proposal = AwardProposal.objects.select_for_update().get(pk=record.proposal_id)
        proposal_services.revoke(proposal, actor=actor)
    return record


@dataclass
class StatisticsRow:
    """Awards of one type in one year, split into collectives and individuals."""

    year: int
    award_type: AwardType
    collectives: int = 0
    individuals: int = 0

    @property
    def total(self) -> int:
        return self.collectives + self.individuals


def award_statistics(years=None) -> list[StatisticsRow]:
    """Counts of awards in force per achievement year and award type (one query)."""
    records = AwardRecord.objects.awarded()
    if years:
        records = records.filter(year__in=list(years))
    counts = records.values("year", "award_type").annotate(
        collectives=Count("pk", filter=Q(person_name="")),
        individuals=Count("pk", filter=~Q(person_name="")),
    )
    types = {award.pk: award for award in AwardType.objects.all()}
    rows = [
        StatisticsRow(
            item["year"], types[item["award_type"]], item["collectives"], item["individuals"]
        )
        for item in counts
    ]
    return sorted(rows, key=lambda row: (-row.year, row.award_type.order, row.award_type.code))


def statistics_sentence(rows: list[StatisticsRow]) -> str:
    """One year's awards as a report sentence: "8 tập thể được tặng Cờ thi đua của Chính phủ;
    6 tập thể, 3 cá nhân Huân chương Lao động hạng Ba" (counts are never zero-padded)."""
    parts = []
    for row in rows:
        counts = []
        if row.collectives:
            counts.append(_("%(n)s tập thể") % {"n": row.collectives})
        if row.individuals:
            counts.append(_("%(n)s cá nhân") % {"n": row.individuals})
        if not counts:
            continue
        verb = _("được tặng") if not parts else ""
        parts.append(" ".join(filter(None, [", ".join(counts), verb, row.award_type.legal_name])))
    return "; ".join(parts) + ("." if parts else "")


@dataclass
class CountRow:
    """Awards counted under one label (a year, a bloc, a province), collectives apart."""

    label: str
    collectives: int = 0
    individuals: int = 0

    @property
    def total(self) -> int:
        return self.collectives + self.individuals


@dataclass
class TrendRow:
    """One award type's (or the rest's) counts over the trend's years."""

    label: str
    counts: list[int]


@dataclass
class StatisticsOverview:
    """Everything the statistics page draws and tabulates for one selected year."""

    year: int | None
    years: list[int]
    per_year: list[CountRow]
    per_type: list[StatisticsRow]
    per_bloc: list[CountRow]
    per_province: list[CountRow]
    trend_years: list[int]
    trend: list[TrendRow]


TREND_YEARS = 10
TREND_TYPES = 5
_KINDS = {
    "collectives": Count("pk", filter=Q(person_name="")),
    "individuals": Count("pk", filter=~Q(person_name="")),
}


def _per_bloc(year: int) -> list[CountRow]:
    """The year's awards by the bloc the agency was a member of that year (two queries)."""
    membership = Membership.objects.filter(agency_id=OuterRef("agency_id"), year=OuterRef("year"))
    counts = list(
        AwardRecord.objects.awarded()
        .filter(year=year)
        .annotate(bloc_id=Subquery(membership.values("bloc_year__bloc_id")[:1]))
        .values("bloc_id")
        .annotate(**_KINDS)
        .order_by()
    )
    names = Bloc.objects.in_bulk([c["bloc_id"] for c in counts if c["bloc_id"]])
    rows = [
        CountRow(
            names[c["bloc_id"]].name if c["bloc_id"] else _("Không thuộc khối nào"),
            c["collectives"],
            c["individuals"],
        )
        for c in counts
    ]
    return sorted(rows, key=lambda row: (-row.total, vn_sort_key(row.label)))


def _per_province(year: int) -> list[CountRow]:
    """The year's awards by the former province of the agency (the portal's own first)."""
    counts = {
        c["agency__former_province"]: c
        for c in AwardRecord.objects.awarded()
        .filter(year=year)
        .values("agency__former_province")
        .annotate(**_KINDS)
        .order_by()
    }
    own = _("Tỉnh %(p)s") % {"p": settings.PROVINCE_NAME}
    labels = [(None, own)] + [(p.pk, capfirst(p.label)) for p in FormerProvince.objects.all()]
    empty = {"collectives": 0, "individuals": 0}
    return [
        CountRow(label, counts.get(pk, empty)["collectives"], counts.get(pk, empty)["individuals"])
        for pk, label in labels
    ]


def _trend(rows: list[StatisticsRow], years: list[int]) -> list[TrendRow]:
    """The award types most given over the years, each its own line; the rest summed."""
    totals = defaultdict(lambda: dict.fromkeys(years, 0))
    types = {}
    for row in rows:
        if row.year in totals[row.award_type.pk]:
            totals[row.award_type.pk][row.year] += row.total
            types[row.award_type.pk] = row.award_type
    ranked = sorted(
        (pk for pk in types if sum(totals[pk].values())),
        key=lambda pk: (-sum(totals[pk].values()), types[pk].order, types[pk].code),
    )
    trend = [TrendRow(types[pk].label, list(totals[pk].values())) for pk in ranked[:TREND_TYPES]]
    rest = ranked[TREND_TYPES:]
    if rest:
        counts = [sum(totals[pk][year] for pk in rest) for year in years]
        trend.append(TrendRow(_("Các danh hiệu, hình thức khác"), counts))
    return trend


def statistics_overview(year: int | None = None) -> StatisticsOverview:
    """Counts per year, per award type, bloc and former province of `year` (the ledger's last
    year when not given) and the ten years ending with it; a fixed number of queries."""
    rows = award_statistics()
    years = sorted({row.year for row in rows}, reverse=True)
    year = year or (years[0] if years else None)
    per_year = defaultdict(lambda: [0, 0])
    for row in rows:
        per_year[row.year][0] += row.collectives
        per_year[row.year][1] += row.individuals
    trend_years = list(range(year - TREND_YEARS + 1, year + 1)) if year else []
    return StatisticsOverview(
        year=year,
        years=years,
        per_year=[CountRow(str(y), *per_year[y]) for y in sorted(per_year)],
        per_type=[row for row in rows if row.year == year],
        per_bloc=_per_bloc(year) if year else [],
        per_province=_per_province(year) if year else [],
        trend_years=trend_years,
        trend=_trend(rows, trend_years),
    )
