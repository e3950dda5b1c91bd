"""Verifying PAdES signatures on PDFs with pyHanko's validator (docs/exchange.md).

Trust is explicit: only the roots the installation configures (``VANTHU_EXCHANGE_TRUST_ROOTS``,
a PEM bundle — e.g. Ban Cơ yếu Chính phủ's root for "chữ ký số chuyên dùng công vụ") or those
passed in. Nothing is fetched from the network; a signature whose chain does not reach a root
is reported as untrusted, never silently accepted.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


@dataclass
class VerificationResult:
    signed: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signer: str = ""
    chain: list[str] = field(default_factory=list)
    signing_time: datetime.datetime | None = None
    summary: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.trusted


def load_certificates(blobs: Iterable[bytes]) -> list[asn1_x509.Certificate]:
    """Certificates from PEM (one or many per blob) or DER bytes."""
    certs: list[asn1_x509.Certificate] = []
    for blob in blobs:
        if pem.detect(blob):
            certs.extend(asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(blob, True))
        else:
            certs.append(asn1_x509.Certificate.load(blob))
    return certs


def configured_trust_roots() -> list[asn1_x509.Certificate]:
    path = getattr(settings, "VANTHU_EXCHANGE_TRUST_ROOTS", "")
    if not path or not Path(path).is_file():
        return []
    return load_certificates([Path(path).read_bytes()])


def verify_pdf(pdf_bytes: bytes, trust_roots: Iterable[bytes] | None = None) -> VerificationResult:
    """One verdict for the file: the first signature that fails, else the last one.

    ``trust_roots`` are PEM or DER certificates; None means the configured roots.
    """
    results = verify_all(pdf_bytes, trust_roots)
    failed = [r for r in results if not r.ok]
    return failed[0] if failed else results[-1]


def verify_all(
    pdf_bytes: bytes, trust_roots: Iterable[bytes] | None = None
) -> list[VerificationResult]:
    roots = load_certificates(trust_roots) if trust_roots is not None else configured_trust_roots()
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        return [
            VerificationResult(signed=False, summary=f"Tệp PDF hỏng, không kiểm tra được: {exc}")
        ]
    if not signatures:
        return [VerificationResult(signed=False, summary="Tệp PDF không có chữ ký số.")]
    return [_check(sig, roots) for sig in signatures]


def _check(sig: object, roots: list[asn1_x509.Certificate]) -> VerificationResult:
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(sig, context)  # type: ignore[arg-type]
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        return VerificationResult(
            signed=True, summary=f"Chữ ký không kiểm tra được (dữ liệu hỏng): {exc}"
        )
    cert = status.signing_cert
    signer = cert.subject.human_friendly if cert is not None else ""
    chain: list[str] = []
    path = getattr(status, "validation_path", None)
    if path is not None:
        chain = [c.subject.human_friendly for c in path.iter_certs(include_root=True)]
    covers = str(getattr(status, "coverage", "")).endswith("ENTIRE_FILE")
    result = VerificationResult(
        signed=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=covers,
        signer=signer,
        chain=chain,
        signing_time=status.signer_reported_dt,
    )
    result.summary = _summary(result)
    return result


def _summary(r: VerificationResult) -> str:
    when = (
        r.signing_time.astimezone(datetime.timezone(datetime.timedelta(hours=7))).strftime(
            "%d/%m/%Y %H:%M:%S"
        )
        if r.signing_time
        else "không rõ"
    )
    if not r.intact:
        return f"Chữ ký của {r.signer or 'người ký không rõ'}: nội dung đã bị thay đổi sau khi ký."
    if not r.valid:
        return f"Chữ ký của {r.signer}: chữ ký không hợp lệ."
    if not r.trusted:
        return (
            f"Chữ ký của {r.signer} (ký lúc {when}): toàn vẹn, nhưng chứng thư số không thuộc "
            "chuỗi tin cậy đã cấu hình."
        )
    extra = "" if r.covers_whole_file else " Sau chữ ký tệp còn được bổ sung thêm nội dung."
    return f"Chữ ký của {r.signer} (ký lúc {when}): hợp lệ, toàn vẹn, chứng thư tin cậy.{extra}"
