"""issue_document / void_document: numbering, rendering with the stamp, storage, audit."""

import datetime
import hashlib
import io
import threading

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from emulation.documents import (
    format_number,
    merge_pdfs,
    read_document,
    void_document,
)
from emulation.models import AuditEntry, DocumentCounter, IssuedDocument
from emulation.pdf import render_pdf
from tests.factories import BlocFactory, BlocYearFactory, issued_document
from tests.pdf_helpers import (
    base14_text_pdf,
    pages_look_alike,
    pdf_fonts,
    pdf_page_count,
    pdf_text,
    tiny_pdf,
)


@pytest.fixture
def staff(province_staff):
    return province_staff


@pytest.mark.parametrize(
    ("sequence", "expected"),
    [(1, "01/BB-KTĐVHXH"), (9, "09/BB-KTĐVHXH"), (10, "10/BB-KTĐVHXH"), (123, "123/BB-KTĐVHXH")],
)
def test_numbers_below_ten_get_a_leading_zero(sequence, expected):
    assert format_number(sequence, "BB", "KTĐVHXH") == expected


def test_numbers_are_sequential_per_issuer_and_year(bloc_year, staff):
    numbers = [issued_document(bloc_year, actor=staff).number for _ in range(3)]
    assert numbers == ["01/BB-KTĐVHXH", "02/BB-KTĐVHXH", "03/BB-KTĐVHXH"]
    assert DocumentCounter.objects.get(issuer_code="KTĐVHXH", year=2024).last_sequence == 3


def test_numbering_is_shared_by_every_kind_of_one_issuer(bloc_year, staff):
    first = issued_document(bloc_year, actor=staff, kind="BB")
    second = issued_document(bloc_year, actor=staff, kind="TTr", kind_label="Tờ trình")
    assert (first.number, second.number) == ("01/BB-KTĐVHXH", "02/TTr-KTĐVHXH")


def test_numbering_restarts_each_year(bloc_year, staff):
    issued_document(bloc_year, actor=staff)
    issued_document(bloc_year, actor=staff)
    next_year = BlocYearFactory(bloc=bloc_year.bloc, year=2025)
    assert issued_document(next_year, actor=staff).number == "01/BB-KTĐVHXH"
    assert issued_document(bloc_year, actor=staff).number == "03/BB-KTĐVHXH"


def test_the_series_is_the_calendar_year_of_the_documents_date_not_the_bloc_year(bloc_year, staff):
    """Decree 30: numbers run from 01 on 1 January of the date the document bears."""
    december = issued_document(bloc_year, actor=staff, dated=datetime.date(2024, 12, 30))
    # Minutes of the 2024 conference held on 8 January 2025 start the 2025 series…
    january = issued_document(bloc_year, actor=staff, dated=datetime.date(2025, 1, 8))
    # …and a later 2024-dated paper continues the 2024 one.
    late = issued_document(bloc_year, actor=staff, dated=datetime.date(2024, 12, 31))
    assert (december.number, january.number, late.number) == (
        "01/BB-KTĐVHXH",
        "01/BB-KTĐVHXH",
        "02/BB-KTĐVHXH",
    )
    assert (december.year, january.year) == (2024, 2025)


def test_the_first_document_dated_2_january_gets_01(bloc_year, staff):
    for _ in range(3):
        issued_document(bloc_year, actor=staff, dated=datetime.date(2025, 12, 31))
    first = issued_document(bloc_year, actor=staff, dated=datetime.date(2026, 1, 2))
    assert first.number == "01/BB-KTĐVHXH"


def test_numbering_is_separate_per_issuer(bloc_year, staff):
    issued_document(bloc_year, actor=staff)
    other = BlocYearFactory(bloc=BlocFactory(code="KTĐKT"), year=2024)
    assert issued_document(other, actor=staff).number == "01/BB-KTĐKT"


def test_the_render_callback_receives_the_stamp_and_the_pdf_prints_it(bloc_year, staff):
    seen = []

    def render(stamp):
        seen.append(stamp)
        return render_pdf(
            "pdf/sample_minutes.html",
            {
                "issuer_name": bloc_year.bloc.name,
                "doc_type": "Biên bản",
                "stamp": stamp,
                "members": [],
                "bloc_year": bloc_year,
                "blank_lines": range(2),
            },
        )

    document = issued_document(bloc_year, actor=staff, render=render)
    stamp = seen[0]
    assert stamp.number == document.number == "01/BB-KTĐVHXH"
    assert stamp.verification_code == document.verification_code
    assert stamp.verify_url.endswith("/verify/")
    text = pdf_text(read_document(document))
    assert "Số: 01/BB-KTĐVHXH" in text
    assert f"Mã xác thực: {document.verification_code}" in text
    assert stamp.verify_url in text


