"""Award proposals: creation from a finalized session, the dossier, and every state move.

Each public function is one move, atomic, checked against `AwardProposal.TRANSITIONS` and
audited as "awards.proposal.<verb>". Eligibility is computed by the pure `awards.eligibility`
functions from data gathered here in a fixed number of queries.
"""

import datetime
import hashlib
import io
import json
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import eligibility
from awards.models import (
    AwardProposal,
    AwardRecord,
    AwardType,
    EligibilityRule,
    LeadingUnit,
    ProposalDocument,
)
from blocs.models import Agency, AgencyChange
from emulation.audit import diff, log_action, snapshot
from emulation.docx import render_docx
from emulation.models import IssuedDocument
from emulation.text import collapse_spaces, vn_slugify

State = AwardProposal.State
Kind = ProposalDocument.Kind

# The title whose bloc poll names the unit(s) leading the bloc (DOMAIN: the provincial Flag goes
# to the leading unit); the Government Flag quota counts those units.
LEADING_AWARD_CODE = "CO_TINH"
# Issued-document kind of the bloc's minutes (count minutes and conference minutes: "BB").
MINUTES_DOCUMENT_KIND = "BB"
REQUEST_LETTER_KIND = "TTr"

_TRACKED = [
    "state",
    "return_reason",
    "council_percent",
    "council_note",
    "decision",
    "forwarded_letter_number",
    "forwarded_on",
    "leads_bloc",
]


def facts(**values) -> dict:
    """Audit details that are not field changes, each as a one-item list so the history
    include (which joins [old, new] pairs) prints the value as it is."""
    return {key: [value] for key, value in values.items()}


def _transition(proposal: AwardProposal, new_state, *, actor, verb: str, **fields):
    """The one path that changes a proposal's state: refuse moves outside TRANSITIONS."""
    if not proposal.can_move_to(new_state):
        raise ValidationError(
            _("Không thể chuyển đề nghị “%(proposal)s” từ “%(from)s” sang “%(to)s”.")
            % {
                "proposal": proposal,
                "from": proposal.get_state_display(),
                "to": State(new_state).label,
            }
        )
    before = snapshot(proposal, _TRACKED)
    proposal.state = new_state
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal.save()
    log_action(
        f"awards.proposal.{verb}",
        proposal,
        actor=actor,
        data=diff(before, snapshot(proposal, _TRACKED)),
    )
    return proposal


def _locked(proposals) -> list[AwardProposal]:
    ids = [proposal.pk for proposal in proposals]
    return list(
        AwardProposal.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("agency", "award_type", "bloc_year__bloc")
        .order_by("pk")
    )


# --- Eligibility --------------------------------------------------------------------------


def rules_for_year(year: int) -> list:
    """The pure rule objects in effect for achievements of `year`."""
    return [rule.to_rule() for rule in EligibilityRule.objects.in_effect(year)]


def lineage_map(agency_ids) -> dict[int, set[int]]:
    """Each agency's lineage (itself and its predecessors), from two queries for the province."""
    predecessors = defaultdict(set)
    for pk, successor_id in Agency.objects.filter(successor__isnull=False).values_list(
        "pk", "successor_id"
    ):
        predecessors[successor_id].add(pk)
    for agency_id, related_id in AgencyChange.objects.filter(
        kind=AgencyChange.Kind.SPLIT_FROM, related_agency__isnull=False
    ).values_list("agency_id", "related_agency_id"):
        predecessors[agency_id].add(related_id)
    result = {}
    for agency_id in agency_ids:
        seen, frontier = {agency_id}, {agency_id}
        while frontier:
            frontier = {p for a in frontier for p in predecessors.get(a, ())} - seen
            seen |= frontier
        result[agency_id] = seen
    return result


@dataclass
class YearEligibility:
    """Findings per proposal id and the quota state for one achievement year."""

    findings: dict[int, list[eligibility.Finding]]
    quotas: list[eligibility.QuotaStatus]
    rules: list


