"""Templates a reviewer can read: djhtml's indentation, short lines, no inline CSS, and print
stylesheets that exist (a missing one would fail the render, not the review)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from emulation.pdf import STATIC_DIR

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
MAX_LINE = 200
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
LINKED_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"{]+)">')


def _templates() -> list[Path]:
    return sorted(TEMPLATES_DIR.rglob("*.html"))


def _name(path: Path) -> str:
    return path.relative_to(TEMPLATES_DIR).as_posix()


def test_there_are_templates_to_check():
    assert len(_templates()) > 50


def test_every_template_is_indented_as_djhtml_indents_it():
    result = subprocess.run(
        [sys.executable, "-m", "djhtml", "--check", *map(str, _templates())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", _templates(), ids=_name)
def test_no_template_line_is_longer_than_200_characters(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    long_lines = [number for number, line in enumerate(lines, start=1) if len(line) > MAX_LINE]
    assert long_lines == [], f"{_name(path)}: lines {long_lines} are over {MAX_LINE} characters"


@pytest.mark.parametrize("path", _templates(), ids=_name)
def test_no_template_carries_inline_css(path):
    text = path.read_text(encoding="utf-8")
    assert not STYLE_ATTRIBUTE.search(text), f"{_name(path)} has a style= attribute"
    assert not STYLE_ELEMENT.search(text), f"{_name(path)} has a <style> element"


def test_every_stylesheet_a_print_template_links_exists():
    linked = {
        href: _name(path)
        for path in (TEMPLATES_DIR / "pdf").rglob("*.html")
        for href in LINKED_STYLESHEET.findall(path.read_text(encoding="utf-8"))
    }
    assert "css/print/base.css" in linked
    missing = {href: name for href, name in linked.items() if not (STATIC_DIR / href).is_file()}
    assert missing == {}


def test_every_print_stylesheet_is_linked_by_a_print_template_or_loaded_by_the_renderer():
    linked = {
        href
        for path in (TEMPLATES_DIR / "pdf").rglob("*.html")
        for href in LINKED_STYLESHEET.findall(path.read_text(encoding="utf-8"))
    }
    sheets = {
        path.relative_to(STATIC_DIR).as_posix() for path in STATIC_DIR.glob("css/print/*.css")
    }
    assert sheets - linked == {"css/print/fonts.css"}
