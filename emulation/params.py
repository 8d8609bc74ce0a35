"""Query-string parameters read safely: a hostile value means "not given", never a 500.

Lists and filters read their parameters through these helpers; tests/test_query_fuzz.py feeds
every page NUL bytes, huge and negative numbers, bad dates and 100 kB strings.
"""

import re

from django.utils.http import url_has_allowed_host_and_scheme

from emulation.text import collapse_spaces, nfc

# Database ids are 64-bit (BigAutoField) on PostgreSQL and SQLite alike.
MAX_ID = 2**63 - 1
# Years any page may be asked about: the ledger reaches back to the province's first awards.
FIRST_YEAR, LAST_YEAR = 1945, 2200
SEARCH_MAX_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value, *, max_length: int = SEARCH_MAX_LENGTH) -> str:
    """Text as a search box means it: NFC, no control characters (PostgreSQL refuses NUL),
    spaces collapsed, at most `max_length` characters."""
    return collapse_spaces(_CONTROL.sub(" ", nfc(str(value or ""))))[:max_length]


def text_param(request, name: str, *, max_length: int = SEARCH_MAX_LENGTH) -> str:
    return clean_text(request.GET.get(name, ""), max_length=max_length)


def int_param(
    request, name: str, *, minimum: int = 1, maximum: int = MAX_ID, data=None
) -> int | None:
    """A whole number within [minimum, maximum], else None (absent, text, out of range); read
    from the query string, or from `data` (e.g. request.POST)."""
    raw = str((request.GET if data is None else data).get(name, "")).strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(maximum)):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def year_param(request, name: str = "year", *, data=None) -> int | None:
    return int_param(request, name, minimum=FIRST_YEAR, maximum=LAST_YEAR, data=data)


def clean_ids(values) -> list[int]:
    """The database ids among `values` (a getlist()), ignoring anything else."""
    return [
        int(value)
        for value in values
        if str(value).isascii() and str(value).isdigit() and 0 < int(value) <= MAX_ID
    ]


def local_url(request, url, default: str = "/") -> str:
    """`url` when it stays on this site (a `next=` after a login, a language switch, a code),
    else `default`: never a way to send someone elsewhere."""
    url = str(url or "")
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return default
