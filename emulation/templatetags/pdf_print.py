"""Template helpers for print templates (templates/pdf/)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from emulation import text

register = template.Library()


@register.filter(needs_autoescape=True)
def keep_words(value, autoescape=True):
    """No line break inside a Vietnamese word or a hyphenated pair (see `text.keep_words`).

    Each unbreakable run is a `white-space: nowrap` span with ordinary spaces: a no-break space
    after a hyphen would still allow a break there, and ordinary spaces keep the text layer
    searchable.
    """
    joined = text.keep_words(str(value or ""))
    escape = conditional_escape if autoescape else str
    parts = []
    for run in joined.split(" "):
        if text.NBSP in run:
            inner = escape(run.replace(text.NBSP, " "))
            parts.append(f'<span style="white-space: nowrap">{inner}</span>')
        else:
            parts.append(escape(run))
    return mark_safe(" ".join(parts))


@register.filter
def signature_rows(blocks, columns=2):
    """Signature blocks laid out in rows of `columns` cells, padded with None; a lone block
    goes in the right-hand cell, where Decree 30 puts the signer, and a single block left over
    in a row of three sits in the middle."""
    blocks = list(blocks or [])
    try:
        columns = max(1, min(int(columns), 4))
    except (TypeError, ValueError):
        columns = 2
    if len(blocks) == 1:
        return [[None] * (columns - 1) + blocks]
    rows = [blocks[start : start + columns] for start in range(0, len(blocks), columns)]
    if len(rows) > 1 and columns == 3 and len(rows[-1]) == 1:
        rows[-1] = [None, *rows[-1], None]
    elif rows and len(rows[-1]) < columns:
        rows[-1] = rows[-1] + [None] * (columns - len(rows[-1]))
    return rows
