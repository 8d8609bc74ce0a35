"""Proposal services against the database: creation from a finalized conference, hard rules,
the Government Flag quota across blocs, history rules over renamed and merged agencies."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from awards.models import AwardProposal, EligibilityRule, ProposalDocument
from awards.services import proposals as services
from awards.services import voting
from blocs.services.structure import merge_agency, rename_agency
from emulation.models import AuditEntry
from tests.awards.voting_fixtures import counted, make_session
from tests.factories import (
    AgencyFactory,
    AwardProposalFactory,
    AwardRecordFactory,
    MembershipFactory,
    award_type,
    bloc_year_with_members,
)
from tests.queries import assert_max_queries


def test_finalizing_a_conference_drafts_one_proposal_per_winner(bloc_year, finalized):
    proposals = AwardProposal.objects.filter(bloc_year=bloc_year).select_related(
        "agency", "award_type"
    )
    assert sorted((p.award_type.code, p.agency.name) for p in proposals) == [
        ("CO_TINH", "Sở Y tế"),
        ("TTLDXS", "Sở Giáo dục và Đào tạo"),
        ("TTLDXS", "Sở Văn hóa, Thể thao và Du lịch"),
    ]
    flag = proposals.get(award_type__code="CO_TINH")
    assert flag.state == AwardProposal.State.DRAFT
    assert flag.leads_bloc
    assert flag.origin == AwardProposal.Origin.POLL
    assert flag.source_poll.award_type.code == "CO_TINH"
    assert flag.votes == 5
    assert flag.percent == Decimal("100")
    assert flag.evidence["valid"] == 5
    assert not proposals.get(agency__name="Sở Giáo dục và Đào tạo").leads_bloc


def test_the_conference_minutes_are_attached_automatically(bloc_year, finalized):
    for proposal in AwardProposal.objects.filter(bloc_year=bloc_year):
        minutes = proposal.documents.filter(kind=ProposalDocument.Kind.MINUTES)
        assert {d.issued_document_id for d in minutes} == {
            finalized.count_minutes_id,
            finalized.conference_minutes_id,
        }


def test_creating_proposals_again_creates_nothing_twice(bloc_year, finalized, bloc_head):
    before = AwardProposal.objects.count()
    documents = ProposalDocument.objects.count()
    assert services.create_proposals_for_session(finalized, actor=bloc_head) == []
    assert AwardProposal.objects.count() == before
    assert ProposalDocument.objects.count() == documents


def test_a_manual_proposal_is_not_given_the_conference_minutes_as_its_basis(
    bloc_year, finalized, bloc_head
):
    """It was not voted at the conference: those minutes are not its biên bản bình xét."""
    proposal = services.add_manual_proposal(
        bloc_year,
        agency=bloc_year.head,
        award_type=award_type("CSTD_TINH"),
        person_name="Nguyễn Văn An",
        person_title="Trưởng phòng",
        basis="Biên bản họp bình xét của Sở Y tế ngày 10/12/2024",
        actor=bloc_head,
    )
    assert proposal.is_individual
    assert not proposal.documents.filter(kind=ProposalDocument.Kind.MINUTES).exists()
    assert proposal.basis == "Biên bản họp bình xét của Sở Y tế ngày 10/12/2024"
    assert AuditEntry.objects.for_object(proposal).filter(action="awards.proposal.created")


def test_a_manual_proposal_must_be_for_a_member(bloc_year, bloc_head):
    with pytest.raises(ValidationError, match="không phải thành viên"):
        services.add_manual_proposal(
            bloc_year, agency=AgencyFactory(), award_type=award_type("CO_TINH"), actor=bloc_head
        )


def test_collective_and_individual_awards_are_not_mixed_up(bloc_year, bloc_head):
    with pytest.raises(ValidationError, match="chỉ dành cho tập thể"):
        services.add_manual_proposal(
            bloc_year,
            agency=bloc_year.head,
            award_type=award_type("CO_TINH"),
            person_name="Nguyễn Văn An",
            actor=bloc_head,
        )
    with pytest.raises(ValidationError, match="dành cho cá nhân"):
        services.add_manual_proposal(
            bloc_year, agency=bloc_year.head, award_type=award_type("CSTD_TINH"), actor=bloc_head
        )


def test_a_second_proposal_for_the_same_agency_award_and_year_is_refused(bloc_year, bloc_head):
    services.add_manual_proposal(
        bloc_year, agency=bloc_year.head, award_type=award_type("TTLDXS"), actor=bloc_head
    )
    with pytest.raises(ValidationError, match="Đã có đề nghị hoặc quyết định"):
        services.add_manual_proposal(
            bloc_year, agency=bloc_year.head, award_type=award_type("TTLDXS"), actor=bloc_head
        )


def test_an_award_already_in_the_ledger_cannot_be_proposed_again(bloc_year, bloc_head):
    AwardRecordFactory(agency=bloc_year.head, award_type=award_type("TTLDXS"), year=2024)
    with pytest.raises(ValidationError, match="Đã có đề nghị hoặc quyết định"):
        services.add_manual_proposal(
            bloc_year, agency=bloc_year.head, award_type=award_type("TTLDXS"), actor=bloc_head
        )


def test_an_agency_dissolved_during_the_year_cannot_be_proposed(bloc_year, bloc_head):
    agency = bloc_year.deputy
    agency.ended_on = datetime.date(2024, 9, 30)
    agency.status = agency.Status.DISSOLVED
    agency.save()
    with pytest.raises(ValidationError, match="đã giải thể hoặc hợp nhất ngày 30/09/2024"):
        services.add_manual_proposal(
            bloc_year, agency=agency, award_type=award_type("TTLDXS"), actor=bloc_head
        )


def test_winners_that_ended_before_the_year_closed_get_no_draft(bloc_year, bloc_head):
    session = make_session(bloc_year, bloc_head)
    education = bloc_year.deputy
    counted(session, "TTLDXS", {education: 5}, actor=bloc_head)
    education.ended_on = datetime.date(2024, 11, 30)
    education.save()
    voting.finalize_session(session, actor=bloc_head)
    assert not AwardProposal.objects.filter(agency=education).exists()
    assert AuditEntry.objects.filter(action="awards.proposal.skipped_ended_agencies").exists()


def _leaders(count, year=2024):
    """`count` blocs of 2 members whose first member is voted leading."""
    leaders = []
    for _ in range(count):
        by = bloc_year_with_members(2, year=year)
        leader = by.memberships.order_by("pk").first().agency
        AwardProposalFactory(
            bloc_year=by, agency=leader, award_type=award_type("CO_TINH"), leads_bloc=True
        )
        leaders.append((by, leader))
    return leaders


@pytest.mark.parametrize(("leaders", "limit"), [(4, 0), (5, 1), (10, 2), (11, 2)])
def test_the_government_flag_quota_counts_leaders_across_all_blocs(db, leaders, limit):
    (by, agency), *_ = _leaders(leaders)
    proposal = AwardProposalFactory(bloc_year=by, agency=agency, award_type=award_type("CO_CP"))
    result = services.year_eligibility(2024, [proposal])
    (quota,) = result.quotas
    assert (quota.leader_count, quota.limit, quota.proposed) == (leaders, limit, 1)
    assert quota.remaining == max(limit - 1, 0)
    codes = [f.code for f in result.findings[proposal.pk]]
    assert ("quota" in codes) == (limit < 1)


def test_the_quota_reads_its_percentage_from_configuration(db):
    (by, agency), *_ = _leaders(4)
    rule = EligibilityRule.objects.get(kind="quota", award_type__code="CO_CP")
    rule.percent = Decimal("25")
    rule.save()
    (quota,) = services.year_eligibility(2024, []).quotas
    assert quota.limit == 1


def test_a_newer_rule_takes_over_from_its_effective_date(db):
    _leaders(10)
    old = EligibilityRule.objects.get(kind="quota", award_type__code="CO_CP")
    EligibilityRule.objects.create(
        kind="quota",
        award_type=old.award_type,
        percent=Decimal("30"),
        effective_from=datetime.date(2025, 1, 1),
    )
    assert services.year_eligibility(2024, []).quotas[0].limit == 2
    percents = {r.percent for r in services.rules_for_year(2025) if hasattr(r, "percent")}
    assert percents == {Decimal("30")}


def test_the_government_flag_warns_when_the_unit_did_not_lead_its_bloc(bloc_year):
    proposal = AwardProposalFactory(
        bloc_year=bloc_year, agency=bloc_year.deputy, award_type=award_type("CO_CP")
    )
    findings = services.year_eligibility(2024, [proposal]).findings[proposal.pk]
    assert "not_leading" in [f.code for f in findings]
    assert all(not f.blocking for f in findings)


def test_the_history_templates_ship_disabled_with_an_explanation(db):
    templates = EligibilityRule.objects.filter(kind__in=["consecutive", "window"])
    assert templates.count() == 2
    assert not templates.filter(enabled=True).exists()
    assert all("tỉnh cần xác nhận" in rule.explanation for rule in templates)


def test_history_rules_follow_an_agency_through_a_rename_and_a_merger(bloc_year, province_staff):
    rule = EligibilityRule.objects.get(kind="consecutive")  # CO_TINH needs 2 years of TTLDXS
    rule.enabled = True
    rule.includes_achievement_year = False
    rule.save()
    labour = AgencyFactory(name="Sở Lao động - Thương binh và Xã hội")
    home = bloc_year.head
    AwardRecordFactory(agency=labour, award_type=award_type("TTLDXS"), year=2022)
    AwardRecordFactory(agency=home, award_type=award_type("TTLDXS"), year=2023)
    proposal = AwardProposalFactory(bloc_year=bloc_year, agency=home)
    findings = services.year_eligibility(2024, [proposal]).findings[proposal.pk]
    assert "history_consecutive" in [f.code for f in findings]
    merge_agency(labour, into=home, effective_on=datetime.date(2023, 6, 1), actor=province_staff)
    rename_agency(
        home,
        new_name="Sở Y tế và Xã hội",
        effective_on=datetime.date(2024, 1, 1),
        actor=province_staff,
    )
    proposal.refresh_from_db()
    findings = services.year_eligibility(2024, [proposal]).findings[proposal.pk]
    assert "history_consecutive" not in [f.code for f in findings]


def test_eligibility_for_many_proposals_takes_a_fixed_number_of_queries(db):
    rule = EligibilityRule.objects.get(kind="window")
    rule.enabled = True
    rule.save()
    blocs = _leaders(12)
    for by, _agency in blocs:
        MembershipFactory(bloc_year=by)
    proposals = list(AwardProposal.objects.with_related().filter(year=2024))
    with assert_max_queries(8):
        services.year_eligibility(2024, proposals)
