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

__all__ = [
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
