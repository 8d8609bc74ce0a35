"""Re-hash every stored issued document against its record: nothing lost, nothing changed.

Run daily and after every restore (docs/operations.md). Exits 1 when a file is missing or
differs from the hash recorded when it was issued. A file committed by a worker that died before
giving it its name is given it here; files left by a rolled-back issue (`.pending`, with no
record) are listed, and removed with --remove-pending once an hour old.
"""

import hashlib
import json
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from emulation.models import IssuedDocument
from emulation.uploads import PENDING_SUFFIX, PRIVATE_ROOT, publish_pending_file

ISSUED_FOLDER = f"{PRIVATE_ROOT}/issued"


def _digest(name: str) -> str | None:
    for candidate in (name, name + PENDING_SUFFIX):
        if default_storage.exists(candidate):
            sha = hashlib.sha256()
            with default_storage.open(candidate, "rb") as handle:
                for block in iter(lambda: handle.read(1024 * 1024), b""):
                    sha.update(block)
            return sha.hexdigest()
    return None


def _stored_files(folder: str):
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for child in folders:
        yield from _stored_files(f"{folder}/{child}")


class Command(BaseCommand):
    help = "Re-hash every issued document's stored file against its record."

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the report as JSON."
        )
        parser.add_argument(
            "--remove-pending",
            action="store_true",
            help="Delete files of rolled-back issues (.pending, no record, over an hour old).",
        )

    def handle(self, *args, as_json: bool = False, remove_pending: bool = False, **options):
        report = {"checked": 0, "missing": [], "changed": [], "renamed": [], "orphans": []}
        known = set()
        rows = IssuedDocument.objects.values_list(
            "number", "year", "file", "sha256", "docx_file", "docx_sha256"
        )
        for number, year, name, sha256, docx_name, docx_sha256 in rows.iterator():
            for stored, expected in ((name, sha256), (docx_name, docx_sha256)):
                if not stored:
                    continue
                known.add(stored)
                report["checked"] += 1
                if publish_pending_file(stored):
                    report["renamed"].append(stored)
                found = _digest(stored)
                label = f"{number} ({year}): {stored}"
                if found is None:
                    report["missing"].append(label)
                elif found != expected:
                    report["changed"].append(label)
        cutoff = timezone.now() - timedelta(hours=1)
        for stored in _stored_files(ISSUED_FOLDER):
            if stored.endswith(PENDING_SUFFIX) and stored[: -len(PENDING_SUFFIX)] not in known:
                report["orphans"].append(stored)
                if remove_pending and default_storage.get_modified_time(stored) < cutoff:
                    default_storage.delete(stored)
        self._print(report, as_json=as_json)
        if report["missing"] or report["changed"]:
            raise CommandError(
                f"{len(report['missing'])} missing and {len(report['changed'])} changed "
                "issued files."
            )

    def _print(self, report, *, as_json: bool):
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Checked {report['checked']} stored files of issued documents.")
        for key in ("missing", "changed", "renamed", "orphans"):
            for item in report[key]:
                self.stdout.write(f"{key}: {item}")
