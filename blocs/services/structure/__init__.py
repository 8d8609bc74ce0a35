"""Writes to the province's structure: agencies and their history, blocs, bloc-years, members.

Every function is atomic, takes a keyword-only `actor`, checks its invariants and writes one audit
entry (with the changed fields) in the same transaction. Refusals are `ValidationError`s whose
Vietnamese message a view can show as is. Callers import from here; the modules split it by
concern.
"""

from blocs.services.structure.agencies import (
    cancel_agency_change,
    create_agency,
    dissolve_agency,
    merge_agency,
    rename_agency,
    same_name_agency,
    split_agency,
    update_agency,
)
from blocs.services.structure.blocs import (
    create_bloc,
    ensure_bloc_year,
    update_bloc,
    update_bloc_year,
)
from blocs.services.structure.common import (
    AGENCY_UPDATABLE,
    BLOC_UPDATABLE,
    BLOC_YEAR_UPDATABLE,
    MAX_YEAR,
    MIN_YEAR,
)
from blocs.services.structure.leaders import (
    ElectionCarryOver,
    apply_election_to_next_year,
    assign_leaders,
    plan_election_carry_over,
    set_elected_leaders,
)
from blocs.services.structure.memberships import (
    add_member,
    remove_member,
    resolve_membership_flag,
    update_signatory,
)
from blocs.services.structure.province import (
    SisterGroup,
    create_former_province,
    merge_sister_agencies,
    sister_agency_groups,
)
from blocs.services.structure.rollover import (
    DroppedMember,
    PlannedBloc,
    PlannedMember,
    RolloverPlan,
    RolloverResult,
    apply_rollover,
    plan_rollover,
)

__all__ = [
    "AGENCY_UPDATABLE",
    "BLOC_UPDATABLE",
    "BLOC_YEAR_UPDATABLE",
    "MAX_YEAR",
    "MIN_YEAR",
    "DroppedMember",
    "ElectionCarryOver",
    "PlannedBloc",
    "PlannedMember",
    "RolloverPlan",
    "RolloverResult",
    "SisterGroup",
    "add_member",
    "apply_election_to_next_year",
    "apply_rollover",
    "assign_leaders",
    "cancel_agency_change",
    "create_agency",
    "create_bloc",
    "create_former_province",
    "dissolve_agency",
    "ensure_bloc_year",
    "merge_agency",
    "merge_sister_agencies",
    "plan_election_carry_over",
    "plan_rollover",
    "remove_member",
    "rename_agency",
    "resolve_membership_flag",
    "same_name_agency",
    "set_elected_leaders",
    "sister_agency_groups",
    "split_agency",
    "update_agency",
    "update_bloc",
    "update_bloc_year",
    "update_signatory",
]
