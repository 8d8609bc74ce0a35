"""The Content-Security-Policy: every page sends it, it allows nothing inline, and no served
template needs anything inline (templates/pdf/ is rendered by WeasyPrint, never served)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from awards.views.charts import SVG_POLICY
from tests.factories import AwardRecordFactory, UserFactory, award_type, covenant_for

TEMPLATES = Path(settings.BASE_DIR) / "templates"
STATIC_JS = Path(settings.BASE_DIR) / "static" / "js"

# An opening tag (Django tags inside it included), an event handler or style attribute in it,
# and the things a strict policy refuses in a page.
TAG = re.compile(r"<[a-zA-Z][^<>]*>")
INLINE_ATTRIBUTE = re.compile(r"[\s\"'}](on[a-z]+|style)\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)
# What turns a string into code or markup in a script.
STRING_TO_CODE = re.compile(
    r"\beval\s*\(|new\s+Function\b|\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write"
    r"|set(Timeout|Interval)\s*\(\s*[\"'`]"
)


def policy(response) -> dict[str, list[str]]:
    """The header's directives by name."""
    header = response["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def assert_strict(response) -> None:
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def inline_code(text: str) -> list[str]:
    """Everything in a template a strict policy would block, as the offending snippets."""
    found = [tag for tag in TAG.findall(text) if INLINE_ATTRIBUTE.search(tag)]
    found += INLINE_SCRIPT.findall(text) + STYLE_ELEMENT.findall(text)
    found += [text[m.start() - 20 : m.end() + 20] for m in JAVASCRIPT_URL.finditer(text)]
    return found


def served_templates() -> list[Path]:
    pdf = TEMPLATES / "pdf"
    return [path for path in TEMPLATES.rglob("*.html") if not path.is_relative_to(pdf)]


def test_a_signed_in_page_sends_the_strict_policy(head_client, bloc_year):
    response = head_client.get(reverse("blocs:bloc_year_detail", args=[bloc_year.pk]))
    assert response.status_code == 200
    assert_strict(response)


def test_the_login_page_sends_the_strict_policy_to_anonymous_visitors(anonymous_client):
    response = anonymous_client.get(reverse("login"))
    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.parametrize("status", [403, 404])
def test_an_error_page_sends_the_strict_policy(head_client, other_bloc_year, status):
    # The bloc head is not in the other bloc: 404; a bloc head may not see the year overview: 403.
    url = (
        reverse("blocs:year_overview")
        if status == 403
        else reverse("blocs:bloc_year_detail", args=[other_bloc_year.pk])
    )
    response = head_client.get(url)
    assert response.status_code == status
    assert_strict(response)


def test_the_admin_sends_the_strict_policy(client, bloc_year):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("admin:blocs_blocyear_change", args=[bloc_year.pk]))
    assert response.status_code == 200
    assert_strict(response)


def test_a_chart_keeps_its_own_policy_for_its_stylesheet(staff_client, bloc_year):
    AwardRecordFactory(agency=bloc_year.head, award_type=award_type("CO_TINH"), year=bloc_year.year)
    url = reverse("awards:award_statistics_chart", args=["types"])
    response = staff_client.get(url, {"year": bloc_year.year})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == SVG_POLICY


def test_an_inline_pdf_sends_the_policy_the_browser_viewer_accepts(head_client, bloc_year):
    covenant_for(bloc_year)
    response = head_client.get(reverse("blocs:covenant_pdf", args=[bloc_year.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert_strict(response)


def test_no_served_template_needs_inline_script_or_style():
    templates = served_templates()
    assert len(templates) > 100
    offenders = {
        str(path.relative_to(TEMPLATES)): found
        for path in templates
        if (found := inline_code(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "snippet",
    [
        '<select name="year" onchange="this.form.submit()">',
        '<form method="post"\n  onsubmit="return confirm(this.dataset.confirm)">',
        '<div class="x" {% if a %}style="width: 3em"{% endif %}>',
        "<script>alert(1)</script>",
        '<script type="module">import x from "/static/x.js"</script>',
        "<style>p { color: red }</style>",
        '<a href="javascript:history.back()">',
    ],
)
def test_the_template_scan_finds_inline_code(snippet):
    assert inline_code(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "<script src=\"{% static 'js/progress.js' %}\" defer></script>",
        '<select name="year" data-autosubmit>',
        '<form method="post" data-confirm="Rút Sở Y tế khỏi khối năm 2024?">',
        "<p>Mỗi đơn vị one=1 không phải thuộc tính</p>",
        '<a href="{% url \'blocs:year_overview\' %}?only=1" data-style="x">',
    ],
)
def test_the_template_scan_lets_plain_markup_pass(snippet):
    assert inline_code(snippet) == []


def test_no_script_turns_a_string_into_code():
    offenders = {
        path.name: STRING_TO_CODE.findall(path.read_text(encoding="utf-8"))
        for path in STATIC_JS.glob("*.js")
    }
    assert {name: found for name, found in offenders.items() if found} == {}
