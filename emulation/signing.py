"""PAdES digital signatures on issued documents (pyHanko), and their inspection for /verify/.

The province configures a PKCS#12 certificate with SIGNING_PKCS12_PATH and
SIGNING_PKCS12_PASSPHRASE; without one, documents are issued unsigned. Inspection never goes to
the network: integrity (the signed bytes are unchanged) is checked fully, while trust (the
certificate chains to a recognised certification authority) is reported separately and is only
true when the chain reaches a root configured in SIGNING_TRUST_ROOTS (none by default).
"""

import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "ChuKySoCong"
# Room for the CMS signature: the certificate chain of a Vietnamese CA fits with margin.
SIGNATURE_BYTES_RESERVED = 16384


@dataclass(frozen=True)
class SignatureReport:
    """What one embedded signature says about the file it is in."""

    field_name: str
    signer_name: str
    signing_time: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_document: bool
    error: str = ""

    @property
    def ok(self) -> bool:
        """Integrity holds and nothing was added after signing (trust aside)."""
        return self.intact and self.valid and self.covers_whole_document


def signing_configured() -> bool:
    """Whether a signing certificate is configured for issued documents."""
    return bool(getattr(settings, "SIGNING_PKCS12_PATH", ""))


@lru_cache(maxsize=4)
def _load_signer(path: str, passphrase: str, mtime: float):
    from pyhanko.sign import signers

    try:
        return signers.SimpleSigner.load_pkcs12_data(
            Path(path).read_bytes(), other_certs=[], passphrase=passphrase.encode() or None
        )
    except (OSError, ValueError) as error:
        raise ImproperlyConfigured(
            f"SIGNING_PKCS12_PATH={path!r} cannot be loaded with the configured passphrase."
        ) from error


def _signer():
    path = settings.SIGNING_PKCS12_PATH
    try:
        mtime = Path(path).stat().st_mtime
    except OSError as error:
        raise ImproperlyConfigured(f"SIGNING_PKCS12_PATH={path!r} is not readable.") from error
    return _load_signer(path, settings.SIGNING_PKCS12_PASSPHRASE, mtime)


def _in_worker_thread(function, *args, **kwargs):
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pades") as pool:
        return pool.submit(function, *args, **kwargs).result()


def _outside_event_loop(function, *args, **kwargs):
    """Call one of pyHanko's synchronous functions, which start their own event loop
    (`asyncio.run`): in a worker thread when this thread already runs a loop (an async caller,
    an ASGI server, Playwright in the browser tests), else right here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    return _in_worker_thread(function, *args, **kwargs)


def sign_pdf(data: bytes, *, reason: str, location: str) -> bytes:
    """`data` with an invisible PAdES signature (an incremental update) by the configured
    certificate."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location=location,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    # Reserving the space up front spares pyHanko a dummy signature to measure it.
    output = _outside_event_loop(
        signers.sign_pdf,
        writer,
        metadata,
        signer=_signer(),
        bytes_reserved=SIGNATURE_BYTES_RESERVED,
    )
    return output.getvalue()


def _validation_context():
    from pyhanko_certvalidator import ValidationContext

    roots = []
    for root_path in settings.SIGNING_TRUST_ROOTS:
        from asn1crypto import pem, x509

        raw = Path(root_path).read_bytes()
        if pem.detect(raw):
            raw = pem.unarmor(raw)[2]
        roots.append(x509.Certificate.load(raw))
    return ValidationContext(trust_roots=roots, allow_fetching=False)


def _signer_name(certificate) -> str:
    try:
        subject = certificate.subject.native
    except Exception:
        return ""
    return subject.get("common_name") or subject.get("organization_name") or ""


def inspect_signatures(data: bytes) -> list[SignatureReport]:
    """One report per embedded signature; an empty list when the file has none or is unreadable.

    A damaged signature (bytes changed inside the signed range, or in the signature itself) is
    reported with intact=False rather than raised.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return []
        embedded = reader.embedded_signatures
    # Hostile or damaged files fail to parse in many ways; they simply carry no usable signature.
    except Exception:
        return []
    reports = []
    for signature in embedded:
        name = str(signature.field_name or "")
        try:
            certificate = signature.signer_cert
        except Exception:
            certificate = None
        try:
            status = _outside_event_loop(validate_pdf_signature, signature, _validation_context())
        # A signature whose bytes were altered can break CMS parsing itself: that is "not intact".
        except Exception as error:
            logger.info("Signature %s could not be validated: %s", name, error)
            reports.append(
                SignatureReport(
                    field_name=name,
                    signer_name=_signer_name(certificate) if certificate else "",
                    signing_time=None,
                    intact=False,
                    valid=False,
                    trusted=False,
                    covers_whole_document=False,
                    error=str(error)[:300],
                )
            )
            continue
        reports.append(
            SignatureReport(
                field_name=name,
                signer_name=_signer_name(status.signing_cert),
                signing_time=status.signer_reported_dt,
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            )
        )
    return reports
