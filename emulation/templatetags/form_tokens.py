"""`{% form_token %}`: the hidden field with a fresh one-time token (`emulation.form_tokens`)."""

from django import template
from django.utils.html import format_html

from emulation.form_tokens import FIELD_NAME, issue_token

register = template.Library()


@register.simple_tag
def form_token():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, issue_token())
