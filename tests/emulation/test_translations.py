"""Vietnamese is the source and the default; English (locale/en) must be complete and current.

The catalogue is regenerated with `make messages` (scripts/messages.sh) and compiled by the
set-up (`make run` / `make test`), so compiled .mo files are never committed.
"""

import ast
import gettext
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "static",
    "staticfiles",
    "media",
    "test-artifacts",
    "db.sqlite3*",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
    "*.egg-info",
    "*.mo",
)


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (header included as msgid ""), enough for these checks."""
    entries: list[Entry] = []
    entry, target = Entry(), None

    def finish():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line or line.startswith(("#", "|")):
                continue
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        elif line.startswith("#"):
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            keyword, _, rest = line.partition(" ")
            if keyword == "msgid" and target is not None and target != "msgid":
                finish()
            value, target = ast.literal_eval(rest), keyword
            if keyword.startswith("msgstr"):
                entry.msgstr.append("")
            else:
                setattr(entry, keyword, "")
        if target.startswith("msgstr"):
            entry.msgstr[-1] += value
        else:
            setattr(entry, target, getattr(entry, target) + value)
    finish()
    return entries


def live_entries(path: Path) -> list[Entry]:
    return [entry for entry in read_po(path) if not entry.obsolete and entry.msgid]


def test_the_compiled_english_catalogue_exists_after_set_up():
    assert MO.exists(), f"{MO} is missing: run `make run` or `make test` (they compile it)."
    assert MO.stat().st_mtime >= PO.stat().st_mtime, f"{MO} is older than {PO}: recompile."
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    assert catalogue.gettext("Đăng nhập") == "Log in"
    assert catalogue.gettext("Khối thi đua") == "Emulation bloc"


def test_the_english_catalogue_passes_msgfmt_checks():
    """Placeholders such as %(year)s must survive translation or compilemessages fails."""
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file", os.devnull, str(PO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_every_english_string_is_translated_and_none_is_fuzzy():
    entries = read_po(PO)
    header = next(entry for entry in entries if entry.msgid == "" and not entry.obsolete)
    assert "fuzzy" not in header.flags, "The .po header is marked fuzzy: remove '#, fuzzy'."
    fuzzy = [entry.msgid for entry in live_entries(PO) if "fuzzy" in entry.flags]
    untranslated = [
        entry.msgid
        for entry in live_entries(PO)
        if not entry.msgstr or not all(text.strip() for text in entry.msgstr)
    ]
    problems = [f"fuzzy: {msgid!r}" for msgid in fuzzy] + [
        f"untranslated: {msgid!r}" for msgid in untranslated
    ]
    assert not problems, (
        f"{len(fuzzy)} fuzzy and {len(untranslated)} untranslated English strings in {PO} "
        "(fill in msgstr, remove '#, fuzzy', then recompile). First 20:\n  "
        + "\n  ".join(problems[:20])
    )


def test_the_english_catalogue_is_up_to_date_with_the_source(tmp_path):
    """`make messages` on a copy of the tree must not find strings the committed .po lacks."""
    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=COPY_IGNORE, symlinks=True)
    environment = {**os.environ, "PYTHON": sys.executable, "VERBOSITY": "0"}
    environment.pop("DATABASE_URL", None)
    result = subprocess.run(
        ["bash", "scripts/messages.sh"],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    regenerated = {entry.key for entry in live_entries(copy / PO.relative_to(ROOT))}
    committed = {entry.key for entry in live_entries(PO)}
    missing = sorted(msgid for _, msgid in regenerated - committed)
    stale = sorted(msgid for _, msgid in committed - regenerated)
    assert not missing, (
        f"{len(missing)} source strings are not in {PO}: run `make messages` and translate "
        "them. First 20:\n  " + "\n  ".join(repr(msgid) for msgid in missing[:20])
    )
    assert not stale, (
        f"{len(stale)} strings in {PO} are no longer in the source: run `make messages`. "
        "First 20:\n  " + "\n  ".join(repr(msgid) for msgid in stale[:20])
    )


@pytest.mark.parametrize("accept", ["en", "en-US,en;q=0.9", "fr-FR, en;q=0.5"])
def test_pages_are_vietnamese_whatever_the_browser_asks_for(anonymous_client, accept):
    response = anonymous_client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=accept)
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert "Đăng nhập" in content
    assert "Log in" not in content


def test_choosing_english_with_the_switcher_shows_english(anonymous_client):
    response = anonymous_client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}
    )
    assert response["Location"] == reverse("login")
    content = anonymous_client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in content
    assert "Log in" in content
    assert "Emulation bloc portal" in content
    assert "Đăng nhập" not in content


def test_choosing_vietnamese_again_switches_back(anonymous_client):
    anonymous_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    anonymous_client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    content = anonymous_client.get(reverse("login")).content.decode()
    assert '<html lang="vi">' in content
    assert "Đăng nhập" in content
