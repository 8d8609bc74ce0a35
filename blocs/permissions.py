"""Who may do what in a bloc-year. One entry point: `get_bloc_year_for_user`.

Roles are computed per bloc-year from the user's agency (head, deputy, member), from the province
staff group, or from being named an observer. An outsider gets 404 so the bloc-year's existence
is not disclosed; a member without the right gets 403.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from blocs.models import BlocYear
from emulation.permissions import require_province_staff as require_province_staff


class RoleName(StrEnum):
    STAFF = "staff"
    HEAD = "head"
    DEPUTY = "deputy"
    MEMBER = "member"
    OBSERVER = "observer"


ROLE_LABELS = {
    RoleName.STAFF: _("Cán bộ thi đua, khen thưởng tỉnh"),
    RoleName.HEAD: _("Trưởng khối"),
    RoleName.DEPUTY: _("Phó khối"),
    RoleName.MEMBER: _("Thành viên"),
    RoleName.OBSERVER: _("Theo dõi"),
}


@dataclass(frozen=True)
class BlocYearRole:
    """A user's role in one bloc-year and the capabilities that follow from it."""

    name: RoleName
    agency_id: int | None = None

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.name]

    @property
    def is_staff(self) -> bool:
        return self.name == RoleName.STAFF

    @property
    def can_manage_structure(self) -> bool:
        """Add/remove members, assign head and deputy: province staff only."""
        return self.name == RoleName.STAFF

    @property
    def can_run_bloc_year(self) -> bool:
        """Prepare the covenant, review registrations, run the conference and record ballots."""
        return self.name in (RoleName.STAFF, RoleName.HEAD, RoleName.DEPUTY)

    @property
    def can_finalize(self) -> bool:
        """Finalize a session, issue documents, submit proposals: not the deputy."""
        return self.name in (RoleName.STAFF, RoleName.HEAD)

    @property
    def can_edit_signatories(self) -> bool:
        """Keep each member's signatory (the leader who signs) up to date: staff and the head."""
        return self.name in (RoleName.STAFF, RoleName.HEAD)

    @property
    def can_act_for_own_agency(self) -> bool:
        """Register titles and targets and sign for the user's own member agency."""
        return self.agency_id is not None and self.name in (
            RoleName.HEAD,
            RoleName.DEPUTY,
            RoleName.MEMBER,
        )

    @property
    def can_reopen(self) -> bool:
        """Reopen locked things with a reason: province staff only."""
        return self.name == RoleName.STAFF


def role_in_bloc_year(user, bloc_year: BlocYear) -> BlocYearRole | None:
    """The user's role in `bloc_year`, or None when the user has none (an outsider)."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_province_staff:
        return BlocYearRole(RoleName.STAFF)
    agency_id = user.agency_id
    if agency_id:
        if agency_id == bloc_year.head_id:
            return BlocYearRole(RoleName.HEAD, agency_id)
        if agency_id == bloc_year.deputy_id:
            return BlocYearRole(RoleName.DEPUTY, agency_id)
        if bloc_year.memberships.filter(agency_id=agency_id).exists():
            return BlocYearRole(RoleName.MEMBER, agency_id)
    if bloc_year.liaison_user_id == user.pk or bloc_year.observers.filter(pk=user.pk).exists():
        return BlocYearRole(RoleName.OBSERVER)
    return None


def get_bloc_year_for_user(request, pk: int, *, capability: str | None = None):
    """Return (bloc_year, role) for the request's user.

    Outsiders get 404. When `capability` names a `BlocYearRole` property the role lacks, 403.
    """
    bloc_year = get_object_or_404(BlocYear.objects.with_people(), pk=pk)
    role = role_in_bloc_year(request.user, bloc_year)
    if role is None:
        raise Http404
    if capability and not getattr(role, capability):
        raise PermissionDenied
    return bloc_year, role


def bloc_years_for_user(user):
    """The bloc-years a user can open, newest first: all for staff, else by agency, as observer
    or as the linked liaison."""
    queryset = BlocYear.objects.with_people()
    if user.is_province_staff:
        return queryset
    readers = queryset.filter(observers=user) | queryset.filter(liaison_user=user)
    if user.agency_id:
        readers = readers | queryset.filter(memberships__agency_id=user.agency_id)
    return readers.distinct()