def test_an_issued_document_is_hashed_stored_under_an_unguessable_name_and_audited(
    bloc_year, staff
):
    document = issued_document(bloc_year, actor=staff, title="  Biên bản   hội nghị  ")
    data = read_document(document)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert document.title == "Biên bản hội nghị"
    assert document.kind_label == "Biên bản"
    assert document.issued_by == staff
    assert document.bloc_year == bloc_year
    assert not document.digitally_signed
    name = document.file.name
    assert name.startswith("private/issued/2024/") and name.endswith(".pdf")
    assert len(name.rsplit("/", 1)[-1]) == 32 + 4  # uuid4 hex
    entry = AuditEntry.objects.for_object(document).get()
    assert entry.action == "emulation.document.issued"
    assert entry.data["number"] == "01/BB-KTĐVHXH"
    assert entry.data["sha256"] == document.sha256


def test_the_source_object_is_linked(bloc_year, staff):
    document = issued_document(bloc_year, actor=staff, source=bloc_year)
    assert document.source == bloc_year


def test_a_failed_render_uses_no_number_and_stores_nothing(bloc_year, staff):
    def broken(stamp):
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        issued_document(bloc_year, actor=staff, render=broken)
    assert not IssuedDocument.objects.exists()
    assert issued_document(bloc_year, actor=staff).number == "01/BB-KTĐVHXH"


def test_a_render_that_returns_no_pdf_is_refused(bloc_year, staff):
    with pytest.raises(ValueError):
        issued_document(bloc_year, actor=staff, render=lambda stamp: b"<html>")
    assert not IssuedDocument.objects.exists()


@pytest.mark.parametrize("missing", ["issuer_code", "title"])
def test_a_document_needs_an_issuer_and_a_title(bloc_year, staff, missing):
    kwargs = {"issuer_code": "KTĐVHXH", "title": "Biên bản"}
    kwargs[missing] = "   "
    with pytest.raises(ValidationError):
        issued_document(bloc_year, actor=staff, **kwargs)


def test_extra_pdfs_are_appended_after_the_rendered_pages(bloc_year, staff):
    signed_pages = render_pdf(
        "pdf/sample_minutes.html",
        {"doc_type": "Trang ký của Sở Y tế", "members": [], "bloc_year": bloc_year},
    )
    document = issued_document(bloc_year, actor=staff, append_pdfs=[signed_pages, tiny_pdf("x")])
    data = read_document(document)
    assert pdf_page_count(data) == 1 + pdf_page_count(signed_pages) + 1
    assert pages_look_alike(data, 2, signed_pages, 1)  # printed as it was signed
    assert not pages_look_alike(data, 3, signed_pages, 1)  # the blank page after it
    entry = AuditEntry.objects.for_object(document).get()
    assert entry.data["appended_files"] == 2


def test_attached_pages_keep_the_document_pdf_a_whatever_the_upload_contained(bloc_year, staff):
    upload = base14_text_pdf("Trang ky cua So Y te")
    assert any(not font["embedded"] for font in pdf_fonts(upload))
    document = issued_document(
        bloc_year,
        actor=staff,
        render=lambda stamp: render_pdf(
            "pdf/sample_minutes.html",
            {"doc_type": "Biên bản", "members": [], "bloc_year": bloc_year, "stamp": stamp},
        ),
        append_pdfs=[upload],
    )
    data = read_document(document)
    assert all(font["embedded"] for font in pdf_fonts(data))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        with pdf.open_metadata() as xmp:
            assert xmp["pdfaid:part"] == "2" and xmp["pdfaid:conformance"] == "B"
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
    last = pdf_page_count(data)
    assert pages_look_alike(data, last, upload, 1)


def test_appended_pages_carry_the_page_number_and_the_documents_footer(bloc_year, staff):
    """A signed page taken out of the file still says which document it belongs to."""
    document = issued_document(bloc_year, actor=staff, append_pdfs=[tiny_pdf("a"), tiny_pdf("b")])
    data = read_document(document)
    for page in (2, 3):
        text = " ".join(pdf_text(data, first=page, last=page).split())
        assert text.startswith(str(page)) or f" {page} " in f" {text} "
        assert f"Bản đính kèm văn bản số {document.number}" in text
        assert document.verification_code in text
    first = " ".join(pdf_text(data, first=1, last=1).split())
    assert "Bản đính kèm" not in first


