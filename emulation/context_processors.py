from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .notifications import unread_count


def portal(request):
    """The province's names, the staff flag and the unread badge (lazy: one query if shown)."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "unread_notifications": (SimpleLazyObject(lambda: unread_count(user)) if signed_in else 0),
        "PROVINCE_NAME": settings.PROVINCE_NAME,
        "EMULATION_OFFICE_NAME": settings.EMULATION_OFFICE_NAME,
        "EMULATION_OFFICE_SHORT": settings.EMULATION_OFFICE_SHORT,
        "is_province_staff": signed_in and user.is_province_staff,
    }
