"""Verifying PAdES signatures on PDFs with pyHanko's validator (docs/exchange.md).

Trust is explicit: only the roots the installation configures (``VANTHU_EXCHANGE_TRUST_ROOTS``,
a PEM bundle or a folder of PEM/DER certificates — e.g. Ban Cơ yếu Chính phủ's root for "chữ ký
số chuyên dùng công vụ") or those passed in. A signature whose chain does not reach a root is
reported as untrusted, never silently accepted.

Revocation (``exchange.revocation``): the CRLs the installation keeps in its folder, the CRLs
and OCSP responses embedded in the PDF's DSS (PAdES B-LT), and the network only when a setting
allows it. With revocation data for the chain, it must show the certificates were not revoked
(pyHanko's "require" mode); without any, the verdict is kept and the check says revocation was
not checked (``revocation = "unknown"``).

Each signature gets one of the ``State`` codes; a PDF that has a signature field whose data
cannot even be parsed is ``invalid``, never "unsigned".
"""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko_certvalidator import ValidationContext

from vanthu.exchange import revocation

log = logging.getLogger(__name__)

CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")
VN = datetime.timezone(datetime.timedelta(hours=7))


class State(models.TextChoices):
    """The verdict on one signature, or on a file (its worst signature)."""

    VALID = "valid", _("hợp lệ")
    INVALID = "invalid", _("không hợp lệ / bị sửa đổi")
    UNTRUSTED = "untrusted", _("chứng thư không tin cậy")
    EXPIRED = "expired", _("chứng thư hết hạn")
    REVOKED = "revoked", _("chứng thư đã bị thu hồi")
    UNSIGNED = "unsigned", _("không có chữ ký số")


# Worst first: a file's state is that of its worst signature.
SEVERITY = (
    State.INVALID,
    State.REVOKED,
    State.EXPIRED,
    State.UNTRUSTED,
    State.VALID,
    State.UNSIGNED,
)
FAILED = frozenset({State.INVALID, State.REVOKED, State.EXPIRED, State.UNTRUSTED})


class Revocation(models.TextChoices):
    """What the revocation check of one signature found."""

    GOOD = "good", _("đã kiểm tra: chưa bị thu hồi")
    REVOKED = "revoked", _("đã bị thu hồi")
    REVOKED_LATER = "revoked_later", _("bị thu hồi sau thời điểm ký (có dấu thời gian)")
    UNKNOWN = "unknown", _("chưa kiểm tra được (không có dữ liệu thu hồi)")


# PAdES baseline levels (ETSI EN 319 142-1): B-B, B-T (a signature timestamp), B-LT (and the
# validation data in the DSS), B-LTA (and a document timestamp over them).
LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
DOCUMENT_TIMESTAMP = "/DocTimeStamp"


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
    revoked: bool = False  # the signer's (or a CA's) certificate revoked before signing
    revocation: str = Revocation.UNKNOWN
    revocation_note: str = ""  # why it is unknown, or when it was revoked (Vietnamese)
    timestamp: datetime.datetime | None = None  # a trusted signature timestamp's time
    level: str = "B-B"  # the PAdES level the file shows for this signature

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.trusted and not self.revoked

    @property
    def state(self) -> State:
        if not self.signed:
            return State.UNSIGNED
        if self.broken or not self.intact or not self.valid:
            return State.INVALID
        if self.revoked:
            return State.REVOKED
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
    pdf_bytes: bytes,
    trust_roots: Iterable[bytes] | None = None,
    revocation_data: revocation.RevocationData | None = None,
) -> list[VerificationResult]:
    """Every signature's result. ``revocation_data`` None means the configured CRLs and
    fetching setting (``exchange.revocation.configured``)."""
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
    data = revocation_data if revocation_data is not None else revocation.configured()
    embedded = _embedded(reader)
    # Document timestamps (PAdES B-LTA) are not signatures of a person: each is checked on its
    # own, and one that holds lifts the signatures before it to B-LTA.
    stamps = [s for s in signatures if s.sig_object_type == DOCUMENT_TIMESTAMP]
    signed = [s for s in signatures if s.sig_object_type != DOCUMENT_TIMESTAMP]
    results = [_check(sig, roots, data, embedded) for sig in signed]
    archived: list[int] = []
    for stamp in stamps:
        counts, failed = _check_document_timestamp(stamp, roots, embedded)
        if counts:
            archived.append(stamp.signed_revision)
        if failed is not None:
            results.append(failed)
    for sig, result in zip(signed, results, strict=False):
        if result.level == "B-LT" and any(rev > sig.signed_revision for rev in archived):
            result.level = "B-LTA"
    if not signed:
        results.insert(0, VerificationResult(signed=False, summary="Tệp PDF không có chữ ký số."))
    return results


