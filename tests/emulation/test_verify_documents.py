"""`manage.py verify_documents`: every issued file re-hashed against its record."""

import json
import os
from datetime import datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction

from emulation.uploads import PENDING_SUFFIX
from tests.factories import issued_document


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _report(capsys, *args):
    call_command("verify_documents", "--json", *args)
    return json.loads(capsys.readouterr().out)


def test_intact_files_pass_and_are_counted(bloc_year, province_staff, capsys):
    issued_document(bloc_year, actor=province_staff)
    issued_document(bloc_year, actor=province_staff)
    report = _report(capsys)
    assert report["checked"] == 2
    assert report["missing"] == report["changed"] == report["orphans"] == []


def test_a_changed_or_missing_file_fails_naming_the_document(bloc_year, province_staff, capsys):
    changed = issued_document(bloc_year, actor=province_staff)
    missing = issued_document(bloc_year, actor=province_staff)
    for name in (changed.file.name, missing.file.name):
        default_storage.delete(name + PENDING_SUFFIX)
    default_storage.save(changed.file.name, ContentFile(b"%PDF-1.4 altered"))
    with pytest.raises(CommandError, match="1 missing and 1 changed"):
        call_command("verify_documents")
    out = capsys.readouterr().out
    assert f"changed: {changed.number}" in out and f"missing: {missing.number}" in out


def test_a_committed_file_still_pending_is_given_its_name(bloc_year, province_staff, capsys):
    document = issued_document(
        bloc_year, actor=province_staff
    )  # the test's transaction never commits
    assert default_storage.exists(document.file.name + PENDING_SUFFIX)
    report = _report(capsys)
    assert report["renamed"] == [document.file.name]
    assert default_storage.exists(document.file.name)


def test_files_of_rolled_back_issues_are_listed_and_removed_once_old(
    bloc_year, province_staff, capsys
):
    with pytest.raises(RuntimeError), transaction.atomic():
        name = issued_document(bloc_year, actor=province_staff).file.name
        raise RuntimeError("rolled back")
    pending = name + PENDING_SUFFIX
    assert _report(capsys, "--remove-pending")["orphans"] == [pending]
    assert default_storage.exists(pending)  # younger than an hour: kept
    old = (datetime.now() - timedelta(hours=2)).timestamp()
    os.utime(default_storage.path(pending), (old, old))
    _report(capsys, "--remove-pending")
    assert not default_storage.exists(pending)
