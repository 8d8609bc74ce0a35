"""Award proposals: creation from a finalized session, the dossier, and every state move.

Each public function is one move, atomic, checked against `AwardProposal.WORKFLOW` and audited
as "awards.proposal.<verb>". Eligibility is computed by the pure `awards.eligibility` functions
from data gathered here in a fixed number of queries. The modules split the work by concern;
this package re-exports their public names (`from awards.services.proposals import X`).
"""

from awards.services.proposals.common import (
    LEADING_AWARD_CODE,
    REQUEST_LETTER_KIND,
    Kind,
    State,
    facts,
    require_states,
)
from awards.services.proposals.council import (
    COUNCIL_LIST_KIND,
    issue_council_list,
    latest_council_list,
    record_council_outcome,
    record_council_outcomes,
)
from awards.services.proposals.decisions import check_decidable, decide, level_refusal, revoke
from awards.services.proposals.dossier import (
    dossier_bundle,
    issue_request_letter,
    remove_document,
    request_letter_preview,
    upload_document,
)
from awards.services.proposals.drafting import add_manual_proposal, create_proposals_for_session
from awards.services.proposals.eligibility import (
    YearEligibility,
    lineage_map,
    rules_for_year,
    year_eligibility,
)
from awards.services.proposals.leading import (
    leading_agency_ids,
    record_voted_leaders,
    set_leading_units,
)
from awards.services.proposals.review import (
    accept_proposals,
    forward_proposals,
    proposals_queryset_for_year,
    return_proposal,
    start_review,
    state_filter,
    submit_proposals,
)

__all__ = [
    "COUNCIL_LIST_KIND",
    "LEADING_AWARD_CODE",
    "REQUEST_LETTER_KIND",
    "Kind",
    "State",
    "YearEligibility",
    "accept_proposals",
    "add_manual_proposal",
    "check_decidable",
    "create_proposals_for_session",
    "decide",
    "dossier_bundle",
    "facts",
    "forward_proposals",
    "issue_council_list",
    "issue_request_letter",
    "latest_council_list",
    "leading_agency_ids",
    "level_refusal",
    "lineage_map",
    "proposals_queryset_for_year",
    "record_council_outcome",
    "record_council_outcomes",
    "record_voted_leaders",
    "remove_document",
    "require_states",
    "request_letter_preview",
    "return_proposal",
    "revoke",
    "rules_for_year",
    "set_leading_units",
    "start_review",
    "state_filter",
    "submit_proposals",
    "upload_document",
    "year_eligibility",
]