def _check_document_timestamp(
    stamp: Any, roots: list[asn1_x509.Certificate], embedded: _Embedded
) -> tuple[bool, VerificationResult | None]:
    """Whether the document timestamp counts for B-LTA (intact, valid, from a TSA that chains
    to a configured root), and a failing result when the bytes it covers changed or it does
    not verify. A timestamp from an untrusted TSA is no failure: it only does not count."""
    context = ValidationContext(
        trust_roots=roots,
        other_certs=embedded.certs,
        crls=embedded.crls,
        ocsps=embedded.ocsps,
        revocation_mode="soft-fail",
    )
    try:
        status = validate_pdf_timestamp(stamp, validation_context=context)
    except Exception as exc:  # any failure inside the validator is a failed timestamp
        result = _broken(exc)
        result.summary = f"Dấu thời gian tài liệu không kiểm tra được (dữ liệu hỏng): {exc}"
        return False, result
    if status.intact and status.valid:
        return bool(status.trusted), None
    cert = status.signing_cert
    tsa = str(cert.subject.native.get("common_name", "")) if cert is not None else ""
    what = "nội dung đã bị thay đổi sau khi đóng dấu." if not status.intact else "không hợp lệ."
    return False, VerificationResult(
        signed=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        signer_name=tsa,
        signing_time=status.timestamp,
        level="B-LTA",
        summary=f"Dấu thời gian tài liệu (lưu trữ dài hạn) của {tsa or 'TSA không rõ'}: {what}",
    )


@dataclass(frozen=True)
class _Embedded:
    """The validation data in the PDF's DSS (what PAdES B-LT adds)."""

    certs: list[asn1_x509.Certificate] = field(default_factory=list)
    crls: list[asn1_crl.CertificateList] = field(default_factory=list)
    ocsps: list[asn1_ocsp.OCSPResponse] = field(default_factory=list)


def _embedded(reader: PdfFileReader) -> _Embedded:
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        return _Embedded(
            certs=list(dss.load_certs()),
            crls=[
                asn1_crl.CertificateList.load(r.get_object().read_data(DecodePurpose.CRL))
                for r in dss.crls
            ],
            ocsps=[
                asn1_ocsp.OCSPResponse.load(r.get_object().read_data(DecodePurpose.OCSP_RESPONSE))
                for r in dss.ocsps
            ],
        )
    except NoDSSFoundError:
        return _Embedded()
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        # A damaged DSS is no reason to refuse the check: it is validated without it.
        log.warning("DSS không đọc được, bỏ qua: %s", exc)
        return _Embedded()


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


def _validate(
    sig: object,
    roots: list[asn1_x509.Certificate],
    embedded: _Embedded,
    crls: list[asn1_crl.CertificateList],
    *,
    mode: str,
    fetching: bool,
) -> Any:
    def context(revocation_mode: str) -> ValidationContext:
        return ValidationContext(
            trust_roots=roots,
            other_certs=embedded.certs,
            crls=crls,
            ocsps=embedded.ocsps,
            allow_fetching=fetching,
            revocation_mode=revocation_mode,
        )

    # The timestamp's own chain is checked leniently: its TSA may publish no CRL, and that
    # says nothing about the signer.
    return validate_pdf_signature(
        sig,  # type: ignore[arg-type]
        context(mode),
        ts_validation_context=context("soft-fail"),
    )


