"""{% readable_history history as rows %}: an object's audit trail as people read it, for the
history include on every detail page (names looked up once for the whole list)."""

from django import template

from emulation.audit_display import readable_entries

register = template.Library()


@register.simple_tag
def readable_history(entries):
    return readable_entries(entries or [])
