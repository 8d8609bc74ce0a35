"""Template helpers shared by pages and print templates."""

from django import template

from emulation import text
from emulation.text import document_date, upper_vn

register = template.Library()


@register.filter
def docdate(value):
    """{{ date|docdate }} → "ngày 05 tháng 02 năm 2024" (Decree 30)."""
    return document_date(value)


@register.filter
def upper_nfc(value):
    return upper_vn(str(value or ""))


@register.filter
def percent(value):
    """A stored percentage in the one format (see `text.format_percent`); blank stays blank."""
    if value in (None, ""):
        return ""
    try:
        return text.format_percent(value)
    except (TypeError, ValueError, ArithmeticError):
        return value


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (filters survive pagination);
    an empty value drops the parameter."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


def _option(item) -> tuple[str, str]:
    if isinstance(item, tuple | list):
        value, label = item
        return str(value), str(label)
    if hasattr(item, "pk"):
        return str(item.pk), str(item)
    return str(item), str(item)


@register.inclusion_tag("includes/select_options.html")
def select_options(items, selected, blank=None):
    """The <option>s of a filter select, the chosen one marked: items may be plain values
    (years), (value, label) pairs (choices) or model rows (their pk and name); the comparison
    is on text, as the query string gives it. `blank` labels a first "all" option."""
    selected = "" if selected is None else str(selected)
    options = [(value, label, value == selected) for value, label in map(_option, items)]
    return {"options": options, "blank": blank}