def _key(proposal) -> eligibility.ProposalKey:
    return eligibility.ProposalKey(
        proposal.agency_id,
        proposal.award_type.code,
        proposal.year,
        eligibility.person_key(proposal.person_name),
    )


def _candidate(proposal, leaders) -> eligibility.Candidate:
    return eligibility.Candidate(
        agency_id=proposal.agency_id,
        award_code=proposal.award_type.code,
        year=proposal.year,
        award_label=proposal.award_type.label,
        agency_name=proposal.agency.name,
        person_name=proposal.person_name,
        agency_ended_on=proposal.agency.ended_on,
        leads_bloc=proposal.leads_bloc or proposal.agency_id in leaders,
    )


def year_eligibility(year: int, proposals) -> YearEligibility:
    """Evaluate `proposals` (of `year`, with agency and award_type loaded) against the year's
    other proposals, the ledger and the rules in effect. A constant number of queries."""
    rules = rules_for_year(year)
    live = list(
        AwardProposal.objects.live()
        .filter(year=year)
        .values_list(
            "pk", "agency_id", "award_type__code", "person_name", "leads_bloc", "percent", "votes"
        )
    )
    leading = defaultdict(set)
    for bloc_year_id, agency_id in LeadingUnit.objects.filter(bloc_year__year=year).values_list(
        "bloc_year_id", "agency_id"
    ):
        leading[bloc_year_id].add(agency_id)
    # The quota counts the bloc-years' leading units, at most the province's number per bloc.
    leader_count = sum(
        min(len(agencies), settings.LEADING_UNITS_PER_BLOC) for agencies in leading.values()
    )
    leaders = set().union(*leading.values()) if leading else set()
    keys_by_pk = {
        pk: eligibility.ProposalKey(agency, code, year, eligibility.person_key(person))
        for pk, agency, code, person, *_rest in live
    }
    awarded_keys = {
        eligibility.ProposalKey(agency, code, year, eligibility.person_key(person))
        for agency, code, person, proposal_id in AwardRecord.objects.awarded()
        .filter(year=year)
        .values_list("agency_id", "award_type__code", "person_name", "proposal_id")
        if proposal_id is None
    }
    history_rules = [
        r for r in rules if isinstance(r, eligibility.ConsecutiveRule | eligibility.WindowRule)
    ]
    history = defaultdict(list)
    lineages = {}
    if history_rules:
        lineages = lineage_map({p.agency_id for p in proposals})
        all_ids = set().union(*lineages.values()) if lineages else set()
        for agency_id, award_year, code in (
            AwardRecord.objects.awarded()
            .filter(agency_id__in=all_ids, person_name="")
            .values_list("agency_id", "year", "award_type__code")
        ):
            history[agency_id].append((award_year, code))
    proposed = Counter(code for _pk, _agency, code, *_rest in live)
    quotas = eligibility.quota_statuses(rules, leader_count, proposed)
    exceeded = {status.rule.award_code: status for status in quotas if status.exceeded}
    ranks = {
        code: eligibility.quota_ranks(
            [
                (pk, leads, percent, votes)
                for pk, _a, c, _p, leads, percent, votes in live
                if c == code
            ]
        )
        for code in exceeded
    }
    key_counts = Counter(keys_by_pk.values())
    findings = {}
    for proposal in proposals:
        own_key = _key(proposal)
        others_with_key = key_counts[own_key] - (1 if keys_by_pk.get(proposal.pk) == own_key else 0)
        duplicate = others_with_key > 0 or own_key in awarded_keys
        lineage_history = [
            item for agency in lineages.get(proposal.agency_id, ()) for item in history[agency]
        ]
        context = eligibility.Context(
            other_keys={own_key} if duplicate else set(), history=lineage_history
        )
        found = eligibility.check_candidate(_candidate(proposal, leaders), context, rules)
        code = proposal.award_type.code
        if code in exceeded and ranks[code].get(proposal.pk, 0) > exceeded[code].limit:
            status = exceeded[code]
            found.append(eligibility.Finding("quota", f"{status.message} {status.rule_text}"))
        findings[proposal.pk] = found
    return YearEligibility(findings, quotas, rules)


