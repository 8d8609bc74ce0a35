from django.conf import settings


def portal(request):
    """The province's names and the signed-in user's agency for the header on every page."""
    user = getattr(request, "user", None)
    return {
        "PROVINCE_NAME": settings.PROVINCE_NAME,
        "EMULATION_OFFICE_NAME": settings.EMULATION_OFFICE_NAME,
        "EMULATION_OFFICE_SHORT": settings.EMULATION_OFFICE_SHORT,
        "is_province_staff": bool(user and user.is_authenticated and user.is_province_staff),
    }
