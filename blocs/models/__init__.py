from blocs.models.structure import (
    Agency,
    AgencyChange,
    Bloc,
    BlocYear,
    Membership,
)

__all__ = ["Agency", "AgencyChange", "Bloc", "BlocYear", "Membership"]