def _refuse_blocking(proposal):
    blocking = [
        finding
        for finding in year_eligibility(proposal.year, [proposal]).findings[proposal.pk]
        if finding.blocking
    ]
    if blocking:
        raise ValidationError([finding.message for finding in blocking])


# --- Creation ---------------------------------------------------------------------------


def _minutes_of(bloc_year) -> list:
    """The issued minutes of the bloc-year's finalized conference (count, then conference)."""
    from awards.models import VotingSession

    session = (
        VotingSession.objects.filter(bloc_year=bloc_year, state=VotingSession.State.FINALIZED)
        .select_related("count_minutes", "conference_minutes")
        .first()
    )
    if session is None:
        return []
    return [doc for doc in (session.count_minutes, session.conference_minutes) if doc]


def _attach_minutes(bloc_year, proposals, *, actor):
    """Link the conference's issued minutes into each editable proposal's dossier, once."""
    minutes = _minutes_of(bloc_year)
    if not minutes:
        return
    attached = set(
        ProposalDocument.objects.filter(
            proposal__in=proposals, issued_document__in=minutes
        ).values_list("proposal_id", "issued_document_id")
    )
    ProposalDocument.objects.bulk_create(
        ProposalDocument(
            proposal=proposal,
            kind=Kind.MINUTES,
            issued_document=document,
            original_name=document.number,
            size=document.size,
            sha256=document.sha256,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        for proposal in proposals
        if proposal.is_editable
        for document in minutes
        if (proposal.pk, document.pk) not in attached
    )


def _poll_evidence(poll, result, agency_id) -> tuple[int | None, Decimal | None, dict]:
    """The winner's votes and percent and a snapshot of the poll's counts, as evidence."""
    candidate_result = next((c for c in result.candidates if c.candidate_id == agency_id), None)
    snapshot_data = {
        "poll": poll.pk,
        "poll_title": str(poll),
        "members": result.members,
        "present": result.present,
        "issued": result.issued,
        "returned": result.returned,
        "valid": result.valid,
        "invalid": result.invalid,
        "base": result.rule.base,
        "base_count": result.base_count,
        "candidates": [
            {"id": c.candidate_id, "name": c.name, "votes": c.votes, "percent": str(c.percent)}
            for c in result.candidates
        ],
    }
    if candidate_result is None:
        return None, None, snapshot_data
    return candidate_result.votes, candidate_result.percent, snapshot_data


@transaction.atomic
def create_proposals_for_session(session, *, actor) -> list[AwardProposal]:
    """One draft per winner of each award poll of a finalized session; running it again
    creates nothing twice. Winners of the leading-title poll become the bloc-year's leading
    units (unless the head named them), up to the province's number per bloc."""
    bloc_year = session.bloc_year
    award_polls = [
        poll
        for poll in session.polls.select_related("award_type").order_by("pk")
        if poll.kind == "award" and poll.award_type_id
    ]
    winners = []
    for poll in award_polls:
        result = poll.result()
        if result is not None:
            winners.append((poll, result, list(result.winners)))
    voted_leaders = [
        agency_id
        for poll, _result, agency_ids in winners
        if poll.award_type.code == LEADING_AWARD_CODE
        for agency_id in agency_ids
    ]
    leaders = record_voted_leaders(bloc_year, voted_leaders, actor=actor)
    agencies = Agency.objects.in_bulk({a for _p, _r, agency_ids in winners for a in agency_ids})
    created, skipped = [], []
    for poll, result, agency_ids in winners:
        for agency_id in agency_ids:
            agency = agencies[agency_id]
            exists = (
                AwardProposal.objects.live()
                .filter(
                    agency_id=agency_id,
                    award_type=poll.award_type,
                    year=bloc_year.year,
                    person_name="",
                )
                .exists()
            )
            if exists:
                continue
            if eligibility.ended_before_year_closed(agency.ended_on, bloc_year.year):
                skipped.append(agency.name)
                continue
            votes, percent, evidence = _poll_evidence(poll, result, agency_id)
            proposal = AwardProposal.objects.create(
                bloc_year=bloc_year,
                agency=agency,
                award_type=poll.award_type,
                year=bloc_year.year,
                origin=AwardProposal.Origin.POLL,
                votes=votes,
                percent=percent,
                evidence=evidence,
                leads_bloc=agency_id in leaders,
                source_poll=poll,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            log_action(
                "awards.proposal.created",
                proposal,
                actor=actor,
                data=facts(origin="poll", poll=str(poll), votes=votes),
            )
            created.append(proposal)
    _attach_minutes(
        bloc_year,
        list(bloc_year.proposals.filter(state__in=AwardProposal.EDITABLE_STATES)),
        actor=actor,
    )
    if skipped:
        log_action(
            "awards.proposal.skipped_ended_agencies",
            bloc_year,
            actor=actor,
            data=facts(agencies=", ".join(skipped)),
        )
    return created


@transaction.atomic
def add_manual_proposal(
    bloc_year,
    *,
    agency,
    award_type: AwardType,
    person_name: str = "",
    person_title: str = "",
    votes: int | None = None,
    percent: Decimal | None = None,
    basis: str = "",
    actor,
) -> AwardProposal:
    """A proposal entered by hand (individuals, imported history, or a bloc without a session);
    it leads the bloc when its unit is one of the bloc-year's leading units.

    It was not voted at the conference, so its dossier does not get the conference minutes as
    its biên bản bình xét, and the tờ trình cites its own `basis`.
    """
    if not bloc_year.memberships.filter(agency=agency).exists():
        raise ValidationError(
            _("%(agency)s không phải thành viên của khối năm %(year)s.")
            % {"agency": agency, "year": bloc_year.year}
        )
    if person_name and award_type.recipient == AwardType.Recipient.COLLECTIVE:
        raise ValidationError(_("%(award)s chỉ dành cho tập thể.") % {"award": award_type})
    if not person_name and award_type.recipient == AwardType.Recipient.INDIVIDUAL:
        raise ValidationError(
            _("%(award)s dành cho cá nhân: vui lòng nhập họ tên.") % {"award": award_type}
        )
    proposal = AwardProposal(
        bloc_year=bloc_year,
        agency=agency,
        award_type=award_type,
        year=bloc_year.year,
        person_name=person_name,
        person_title=person_title,
        leads_bloc=not person_name and agency.pk in leading_agency_ids(bloc_year),
        votes=votes,
        percent=percent,
        basis=collapse_spaces(basis),
        origin=AwardProposal.Origin.MANUAL,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _refuse_blocking(proposal)
    proposal.save()
    log_action(
        "awards.proposal.created",
        proposal,
        actor=actor,
        data=facts(origin="manual", leads_bloc=proposal.leads_bloc, basis=proposal.basis),
    )
    return proposal


def leading_agency_ids(bloc_year) -> set[int]:
    return set(bloc_year.leading_units.values_list("agency_id", flat=True))


def _sync_leads_bloc(bloc_year) -> None:
    """Each collective proposal of the bloc-year says whether its unit leads the bloc."""
    leaders = leading_agency_ids(bloc_year)
    collective = AwardProposal.objects.filter(bloc_year=bloc_year, person_name="")
    collective.filter(agency_id__in=leaders).update(leads_bloc=True)
    collective.exclude(agency_id__in=leaders).update(leads_bloc=False)
    AwardProposal.objects.filter(bloc_year=bloc_year).exclude(person_name="").update(
        leads_bloc=False
    )


def record_voted_leaders(bloc_year, agency_ids, *, actor) -> set[int]:
    """The leading units from the vote on the provincial flag (winners, best first), up to the
    province's number per bloc; a choice the head recorded stays. Returns the leaders."""
    if bloc_year.leading_units.filter(source=LeadingUnit.Source.HEAD).exists():
        return leading_agency_ids(bloc_year)
    chosen = list(dict.fromkeys(agency_ids))[: settings.LEADING_UNITS_PER_BLOC]
    if {*chosen} != leading_agency_ids(bloc_year):
        bloc_year.leading_units.all().delete()
        LeadingUnit.objects.bulk_create(
            LeadingUnit(bloc_year=bloc_year, agency_id=agency_id, source=LeadingUnit.Source.VOTE)
            for agency_id in chosen
        )
        names = dict(Agency.objects.filter(pk__in=chosen).values_list("pk", "name"))
        log_action(
            "awards.leading_units.voted",
            bloc_year,
            actor=actor,
            data=facts(agencies=", ".join(names[a] for a in chosen)),
        )
    _sync_leads_bloc(bloc_year)
    return set(chosen)


@transaction.atomic
def set_leading_units(bloc_year, agencies, *, reason, actor) -> list:
    """The head names the units leading the bloc-year (a bloc without a vote on the flag, or a
    correction), with a reason; at most the province's number per bloc, members only."""
    agencies = list({agency.pk: agency for agency in agencies}.values())
    reason = collapse_spaces(reason or "")
    limit = settings.LEADING_UNITS_PER_BLOC
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi căn cứ xác định đơn vị dẫn đầu khối.")})
    if len(agencies) > limit:
        raise ValidationError(
            {
                "agencies": _(
                    "Mỗi khối có tối đa %(limit)s đơn vị dẫn đầu trong một năm (quy định của tỉnh)."
                )
                % {"limit": limit}
            }
        )
    members = set(bloc_year.memberships.values_list("agency_id", flat=True))
    outsiders = [agency.name for agency in agencies if agency.pk not in members]
    if outsiders:
        raise ValidationError(
            {
                "agencies": _("%(agencies)s không phải thành viên của khối năm %(year)s.")
                % {"agencies": ", ".join(outsiders), "year": bloc_year.year}
            }
        )
    before = sorted(
        bloc_year.leading_units.select_related("agency").values_list("agency__name", flat=True)
    )
    bloc_year.leading_units.all().delete()
    units = LeadingUnit.objects.bulk_create(
        LeadingUnit(
            bloc_year=bloc_year,
            agency=agency,
            source=LeadingUnit.Source.HEAD,
            reason=reason,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        for agency in agencies
    )
    _sync_leads_bloc(bloc_year)
    log_action(
        "awards.leading_units.set",
        bloc_year,
        actor=actor,
        data={
            "agencies": [", ".join(before), ", ".join(a.name for a in agencies)],
            "reason": reason,
        },
    )
    return units


# --- Dossier ------------------------------------------------------------------------------


def _require_editable(proposal):
    if not proposal.is_editable:
        raise ValidationError(
            _("Hồ sơ đề nghị “%(proposal)s” đang ở trạng thái “%(state)s”, không sửa được.")
            % {"proposal": proposal, "state": proposal.get_state_display()}
        )


@transaction.atomic
def upload_document(proposal: AwardProposal, *, kind: str, checked, actor) -> ProposalDocument:
    """Store a content-checked upload (`checked` has data, original_name, sha256, suffix,
    content_type) in the proposal's dossier."""
    from emulation.uploads import discard_private_file, store_private_file

    _require_editable(proposal)
    if kind not in {Kind.ACHIEVEMENT_REPORT, Kind.INITIATIVE, Kind.MINUTES, Kind.OTHER}:
        raise ValidationError(_("Loại tài liệu này không tải lên được."))
    stored = store_private_file(
        checked.data, folder=f"proposals/{proposal.year}", suffix=checked.suffix
    )
    try:
        document = ProposalDocument.objects.create(
            proposal=proposal,
            kind=kind,
            stored_name=stored,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        log_action(
            "awards.proposal.document_uploaded",
            proposal,
            actor=actor,
            data=facts(kind=kind, name=checked.original_name, sha256=checked.sha256),
        )
    except Exception:
        discard_private_file(stored)
        raise
    return document


@transaction.atomic
def remove_document(document: ProposalDocument, *, actor) -> None:
    """Take an uploaded paper out of an editable dossier (issued documents stay attached)."""
    proposal = document.proposal
    _require_editable(proposal)
    if document.issued_document_id:
        raise ValidationError(_("Văn bản do cổng phát hành không gỡ khỏi hồ sơ được."))
    log_action(
        "awards.proposal.document_removed",
        proposal,
        actor=actor,
        data=facts(kind=document.kind, name=document.original_name),
    )
    stored = document.stored_name
    document.delete()
    from emulation.uploads import discard_private_file

    transaction.on_commit(lambda: discard_private_file(stored))


def _letter_order(proposals) -> list[AwardProposal]:
    return sorted(
        proposals,
        key=lambda p: (p.award_type.order, p.award_type.code, p.agency.sort_name, p.person_name),
    )


def request_letter_preview(bloc_year, proposals) -> tuple[str, str, bytes]:
    """The tờ trình that sending `proposals` would issue, marked DỰ THẢO and unnumbered."""
    from awards.pdf import render_request_letter

    data = render_request_letter(bloc_year, _letter_order(proposals), stamp=None)
    return f"du-thao-to-trinh-{bloc_year.bloc.code}-{bloc_year.year}.pdf", "application/pdf", data


def issue_request_letter(bloc_year, proposals, *, actor):
    """Issue the tờ trình (kind "TTr") for exactly the proposals being sent, attach it to each,
    and supersede an earlier letter whose every proposal this one now carries."""
    from awards.pdf import render_request_letter
    from emulation.documents import issue_document, void_document

    proposals = _letter_order(proposals)
    document = issue_document(
        kind=REQUEST_LETTER_KIND,
        kind_label="TỜ TRÌNH",
        issuer_code=bloc_year.bloc.code,
        issuer_name=bloc_year.bloc.name,
        title=_("Tờ trình đề nghị khen thưởng năm %(year)s") % {"year": bloc_year.year},
        render=lambda stamp: render_request_letter(bloc_year, proposals, stamp=stamp),
        render_docx=lambda stamp: render_request_letter(
            bloc_year, proposals, stamp=stamp, renderer=render_docx
        ),
        bloc_year=bloc_year,
        source=bloc_year,
        actor=actor,
    )
    sent = {proposal.pk for proposal in proposals}
    earlier = defaultdict(set)
    for document_id, proposal_id in ProposalDocument.objects.filter(
        proposal__bloc_year=bloc_year,
        kind=Kind.REQUEST_LETTER,
        issued_document__voided_at__isnull=True,
    ).values_list("issued_document_id", "proposal_id"):
        earlier[document_id].add(proposal_id)
    for old in IssuedDocument.objects.filter(pk__in=earlier).order_by("pk"):
        if earlier[old.pk] <= sent:
            void_document(old, reason="", superseded_by=document, actor=actor)
    ProposalDocument.objects.filter(proposal__in=proposals, kind=Kind.REQUEST_LETTER).delete()
    ProposalDocument.objects.bulk_create(
        ProposalDocument(
            proposal=proposal,
            kind=Kind.REQUEST_LETTER,
            issued_document=document,
            original_name=document.number,
            size=document.size,
            sha256=document.sha256,
            uploaded_by=actor,
        )
        for proposal in proposals
    )
    for proposal in proposals:
        log_action(
            "awards.proposal.request_letter_attached",
            proposal,
            actor=actor,
            data=facts(document=document.number),
        )
    return document


def dossier_bundle(proposal: AwardProposal) -> tuple[str, str, bytes]:
    """The proposal's dossier as one .zip: each paper (issued documents as PDF and their Word
    copy, uploads as sent) and manifest.json with every file's SHA-256, for the ministry's
    "paper original plus Word and PDF files" (QĐ 311/QĐ-BNV)."""
    from emulation.documents import document_filename, read_document, read_word_copy
    from emulation.uploads import read_private_file

    files: list[tuple[str, bytes]] = []
    for index, paper in enumerate(
        proposal.documents.select_related("issued_document").order_by("kind", "pk"), start=1
    ):
        prefix = f"{index:02d}-{paper.kind}"
        issued = paper.issued_document
        if issued is not None:
            files.append((f"{prefix}-{document_filename(issued)}", read_document(issued)))
            word = read_word_copy(issued)
            if word:
                files.append((f"{prefix}-{document_filename(issued, 'docx')}", word))
        elif paper.stored_name:
            name = vn_slugify(paper.original_name.rsplit(".", 1)[0]) or "tai-lieu"
            extension = (
                paper.original_name.rsplit(".", 1)[-1].lower()
                if "." in paper.original_name
                else "bin"
            )
            files.append((f"{prefix}-{name}.{extension}", read_private_file(paper.stored_name)))
    manifest = {
        "proposal": proposal.recipient_label,
        "award": str(proposal.award_type),
        "year": proposal.year,
        "files": [
            {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in files
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
        archive.writestr(
            "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        )
    label = vn_slugify(
        f"ho so {proposal.recipient_label} {proposal.award_type.code} {proposal.year}"
    )
    return f"{label}.zip", "application/zip", buffer.getvalue()


COUNCIL_LIST_KIND = "DS"


@transaction.atomic
def issue_council_list(year: int, award_type=None, *, actor) -> IssuedDocument:
    """Issue the council's list of proposals (numbered by the province body, verifiable); a
    list issued again for the same year and award supersedes the earlier one."""
    from awards.pdf import council_list_pdf, council_list_title
    from emulation.documents import issue_document, void_document

    quotas = year_eligibility(year, []).quotas
    title = council_list_title(year, award_type)
    earlier = list(
        IssuedDocument.objects.filter(
            kind=COUNCIL_LIST_KIND,
            issuer_code=settings.PROVINCE_OFFICE_CODE,
            title=title,
            voided_at__isnull=True,
        )
    )
    document = issue_document(
        kind=COUNCIL_LIST_KIND,
        kind_label="Danh sách đề nghị khen thưởng",
        issuer_code=settings.PROVINCE_OFFICE_CODE,
        issuer_name=settings.PROVINCE_OFFICE_NAME,
        title=title,
        render=lambda stamp: council_list_pdf(year, award_type, quotas=quotas, stamp=stamp)[2],
        render_docx=lambda stamp: council_list_pdf(
            year, award_type, quotas=quotas, stamp=stamp, renderer=render_docx
        )[2],
        actor=actor,
    )
    for old in earlier:
        void_document(old, reason="", superseded_by=document, actor=actor)
    return document


def latest_council_list(year: int, award_type=None) -> IssuedDocument | None:
    from awards.pdf import council_list_title

    return (
        IssuedDocument.objects.filter(
            kind=COUNCIL_LIST_KIND,
            title=council_list_title(year, award_type),
            voided_at__isnull=True,
        )
        .order_by("-issued_at")
        .first()
    )


# --- State moves --------------------------------------------------------------------------


@transaction.atomic
def submit_proposals(bloc_year, proposals, *, actor) -> list[AwardProposal]:
    """The bloc head sends proposals to the province: every required paper must be in the
    dossier and no hard rule may be broken; otherwise nothing is sent and the message says
    which proposal lacks what. Sending issues the tờ trình listing exactly these proposals."""
    locked = _locked(proposals)
    if not locked:
        raise ValidationError(_("Chưa chọn đề nghị nào để gửi."))
    problems = []
    documents = defaultdict(list)
    for document in ProposalDocument.objects.filter(proposal__in=locked):
        documents[document.proposal_id].append(document)
    findings = year_eligibility(bloc_year.year, locked).findings
    for proposal in locked:
        if proposal.bloc_year_id != bloc_year.pk:
            raise ValidationError(_("Đề nghị không thuộc khối này."))
        missing = proposal.missing_document_kinds(documents[proposal.pk])
        if missing:
            problems.append(
                _("%(proposal)s: thiếu %(missing)s.")
                % {
                    "proposal": proposal.recipient_label,
                    "missing": ", ".join(str(Kind(kind).label) for kind in missing),
                }
            )
        problems += [
            f"{proposal.recipient_label}: {f.message}" for f in findings[proposal.pk] if f.blocking
        ]
    if problems:
        raise ValidationError(problems)
    issue_request_letter(bloc_year, locked, actor=actor)
    now = timezone.now()
    for proposal in locked:
        _transition(
            proposal,
            State.SUBMITTED,
            actor=actor,
            verb="submitted",
            submitted_at=now,
            return_reason="",
        )
    return locked


@transaction.atomic
def start_review(proposals, *, actor) -> list[AwardProposal]:
    """Province staff take submitted proposals into review."""
    locked = _locked(proposals)
    for proposal in locked:
        _transition(proposal, State.UNDER_REVIEW, actor=actor, verb="review_started")
    return locked


@transaction.atomic
def return_proposal(proposal: AwardProposal, *, reason: str, actor) -> AwardProposal:
    """Send a proposal back to the bloc head with the reason (a missing or wrong paper)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Vui lòng ghi lý do trả lại."))
    (locked,) = _locked([proposal])
    return _transition(locked, State.RETURNED, actor=actor, verb="returned", return_reason=reason)


@transaction.atomic
def accept_proposals(proposals, *, actor) -> list[AwardProposal]:
    """Accept reviewed proposals for the council (bulk); all or none."""
    locked = _locked(proposals)
    for proposal in locked:
        _transition(proposal, State.ACCEPTED, actor=actor, verb="accepted")
    return locked


@transaction.atomic
def record_council_outcome(
    proposal: AwardProposal, *, approved: bool, percent: Decimal, note: str = "", actor
) -> AwardProposal:
    """The council's vote on one proposal: approved or not, with its percentage in favour."""
    if percent is None or not Decimal(0) <= Decimal(percent) <= Decimal(100):
        raise ValidationError(_("Tỷ lệ tán thành phải từ 0 đến 100%."))
    (locked,) = _locked([proposal])
    return _transition(
        locked,
        State.COUNCIL_APPROVED if approved else State.COUNCIL_REJECTED,
        actor=actor,
        verb="council_approved" if approved else "council_rejected",
        council_percent=Decimal(percent),
        council_note=note,
    )


@transaction.atomic
def forward_proposals(
    proposals, *, letter_number: str, forwarded_on: datetime.date, actor
) -> list[AwardProposal]:
    """Send council-approved state-level proposals up (Prime Minister, State President) under
    the province's letter number; they are decided later."""
    letter_number = (letter_number or "").strip()
    if not letter_number:
        raise ValidationError(_("Vui lòng nhập số tờ trình của tỉnh."))
    locked = _locked(proposals)
    for proposal in locked:
        if not proposal.award_type.is_state_level:
            raise ValidationError(
                _("%(award)s do tỉnh quyết định, không trình cấp trên.")
                % {"award": proposal.award_type}
            )
        _transition(
            proposal,
            State.FORWARDED,
            actor=actor,
            verb="forwarded",
            forwarded_letter_number=letter_number,
            forwarded_on=forwarded_on,
        )
    return locked


def decide(proposal: AwardProposal, decision, *, actor) -> AwardProposal:
    """Move one proposal to decided under `decision` (called by the ledger service)."""
    if proposal.state == State.COUNCIL_APPROVED and proposal.award_type.is_state_level:
        raise ValidationError(
            _("%(proposal)s do cấp trên quyết định: cần trình cấp trên trước.")
            % {"proposal": proposal}
        )
    return _transition(proposal, State.DECIDED, actor=actor, verb="decided", decision=decision)


def revoke(proposal: AwardProposal, *, actor) -> AwardProposal:
    """Move a decided proposal to revoked (called by the ledger service with its record)."""
    return _transition(proposal, State.REVOKED, actor=actor, verb="revoked")


def proposals_queryset_for_year(year: int):
    """The province workspace's declared queryset: every proposal of a year with its links."""
    return (
        AwardProposal.objects.with_related()
        .filter(year=year)
        .prefetch_related("documents")
        .order_by("bloc_year__bloc__sort_name", "award_type__order", "agency__sort_name", "pk")
    )


def state_filter(state: str):
    return Q(state=state) if state in State.values else Q()
