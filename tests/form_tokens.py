"""Posting forms that carry a one-time token (`emulation.form_tokens`) as a browser does.

`post_from_page` reads the token off the rendered page (proving the page carries one);
`with_token` adds a fresh one to a test's own data, for tests about something else.
"""

import re

from emulation.form_tokens import FIELD_NAME, issue_token

_HIDDEN_TOKEN = re.compile(rf'<input type="hidden" name="{FIELD_NAME}" value="([^"]+)">')


def token_on(response) -> str:
    """The token of the one form on a rendered page; fails the test when there is not one."""
    found = _HIDDEN_TOKEN.findall(response.content.decode())
    assert len(found) == 1, f"expected one form token on the page, found {len(found)}"
    return found[0]


def with_token(data=None) -> dict:
    """`data` plus a fresh token, as a page rendered just now would send it."""
    return {**(data or {}), FIELD_NAME: issue_token()}


def post_from_page(client, page_url, post_url, data=None, **kwargs):
    """GET the page and POST `data` with the token it carries (what pressing its button sends)."""
    token = token_on(client.get(page_url))
    return client.post(post_url, {**(data or {}), FIELD_NAME: token}, **kwargs)
