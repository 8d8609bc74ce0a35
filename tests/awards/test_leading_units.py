"""Leading units are a fact of the bloc-year (from the vote on the provincial flag, or named by
the head with a reason), at most the province's number per bloc; the Government Flag quota
counts them, and only the proposals beyond it are flagged."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from awards import eligibility
from awards.models import AwardProposal, LeadingUnit
from awards.services import proposals as services
from emulation.models import AuditEntry
from tests.factories import AwardProposalFactory, award_type, bloc_year_with_members


def test_the_flag_vote_names_the_leading_unit(bloc_year, finalized):
    [unit] = bloc_year.leading_units.all()
    assert unit.agency.name == "Sở Y tế" and unit.source == LeadingUnit.Source.VOTE
    flag = AwardProposal.objects.get(bloc_year=bloc_year, award_type__code="CO_TINH")
    assert flag.leads_bloc
    others = AwardProposal.objects.filter(bloc_year=bloc_year).exclude(pk=flag.pk)
    assert not any(p.leads_bloc for p in others)


def test_ticking_many_proposals_cannot_inflate_the_quota(db):
    """Four TTLDXS proposals of one bloc used to count as four leaders (limit 2 → 3)."""
    bloc_years = [bloc_year_with_members(5) for _ in range(10)]
    for by in bloc_years:
        first = by.memberships.order_by("pk").first().agency
        services.record_voted_leaders(by, [first.pk], actor=None)
    extra = bloc_years[0]
    for membership in extra.memberships.order_by("pk")[1:]:
        AwardProposalFactory(
            bloc_year=extra, agency=membership.agency, award_type=award_type("TTLDXS")
        )
    with pytest.raises(ValidationError, match="tối đa 1 đơn vị dẫn đầu"):
        services.set_leading_units(
            extra,
            [m.agency for m in extra.memberships.all()[:2]],
            reason="Biên bản",
            actor=None,
        )
    [quota] = services.year_eligibility(2024, []).quotas
    assert (quota.leader_count, quota.limit) == (10, 2)


def test_only_the_proposals_beyond_the_quota_are_flagged(db):
    """10 leading units allow 2 Government Flags; of 3 proposed, the lowest-ranked is flagged."""
    bloc_years = [bloc_year_with_members(2) for _ in range(10)]
    flags = []
    for index, by in enumerate(bloc_years):
        leader = by.memberships.order_by("pk").first().agency
        services.record_voted_leaders(by, [leader.pk], actor=None)
        if index < 3:
            flags.append(
                AwardProposalFactory(
                    bloc_year=by,
                    agency=leader,
                    award_type=award_type("CO_CP"),
                    leads_bloc=True,
                    percent=90 - index,
                )
            )
    findings = services.year_eligibility(2024, flags).findings
    assert [any(f.code == "quota" for f in findings[p.pk]) for p in flags] == [False, False, True]


def test_the_head_names_the_leading_unit_with_a_reason(bloc_year, finalized, head_client):
    education = bloc_year.memberships.get(agency__name="Sở Giáo dục và Đào tạo").agency
    url = reverse("awards:leading_units", args=[bloc_year.pk])
    page = head_client.get(reverse("awards:bloc_year_proposals", args=[bloc_year.pk]))
    assert 'data-testid="leading-form"' in page.content.decode()
    head_client.post(url, {"leading-agencies": [education.pk], "leading-reason": "  "})
    assert list(bloc_year.leading_units.values_list("agency__name", flat=True)) == ["Sở Y tế"]
    head_client.post(
        url, {"leading-agencies": [education.pk], "leading-reason": "Biên bản ngày 20/12/2024"}
    )
    [unit] = bloc_year.leading_units.all()
    assert (unit.agency, unit.source, unit.reason) == (
        education,
        LeadingUnit.Source.HEAD,
        "Biên bản ngày 20/12/2024",
    )
    assert AwardProposal.objects.get(
        bloc_year=bloc_year, agency=education, award_type__code="TTLDXS"
    ).leads_bloc
    entry = AuditEntry.objects.for_object(bloc_year).get(action="awards.leading_units.set")
    assert entry.data["agencies"] == ["Sở Y tế", "Sở Giáo dục và Đào tạo"]
    # A later vote does not undo the head's choice.
    services.record_voted_leaders(bloc_year, [bloc_year.head_id], actor=None)
    assert list(bloc_year.leading_units.values_list("agency", flat=True)) == [education.pk]


def test_a_non_member_cannot_lead_and_members_may_not_name_leaders(
    bloc_year, other_bloc_year, member_client
):
    stranger = other_bloc_year.head
    with pytest.raises(ValidationError, match="không phải thành viên"):
        services.set_leading_units(bloc_year, [stranger], reason="x", actor=None)
    url = reverse("awards:leading_units", args=[bloc_year.pk])
    assert member_client.post(url, {"leading-reason": "x"}).status_code == 403
    assert not bloc_year.leading_units.exists()


@given(
    rows=st.lists(
        st.tuples(st.booleans(), st.integers(0, 100), st.integers(0, 50)), min_size=1, max_size=12
    ),
    limit=st.integers(0, 12),
)
def test_the_quota_admits_leaders_first_then_the_best_results(rows, limit):
    items = [(pk, leads, percent, votes) for pk, (leads, percent, votes) in enumerate(rows)]
    ranks = eligibility.quota_ranks(items)
    assert sorted(ranks.values()) == list(range(1, len(items) + 1))
    admitted = [item for item in items if ranks[item[0]] <= limit]
    refused = [item for item in items if ranks[item[0]] > limit]
    for kept in admitted:
        for other in refused:
            assert (kept[1], kept[2], kept[3]) >= (other[1], other[2], other[3])
