"""PAdES signing of issued documents and signature inspection (a throwaway certificate)."""

import asyncio
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured

from emulation import signing
from emulation.documents import read_document
from emulation.pdf import render_pdf
from tests.factories import issued_document
from tests.pdf_helpers import flip_byte, make_pkcs12, pdf_text, tiny_pdf

PASSPHRASE = "mat-khau-chung-thu"


@pytest.fixture(scope="session")
def certificate_file(tmp_path_factory):
    """One self-signed certificate for the session (key generation is the slow part)."""
    return make_pkcs12(tmp_path_factory.mktemp("cert") / "cong.p12", PASSPHRASE)


@pytest.fixture
def signing_certificate(settings, certificate_file):
    settings.SIGNING_PKCS12_PATH = str(certificate_file)
    settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE
    return certificate_file


@pytest.fixture
def document_pdf():
    return render_pdf(
        "pdf/sample_minutes.html",
        {"issuer_name": "Khối thi đua số 1", "doc_type": "Biên bản", "members": ["Sở Y tế"]},
    )


def test_signing_is_off_without_a_certificate(settings):
    settings.SIGNING_PKCS12_PATH = ""
    assert not signing.signing_configured()


def test_signing_is_on_with_a_certificate(signing_certificate):
    assert signing.signing_configured()


def test_a_signed_pdf_reports_an_intact_signature_covering_the_whole_file(
    signing_certificate, document_pdf
):
    signed = signing.sign_pdf(document_pdf, reason="Biên bản số 01/BB-KTĐ1", location="Hà Nam")
    [report] = signing.inspect_signatures(signed)
    assert report.intact and report.valid and report.covers_whole_document
    assert report.ok
    assert report.signer_name == "Cổng khối thi đua tỉnh Hà Nam"
    assert report.signing_time is not None
    assert report.field_name == signing.SIGNATURE_FIELD
    # A self-signed certificate chains to no recognised authority: integrity only.
    assert not report.trusted
    assert "BIÊN BẢN" in pdf_text(signed)


def test_one_changed_byte_inside_the_signed_range_is_detected(signing_certificate, document_pdf):
    signed = signing.sign_pdf(document_pdf, reason="x", location="Hà Nam")
    # Byte 10 is in the binary comment after the header: still parseable, but signed.
    [report] = signing.inspect_signatures(flip_byte(signed, 10))
    assert not report.intact
    assert not report.ok


def test_a_changed_byte_in_the_page_content_is_detected(signing_certificate, document_pdf):
    signed = signing.sign_pdf(document_pdf, reason="x", location="Hà Nam")
    index = signed.index(b"stream\n") + 20
    reports = signing.inspect_signatures(flip_byte(signed, index))
    assert reports and not reports[0].ok


def test_content_added_after_signing_is_reported(signing_certificate, document_pdf):
    signed = signing.sign_pdf(document_pdf, reason="x", location="Hà Nam")
    [report] = signing.inspect_signatures(signed + b"\n% appended after signing\n")
    assert report.intact
    assert not report.covers_whole_document
    assert not report.ok


@pytest.mark.parametrize("data", [b"", b"not a pdf", b"%PDF-1.7\ngarbage", tiny_pdf("plain")])
def test_files_without_a_usable_signature_have_no_reports(data):
    assert signing.inspect_signatures(data) == []


def test_a_certificate_configured_as_trusted_is_reported_trusted(
    settings, signing_certificate, document_pdf
):
    settings.SIGNING_TRUST_ROOTS = [str(signing_certificate.with_suffix(".pem"))]
    signed = signing.sign_pdf(document_pdf, reason="x", location="Hà Nam")
    [report] = signing.inspect_signatures(signed)
    assert report.trusted and report.ok


def test_a_wrong_passphrase_is_a_configuration_error(settings, certificate_file, document_pdf):
    settings.SIGNING_PKCS12_PATH = str(certificate_file)
    settings.SIGNING_PKCS12_PASSPHRASE = "sai-mat-khau"
    with pytest.raises(ImproperlyConfigured):
        signing.sign_pdf(document_pdf, reason="x", location="Hà Nam")


def test_a_missing_certificate_file_is_a_configuration_error(settings, tmp_path, document_pdf):
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "missing.p12")
    with pytest.raises(ImproperlyConfigured):
        signing.sign_pdf(document_pdf, reason="x", location="Hà Nam")


def test_issue_document_signs_when_a_certificate_is_configured(
    bloc_year, province_staff, signing_certificate, document_pdf
):
    document = issued_document(bloc_year, actor=province_staff, render=lambda stamp: document_pdf)
    assert document.digitally_signed
    [report] = signing.inspect_signatures(read_document(document))
    assert report.ok


def test_issue_document_without_a_certificate_is_unsigned_and_says_so(
    settings, bloc_year, province_staff
):
    settings.SIGNING_PKCS12_PATH = ""
    document = issued_document(bloc_year, actor=province_staff)
    assert not document.digitally_signed
    assert signing.inspect_signatures(read_document(document)) == []


# pyHanko's synchronous API calls `asyncio.run`, which refuses to start inside a running loop:
# Playwright's browser tests, an ASGI server or any async caller would fail to sign.


def in_a_fresh_thread(function):
    """Run `function` in a new thread, where no event loop runs yet: the test's own thread may
    run one (Playwright's, when a browser test ran first in this worker)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_signing_and_inspecting_inside_a_running_event_loop(signing_certificate, document_pdf):
    async def sign_and_inspect():
        signed = signing.sign_pdf(document_pdf, reason="Biên bản số 01", location="Ninh Bình")
        return signing.inspect_signatures(signed)

    [report] = in_a_fresh_thread(lambda: asyncio.run(sign_and_inspect()))
    assert report.intact and report.valid and report.covers_whole_document


def test_signing_outside_a_loop_still_runs_in_the_calling_thread(
    signing_certificate, document_pdf, monkeypatch
):
    started = []
    monkeypatch.setattr(signing, "_in_worker_thread", lambda *args, **kwargs: started.append(args))

    def sign_and_inspect():
        signed = signing.sign_pdf(document_pdf, reason="Biên bản số 01", location="Ninh Bình")
        return signing.inspect_signatures(signed)

    assert in_a_fresh_thread(sign_and_inspect)[0].intact
    assert started == []
