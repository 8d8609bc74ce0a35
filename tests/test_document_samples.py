"""`manage.py document_samples` renders every kind and leaves no data behind."""

import io

from django.core.management import call_command

from awards.models import VotingSession
from blocs.models import Bloc
from emulation.models import IssuedDocument


def test_the_gallery_is_written_and_the_made_up_bloc_is_rolled_back(db, tmp_path):
    call_command("document_samples", out=str(tmp_path), dpi=20, stdout=io.StringIO())
    images = sorted(p.name for p in (tmp_path / "images" / "documents").glob("*.png"))
    assert len(images) == 10 and {"count_minutes.png", "score_table.png"} <= set(images)
    page = (tmp_path / "documents.md").read_text(encoding="utf-8")
    assert "## Biên bản kiểm phiếu" in page and "images/documents/covenant.png" in page
    assert not Bloc.objects.filter(code="KTĐMAU").exists()
    assert not VotingSession.objects.exists() and not IssuedDocument.objects.exists()