def test_merging_a_broken_pdf_is_refused():
    with pytest.raises(ValidationError):
        merge_pdfs(tiny_pdf("a"), [b"%PDF-1.7\nnot really a pdf"])


def test_merging_nothing_returns_the_document_unchanged():
    data = tiny_pdf("a")
    assert merge_pdfs(data, []) is data


def test_voiding_records_the_reason_and_keeps_everything_else(bloc_year, staff):
    document = issued_document(bloc_year, actor=staff)
    before = {field: getattr(document, field) for field in ("number", "sha256", "file")}
    voided = void_document(document, reason="  Ban hành nhầm   số liệu ", actor=staff)
    voided.refresh_from_db()
    assert voided.voided_at is not None
    assert voided.void_reason == "Ban hành nhầm số liệu"
    assert {field: getattr(voided, field) for field in before} == before
    actions = list(AuditEntry.objects.for_object(document).values_list("action", flat=True))
    assert "emulation.document.voided" in actions


def test_voiding_needs_a_reason(bloc_year, staff):
    document = issued_document(bloc_year, actor=staff)
    with pytest.raises(ValidationError):
        void_document(document, reason="  ", actor=staff)


def test_a_document_cannot_be_voided_twice(bloc_year, staff):
    document = issued_document(bloc_year, actor=staff)
    void_document(document, reason="Nhầm", actor=staff)
    with pytest.raises(ValidationError):
        void_document(document, reason="Lại nhầm", actor=staff)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_issuing_at_once_never_share_a_number(bloc_year, province_staff):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait(timeout=10)
            for _ in range(4):
                issued_document(bloc_year, actor=province_staff)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    sequences = sorted(IssuedDocument.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 9))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_creating_the_first_counter_row_at_once_do_not_fail(province_staff):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    bloc_year = BlocYearFactory(bloc=BlocFactory(code="KTĐMOI"), year=2030)
    barrier = threading.Barrier(4)
    errors = []

    def worker():
        try:
            barrier.wait(timeout=10)
            issued_document(bloc_year, actor=province_staff)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(IssuedDocument.objects.values_list("number", flat=True)) == [
        "01/BB-KTĐMOI",
        "02/BB-KTĐMOI",
        "03/BB-KTĐMOI",
        "04/BB-KTĐMOI",
    ]


def test_an_issued_document_is_pdf_a_2b_with_its_output_intent(bloc_year, staff):
    document = issued_document(
        bloc_year,
        actor=staff,
        render=lambda stamp: render_pdf(
            "pdf/sample_minutes.html",
            {
                "issuer_name": bloc_year.bloc.name,
                "doc_type": "Biên bản",
                "members": ["Sở Y tế"],
                "blank_lines": range(2),
                "signature_blocks": [],
                "stamp": stamp,
            },
        ),
    )
    with pikepdf.open(io.BytesIO(read_document(document))) as pdf:
        with pdf.open_metadata() as xmp:
            assert xmp["pdfaid:part"] == "2" and xmp["pdfaid:conformance"] == "B"
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and "/DestOutputProfile" in intent


def test_a_draft_is_not_marked_as_an_archival_pdf():
    data = render_pdf(
        "pdf/sample_minutes.html",
        {"issuer_name": "Khối", "doc_type": "Biên bản", "members": [], "blank_lines": range(1)},
    )
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/OutputIntents" not in pdf.Root


def test_an_issued_file_takes_its_name_only_when_the_transaction_commits(
    bloc_year, staff, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    with django_capture_on_commit_callbacks(execute=True):
        document = issued_document(bloc_year, actor=staff)
        name = document.file.name
        assert not default_storage.exists(name)  # waiting as <name>.pending
        assert default_storage.exists(name + ".pending")
        assert read_document(document) == read_document(document)  # readable before commit
    assert default_storage.exists(name) and not default_storage.exists(name + ".pending")
    assert hashlib.sha256(read_document(document)).hexdigest() == document.sha256


def test_a_rolled_back_issue_leaves_no_file_under_a_stored_name_and_gives_its_number_back(
    bloc_year, staff
):
    from django.core.files.storage import default_storage
    from django.db import transaction

    names = []
    with pytest.raises(RuntimeError), transaction.atomic():
        document = issued_document(bloc_year, actor=staff)
        names.append(document.file.name)
        raise RuntimeError("the caller's next step failed")
    assert not default_storage.exists(names[0])
    again = issued_document(bloc_year, actor=staff)
    assert again.number == document.number  # the number was never issued
    assert again.file.name != names[0]
