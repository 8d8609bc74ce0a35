"""Helpers for tests that look inside PDFs with poppler-utils (pdftotext, pdffonts, pdftoppm).

text = pdf_text(data)            # pdftotext -layout, whole document (or first..last pages)
fonts = pdf_fonts(data)          # [{"name", "type", "encoding", "embedded", "subset", ...}]
png = pdf_page_png(data, 1, tmp_path / "page.png")
pdf_page_count(data), pdf_page_size(data) -> (width_pt, height_pt)
"""

import re
import subprocess
import tempfile
from pathlib import Path

A4_POINTS = (595.28, 841.89)


def _run(args: list[str], data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        result = subprocess.run(
            [*args, handle.name] + (["-"] if args[0] == "pdftotext" else []),
            capture_output=True,
            check=True,
        )
    return result.stdout.decode("utf-8")


def pdf_text(data: bytes, *, first: int | None = None, last: int | None = None) -> str:
    """The text layer laid out like the page (pdftotext -layout), as str; a no-break space reads
    as the space a person sees ("57,14 %")."""
    args = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return _run(args, data).replace("\u00a0", " ")


def drawing_order_text(data: bytes) -> str:
    """The PDF's text in drawing order (pdftotext -raw: cell by cell, so neither the two header
    columns nor the signature blocks of a row interleave), page-number lines dropped and
    whitespace collapsed, for `in` checks."""
    raw = _run(["pdftotext", "-raw", "-enc", "UTF-8"], data)
    lines = [line for line in raw.splitlines() if not re.fullmatch(r"\s*\d+\s*", line)]
    return " ".join(" ".join(lines).split())


def pdf_fonts(data: bytes) -> list[dict]:
    """One dict per font from pdffonts: name (subset prefix removed), raw_name, type,
    embedded, subset, unicode (booleans)."""
    lines = _run(["pdffonts"], data).splitlines()[2:]
    fonts = []
    for line in lines:
        if not line.strip():
            continue
        match = re.match(
            r"^(?P<raw>\S+)\s+(?P<type>.+?)\s+(?P<encoding>\S+)\s+"
            r"(?P<emb>yes|no)\s+(?P<sub>yes|no)\s+(?P<uni>yes|no)\s+\d+\s+\d+\s*$",
            line,
        )
        if not match:
            continue
        raw = match["raw"]
        fonts.append(
            {
                "name": raw.split("+", 1)[-1],
                "raw_name": raw,
                "type": match["type"].strip(),
                "encoding": match["encoding"],
                "embedded": match["emb"] == "yes",
                "subset": match["sub"] == "yes",
                "unicode": match["uni"] == "yes",
            }
        )
    return fonts


def pdf_info(data: bytes) -> dict[str, str]:
    """pdfinfo's "Key: value" lines as a dict."""
    info = {}
    for line in _run(["pdfinfo"], data).splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def pdf_page_count(data: bytes) -> int:
    return int(pdf_info(data)["Pages"])


def pdf_page_size(data: bytes) -> tuple[float, float]:
    """The first page's size in points (A4 portrait is about 595 x 842)."""
    match = re.match(r"([\d.]+) x ([\d.]+)", pdf_info(data)["Page size"])
    return float(match[1]), float(match[2])


def is_a4_portrait(data: bytes) -> bool:
    width, height = pdf_page_size(data)
    return abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2


def pdf_page_png(data: bytes, page: int = 1, path: Path | str = "page.png", *, dpi: int = 60):
    """Render one page to a PNG file at `path` (pdftoppm) and return the path."""
    path = Path(path)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                handle.name,
                str(path.with_suffix("")),
            ],
            check=True,
            capture_output=True,
        )
    return path.with_suffix(".png")


