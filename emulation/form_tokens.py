"""One-time form tokens: a form sent twice (a double click, a resent request, the back button)
is recorded once.

Each rendered form carries a fresh `issue_token()` in a hidden field (`{% form_token %}` from
`emulation/templatetags/form_tokens.py`). The step that records or numbers calls
`consume_token(token, purpose=…)` inside its own transaction: the token's row is inserted under
a primary key, so the second of two posts fails in the database (even when both arrive at
once), never in a check-then-write. A step that is refused rolls the row back with it, so the
same page can be sent again once the problem is fixed. Tokens are not stored when issued, so a
page opened long ago is still accepted once.
"""

import re
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from emulation.models import UsedFormToken

FIELD_NAME = "form_token"
BALLOT = "ballot"

_TOKEN_BYTES = 32
# token_urlsafe(32): 43 characters of the URL-safe base64 alphabet, nothing else.
_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def issue_token() -> str:
    return secrets.token_urlsafe(_TOKEN_BYTES)


def posted_token(request) -> str:
    """The token a POST carries ("" when it has none, which `consume_token` refuses)."""
    return request.POST.get(FIELD_NAME, "")


def consume_token(token, *, purpose: str) -> None:
    """Spend `token` in the caller's transaction; refuse a missing, malformed or spent one.

    The insert runs in a savepoint, so after a refusal the caller's transaction stays usable.
    """
    if not isinstance(token, str) or not _TOKEN_PATTERN.fullmatch(token):
        raise ValidationError(
            _("Biểu mẫu không có mã gửi một lần hợp lệ. Vui lòng tải lại trang rồi thực hiện lại."),
            code="form_token_invalid",
        )
    try:
        with transaction.atomic():
            UsedFormToken.objects.create(token=token, purpose=purpose)
    except IntegrityError:
        raise ValidationError(_duplicate_message(purpose), code="form_token_used") from None


def _duplicate_message(purpose: str) -> str:
    if purpose == BALLOT:
        return _("Phiếu này đã được ghi (gửi hai lần). Không ghi thêm.")
    return _(
        "Thao tác này đã được thực hiện (gửi hai lần); không thực hiện và không lấy số lần nữa."
    )