def _check(
    sig: object,
    roots: list[asn1_x509.Certificate],
    data: revocation.RevocationData,
    embedded: _Embedded,
) -> VerificationResult:
    crls = list(data.crls) + embedded.crls
    have_revinfo = bool(crls or embedded.ocsps or data.fetching)
    outcome = Revocation.UNKNOWN
    note = ""
    revoked_at: datetime.datetime | None = None
    reason = ""
    try:
        if have_revinfo:
            # With revocation data at hand, the chain must be shown not revoked ...
            status = _validate(sig, roots, embedded, crls, mode="require", fetching=data.fetching)
            details = status.revocation_details
            if details is not None:
                revoked_at = details.revocation_date
                reason = str(details.revocation_reason.native or "")
                outcome = Revocation.REVOKED
                signed_at, proven = _signing_time(status)
                if proven and signed_at is not None and revoked_at > signed_at:
                    # ... a certificate revoked after a time a trusted timestamp proves: the
                    # signature was made while it was good (judge the rest without revocation).
                    outcome = Revocation.REVOKED_LATER
                    status = _validate(sig, roots, embedded, [], mode="none", fetching=False)
            elif status.trusted:
                outcome = Revocation.GOOD
            else:
                # ... or else (no CRL/OCSP for this chain) it is judged as before, unchecked.
                status = _validate(
                    sig, roots, embedded, crls, mode="soft-fail", fetching=data.fetching
                )
                if status.revocation_details is not None:
                    revoked_at = status.revocation_details.revocation_date
                    outcome = Revocation.REVOKED
                note = str(_("không có dữ liệu thu hồi (CRL/OCSP) cho chuỗi chứng thư này"))
        else:
            status = _validate(sig, roots, embedded, [], mode="soft-fail", fetching=False)
            note = str(_("chưa cấu hình danh sách chứng thư bị thu hồi (CRL)"))
    except Exception as exc:  # any failure inside the validator is a failed signature
        result = _broken(exc)
        result.summary = f"Chữ ký không kiểm tra được (dữ liệu hỏng): {exc}"
        return result
    if outcome == Revocation.UNKNOWN and data.problems:
        note = "; ".join([note, *data.problems]) if note else "; ".join(data.problems)
    cert = status.signing_cert
    signer = cert.subject.human_friendly if cert is not None else ""
    name = ""
    if cert is not None:
        name = str(cert.subject.native.get("common_name", "") or signer)
    chain: list[str] = []
    path = getattr(status, "validation_path", None)
    if path is not None:
        chain = [c.subject.human_friendly for c in path.iter_certs(include_root=True)]
    # Only validation data (DSS) and document timestamps added after the signature (B-LT,
    # B-LTA) count as covering the whole file: nothing a reader sees was added.
    level_name = str(getattr(getattr(status, "modification_level", None), "name", ""))
    covers = str(getattr(status, "coverage", "")).endswith("ENTIRE_FILE") or (
        level_name == "LTA_UPDATES"
    )
    problem = str(getattr(status, "trust_problem_indic", "") or "")
    _signed_at, proven = _signing_time(status)
    ts = status.timestamp_validity
    level = "B-B"
    if ts is not None:
        level = "B-LT" if embedded.crls or embedded.ocsps else "B-T"
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
        revoked=outcome == Revocation.REVOKED,
        revocation=outcome,
        revocation_note=_revocation_note(outcome, revoked_at, reason, note),
        timestamp=ts.timestamp if proven and ts is not None else None,
        level=level,
    )
    result.summary = _summary(result)
    return result


def _signing_time(status: Any) -> tuple[datetime.datetime | None, bool]:
    """When the signature was made: a trusted signature timestamp's time (proven), else the
    time the signer claims (not proven)."""
    ts = status.timestamp_validity
    if ts is not None and ts.valid and ts.intact and ts.trusted:
        return ts.timestamp, True
    return status.signer_reported_dt, False


# RFC 5280 reason codes, as offices read them.
REASONS = {
    "unspecified": "không nêu lý do",
    "key_compromise": "lộ khóa bí mật",
    "ca_compromise": "lộ khóa của tổ chức cấp chứng thư",
    "affiliation_changed": "thay đổi thông tin",
    "superseded": "đã được thay thế",
    "cessation_of_operation": "ngừng sử dụng",
    "certificate_hold": "tạm dừng",
    "privilege_withdrawn": "rút quyền",
}


def _revocation_note(
    outcome: str, revoked_at: datetime.datetime | None, reason: str, note: str
) -> str:
    when = revoked_at.astimezone(VN).strftime("%d/%m/%Y %H:%M:%S") if revoked_at else "không rõ"
    why = REASONS.get(reason, reason)
    if outcome in (Revocation.REVOKED, Revocation.REVOKED_LATER):
        return f"thu hồi lúc {when}" + (f", lý do: {why}" if why else "")
    if outcome == Revocation.UNKNOWN:
        return note
    return ""


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
    if r.revoked:
        proof = (
            "trước thời điểm ký"
            if r.timestamp is not None
            else "và không có dấu thời gian chứng minh chữ ký được tạo trước khi thu hồi"
        )
        return (
            f"Chữ ký của {who} (ký lúc {when}): chứng thư số đã bị thu hồi "
            f"({r.revocation_note}) {proof}."
        )
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
    if r.revocation == Revocation.GOOD:
        extra += " Đã kiểm tra thu hồi: chứng thư chưa bị thu hồi."
    elif r.revocation == Revocation.REVOKED_LATER:
        extra += (
            f" Chứng thư bị {r.revocation_note}, sau thời điểm ký đã được dấu thời gian chứng minh."
        )
    else:
        extra += f" Chưa kiểm tra được tình trạng thu hồi chứng thư ({r.revocation_note})."
    return f"Chữ ký của {who} (ký lúc {when}): hợp lệ, toàn vẹn, chứng thư tin cậy.{extra}"
