"""Verifying PAdES signatures on PDFs with pyHanko's validator (docs/exchange.md).

Trust is explicit: only the roots the installation configures (``VANTHU_EXCHANGE_TRUST_ROOTS``,
a PEM bundle or a folder of PEM/DER certificates — e.g. Ban Cơ yếu Chính phủ's root for "chữ ký
số chuyên dùng công vụ") or those passed in. Nothing is fetched from the network; a signature
whose chain does not reach a root is reported as untrusted, never silently accepted.

Each signature gets one of the ``State`` codes; a PDF that has a signature field whose data
cannot even be parsed is ``invalid``, never "unsigned".
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
from django.db import models
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")
VN = datetime.timezone(datetime.timedelta(hours=7))


class State(models.TextChoices):
    """The verdict on one signature, or on a file (its worst signature)."""

    VALID = "valid", _("hợp lệ")
    INVALID = "invalid", _("không hợp lệ / bị sửa đổi")
    UNTRUSTED = "untrusted", _("chứng thư không tin cậy")
    EXPIRED = "expired", _("chứng thư hết hạn")
    UNSIGNED = "unsigned", _("không có chữ ký số")


# Worst first: a file's state is that of its worst signature.
SEVERITY = (State.INVALID, State.EXPIRED, State.UNTRUSTED, State.VALID, State.UNSIGNED)
FAILED = frozenset({State.INVALID, State.EXPIRED, State.UNTRUSTED})


@dataclass
class VerificationResult:
    signed: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    expired: bool = False
    covers_whole_file: bool = False
    signer: str = ""
    signer_name: str = ""  # the certificate's common name, for display
    chain: list[str] = field(default_factory=list)
    signing_time: datetime.datetime | None = None
    summary: str = ""
    broken: bool = False  # a signature is there but its data cannot be read

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.trusted

    @property
    def state(self) -> State:
        if not self.signed:
            return State.UNSIGNED
        if self.broken or not self.intact or not self.valid:
            return State.INVALID
        if self.expired:
            return State.EXPIRED
        if not self.trusted:
            return State.UNTRUSTED
        return State.VALID


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
    """The roots named by ``VANTHU_EXCHANGE_TRUST_ROOTS``: a bundle file, or a folder whose
    ``*.pem``/``*.crt``/``*.cer``/``*.der`` files are read (one or many certificates each)."""
    setting = getattr(settings, "VANTHU_EXCHANGE_TRUST_ROOTS", "")
    if not setting:
        return []
    path = Path(setting)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in CERT_SUFFIXES)
        return load_certificates(p.read_bytes() for p in files)
    if path.is_file():
        return load_certificates([path.read_bytes()])
    return []


def verify_pdf(pdf_bytes: bytes, trust_roots: Iterable[bytes] | None = None) -> VerificationResult:
    """One verdict for the file: the first signature that fails, else the last one.

    ``trust_roots`` are PEM or DER certificates; None means the configured roots.
    """
    results = verify_all(pdf_bytes, trust_roots)
    failed = [r for r in results if not r.ok]
    return failed[0] if failed else results[-1]


def file_state(results: list[VerificationResult]) -> State:
    """The state of a file from its signatures' results: the worst one."""
    states = {r.state for r in results}
    return next(s for s in SEVERITY if s in states)


def verify_all(
    pdf_bytes: bytes, trust_roots: Iterable[bytes] | None = None
) -> list[VerificationResult]:
    roots = load_certificates(trust_roots) if trust_roots is not None else configured_trust_roots()
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        return [
            VerificationResult(signed=False, summary=f"Tệp PDF hỏng, không kiểm tra được: {exc}")
        ]
    try:
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        if _has_filled_signature_field(reader):
            return [_broken(exc)]
        return [
            VerificationResult(signed=False, summary=f"Tệp PDF hỏng, không kiểm tra được: {exc}")
        ]
    if not signatures:
        if _has_filled_signature_field(reader):
            return [_broken(None)]
        return [VerificationResult(signed=False, summary="Tệp PDF không có chữ ký số.")]
    return [_check(sig, roots) for sig in signatures]


def _has_filled_signature_field(reader: PdfFileReader) -> bool:
    try:
        return any(v is not None for _, v, _ in enumerate_sig_fields(reader, filled_status=None))
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return False


def _broken(exc: Exception | None) -> VerificationResult:
    detail = f" ({exc})" if exc is not None else ""
    return VerificationResult(
        signed=True,
        broken=True,
        summary=f"Chữ ký số bị hỏng: không đọc được dữ liệu chữ ký trong tệp{detail}.",
    )


def _check(sig: object, roots: list[asn1_x509.Certificate]) -> VerificationResult:
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(sig, context)  # type: ignore[arg-type]
    except Exception as exc:  # any failure inside the validator is a failed signature
        result = _broken(exc)
        result.summary = f"Chữ ký không kiểm tra được (dữ liệu hỏng): {exc}"
        return result
    cert = status.signing_cert
    signer = cert.subject.human_friendly if cert is not None else ""
    name = ""
    if cert is not None:
        name = str(cert.subject.native.get("common_name", "") or signer)
    chain: list[str] = []
    path = getattr(status, "validation_path", None)
    if path is not None:
        chain = [c.subject.human_friendly for c in path.iter_certs(include_root=True)]
    covers = str(getattr(status, "coverage", "")).endswith("ENTIRE_FILE")
    problem = str(getattr(status, "trust_problem_indic", "") or "")
    result = VerificationResult(
        signed=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        # The certificate was outside its validity at the time of validation, with no proof
        # (timestamp) that the signature existed while it was valid.
        expired=any(k in problem for k in ("OUT_OF_BOUNDS", "EXPIRED", "NOT_YET_VALID")),
        covers_whole_file=covers,
        signer=signer,
        signer_name=name,
        chain=chain,
        signing_time=status.signer_reported_dt,
    )
    result.summary = _summary(result)
    return result


def _summary(r: VerificationResult) -> str:
    when = (
        r.signing_time.astimezone(VN).strftime("%d/%m/%Y %H:%M:%S")
        if r.signing_time
        else "không rõ"
    )
    who = r.signer_name or r.signer or "người ký không rõ"
    if not r.intact:
        return f"Chữ ký của {who}: nội dung đã bị thay đổi sau khi ký."
    if not r.valid:
        return f"Chữ ký của {who}: chữ ký không hợp lệ."
    if r.expired:
        return (
            f"Chữ ký của {who} (ký lúc {when}): toàn vẹn, nhưng chứng thư số đã hết hạn "
            "(hoặc chưa có hiệu lực) và không có dấu thời gian chứng minh đã ký khi còn hạn."
        )
    if not r.trusted:
        return (
            f"Chữ ký của {who} (ký lúc {when}): toàn vẹn, nhưng chứng thư số không thuộc "
            "chuỗi tin cậy đã cấu hình."
        )
    extra = "" if r.covers_whole_file else " Sau chữ ký tệp còn được bổ sung thêm nội dung."
    return f"Chữ ký của {who} (ký lúc {when}): hợp lệ, toàn vẹn, chứng thư tin cậy.{extra}"
