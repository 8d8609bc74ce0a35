"""The one role every layer can ask about: province staff (superusers and the staff group)."""

from django.core.exceptions import PermissionDenied


def require_province_staff(request) -> None:
    """Raise 403 unless the user is province staff (for province-wide pages)."""
    if not request.user.is_province_staff:
        raise PermissionDenied