def make_pkcs12(
    path: Path | str, passphrase: str = "mat-khau-chung-thu", *, name: str = ""
) -> Path:
    """Write a throwaway self-signed certificate and key as PKCS#12 (for signing tests), and
    the certificate alone next to it as `path.with_suffix(".pem")` (to configure as trusted)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ban Thi đua - Khen thưởng tỉnh Hà Nam"),
            x509.NameAttribute(NameOID.COMMON_NAME, name or "Cổng khối thi đua tỉnh Hà Nam"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = Path(path)
    path.with_suffix(".pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"portal",
            key,
            certificate,
            None,
            serialization.BestAvailableEncryption(passphrase.encode()),
        )
    )
    return path


def pdf_from_objects(objects: list[bytes], header: bytes = b"%PDF-1.7\n") -> bytes:
    """A PDF file of these numbered objects (1 0 obj …), with its cross-reference table."""
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    return bytes(out + f"startxref\n{xref}\n%%EOF\n".encode())


def tiny_pdf(label: str = "") -> bytes:
    """A valid one-page blank A4 PDF whose bytes differ per `label` (fast stand-in documents)."""
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
        ],
        header=b"%PDF-1.7\n% " + label.encode("utf-8", "replace") + b"\n",
    )


def base14_text_pdf(text: str) -> bytes:
    """A one-page PDF whose text uses Helvetica without embedding it (as many office tools and
    scanners write them), which PDF/A forbids."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        ],
        header=b"%PDF-1.4\n",
    )


def encrypted_pdf(data: bytes | None = None, password: str = "mat-khau") -> bytes:
    """`data` (or a tiny PDF) encrypted with a password (AES-256), for upload-refusal tests."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(data or tiny_pdf("encrypted"))))
    writer.encrypt(password, password)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def flip_byte(data: bytes, index: int) -> bytes:
    """`data` with one bit of the byte at `index` flipped (a one-byte tampering)."""
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)


def page_ink(data: bytes, page: int, *, dpi: int = 40, top_mm: float = 16, bottom_mm: float = 25):
    """The dark pixels of one page as a set of (x, y), leaving out the strips at the top and the
    bottom where page numbers and footers go: what a reader sees of the page's own content."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-gray", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page)]
            + ["-singlefile", str(source), f"{folder}/p"],
            check=True,
            capture_output=True,
        )
        image = Image.open(f"{folder}/p.png").convert("L")
    width, height = image.size
    px_per_mm = width / 210
    top, bottom = int(top_mm * px_per_mm), height - int(bottom_mm * px_per_mm)
    pixels = image.load()
    return {(x, y) for y in range(top, bottom) for x in range(width) if pixels[x, y] < 128}


def pages_look_alike(a: bytes, a_page: int, b: bytes, b_page: int) -> bool:
    """Whether two pages carry the same content to the eye: at 72 dpi at most 10 % of either
    page's ink has no ink of the other within a pixel (anti-aliasing, a scan's resampling and
    faint dotted lines do not count; another page's text differs by far more)."""
    first, second = page_ink(a, a_page, dpi=72), page_ink(b, b_page, dpi=72)
    if not first or not second:
        return first == second

    def missing(ink, other):
        near = {(x + dx, y + dy) for x, y in other for dx in (-1, 0, 1) for dy in (-1, 0, 1)}
        return len(ink - near)

    return max(missing(first, second) / len(first), missing(second, first) / len(second)) <= 0.1


def ink_in_margins(
    data: bytes, *, left_mm: float, right_mm: float, dpi: int = 50, tolerance_mm: float = 1.0
) -> list[str]:
    """Where a document's ink enters its left or right margin: "page 3: right, 5.6 mm from
    the edge", one entry per page and side (empty when every page keeps its margins)."""
    from PIL import Image

    found = []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-gray", "-png", "-r", str(dpi), str(source), f"{folder}/p"],
            check=True,
            capture_output=True,
        )
        for number, png in enumerate(sorted(Path(folder).glob("p*.png")), start=1):
            image = Image.open(png).convert("L")
            width, height = image.size
            px_per_mm = width / 210
            dark = image.point(lambda value: 255 if value < 128 else 0)
            left = dark.crop((0, 0, int((left_mm - tolerance_mm) * px_per_mm), height))
            right_start = width - int((right_mm - tolerance_mm) * px_per_mm)
            right = dark.crop((right_start, 0, width, height))
            if left.getbbox():
                box = left.getbbox()
                found.append(f"page {number}: left, {box[0] / px_per_mm:.1f} mm from the edge")
            if right.getbbox():
                box = right.getbbox()
                edge = (width - right_start - box[2]) / px_per_mm
                found.append(f"page {number}: right, {edge:.1f} mm from the edge")
    return found
