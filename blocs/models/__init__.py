from blocs.models.calendar import Deadline
from blocs.models.covenant import (
    Covenant,
    CovenantClause,
    CovenantSignature,
    CovenantTemplate,
    CovenantTemplateClause,
    Registration,
    RegistrationTarget,
)
from blocs.models.structure import (
    Agency,
    AgencyChange,
    Bloc,
    BlocYear,
    FormerProvince,
    Membership,
    MembershipFlag,
)
from blocs.models.types import AwardType

__all__ = [
    "AwardType",
    "Deadline",
    "Covenant",
    "CovenantClause",
    "CovenantSignature",
    "CovenantTemplate",
    "CovenantTemplateClause",
    "Registration",
    "RegistrationTarget",
    "Agency",
    "AgencyChange",
    "Bloc",
    "BlocYear",
    "FormerProvince",
    "Membership",
    "MembershipFlag",
]
