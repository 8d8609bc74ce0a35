"""The membership extension points: what an upper app checks and does when a bloc-year's members
change, so blocs never imports it. awards registers its conference and proposal rules here.

A refusal function answers None or a Vietnamese sentence (it may use %(agency)s and %(year)s);
the first refusal stops the change. The after-change functions run inside the same transaction.
"""

from collections.abc import Callable

from blocs.models import Agency, BlocYear, Membership
from emulation.hooks import Hook

MEMBER_ADD_REFUSALS: Hook[Callable[[BlocYear, Agency], str | None]] = Hook(
    "blocs.member_add_refusals"
)
MEMBER_ADDED: Hook[Callable[[Membership], None]] = Hook("blocs.member_added")
MEMBER_REMOVAL_REFUSALS: Hook[Callable[[BlocYear, Agency], str | None]] = Hook(
    "blocs.member_removal_refusals"
)
MEMBER_REMOVED: Hook[Callable[[BlocYear, Agency], None]] = Hook("blocs.member_removed")


def first_refusal(hook: Hook, bloc_year: BlocYear, agency: Agency) -> str | None:
    """The first registered refusal for this change, with the agency and year filled in."""
    for refusal_of in hook:
        refusal = refusal_of(bloc_year, agency)
        if refusal:
            return refusal % {"agency": agency.name, "year": bloc_year.year}
    return None
