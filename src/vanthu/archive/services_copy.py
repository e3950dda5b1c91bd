"""Copies from the archive (bản sao, sao y, trích sao) against an approved access request.

NĐ 30/2020 Điều 25–27 (domain.md §1.4): sao y and trích sao have the legal value of the
original; copies are numbered per calendar year from 01, in the one sequence of all the
organisation's copies (``registry.numbering.next_copy_number``, the office's electronic sao y
too). TT 05/2025 (§3.5): a copy carries "BẢN SAO" top right; a certified copy is
authenticated by the organisation's digital signature when a key is configured
(``VANTHU_COPY_SIGNING_P12``, the path of a PKCS#12 file, and
``VANTHU_COPY_SIGNING_PASSPHRASE``), at the highest PAdES level the installation allows, the
level kept on the copy. Every copy is a line in the sổ sử
dụng bản lưu and an audit event; the PDF is handed out, its SHA-256 kept.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from vanthu.access import policy, watermark
from vanthu.archive.models import AccessRequest, CertifiedCopy, UseEntry
from vanthu.archive.services import require_archivist
from vanthu.audit.services import record
from vanthu.core.enums import Secrecy
from vanthu.guide.rules import cite
from vanthu.orgs.models import User
from vanthu.records.models import DossierDocument
from vanthu.records.services.common import Errors
from vanthu.registry import files, numbering
from vanthu.registry.models import Document, DocumentFile
from vanthu.registry.selectors import get_file
from vanthu.reports import fonts

# Phụ lục III NĐ 30: the abbreviations of the copy forms in the copy's number.
ABBREVIATION = {"copy": "BS", "sao_y": "SY", "trich_sao": "TrS"}
TITLE = {"copy": "BẢN SAO", "sao_y": "SAO Y BẢN CHÍNH", "trich_sao": "TRÍCH SAO"}
PAGES = re.compile(r"^\s*(\d{1,4})\s*(?:-\s*(\d{1,4}))?\s*$")


def signing_key() -> tuple[bytes, str] | None:
    """The organisation's key for certified copies, if one is configured."""
    path = getattr(settings, "VANTHU_COPY_SIGNING_P12", "") or os.environ.get(
        "VANTHU_COPY_SIGNING_P12", ""
    )
    if not path:
        return None
    passphrase = getattr(settings, "VANTHU_COPY_SIGNING_PASSPHRASE", "") or os.environ.get(
        "VANTHU_COPY_SIGNING_PASSPHRASE", ""
    )
    return Path(path).read_bytes(), passphrase


def _page_range(raw: str, errors: Errors) -> tuple[int, int] | None:
    match = PAGES.match(raw or "")
    if not match:
        errors["pages"] = [_("Trích sao phải ghi trang, ví dụ “2” hoặc “2-3”.")]
        return None
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if first < 1 or last < first:
        errors["pages"] = [_("Khoảng trang không hợp lệ.")]
        return None
    return first, last


def _source(file: DocumentFile) -> bytes:
    """The document as a PDF (its PDF/A copy when there is one); 400 for other formats."""
    data = files.read_verified(file, pdfa=bool(file.pdfa_sha256))
    if data.startswith(b"%PDF"):
        return data
    if file.content_type in watermark.IMAGE_TYPES:
        try:
            return watermark.image_to_pdf(data)
        except watermark.CannotWatermark:
            pass
    raise ValidationError({"file": [_("Chỉ sao được tệp PDF hoặc ảnh.")]})


def _stamp(width: float, height: float, label: str) -> PdfReader:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setFont(fonts.BOLD, 11)
    c.drawRightString(width - 36, height - 30, label)
    c.showPage()
    c.save()
    return PdfReader(io.BytesIO(buf.getvalue()))


def _block(copy: CertifiedCopy, request: AccessRequest, certifier: User) -> PdfReader:
    """The certification block (hình thức sao, NĐ 30 Phụ lục I) on a page after the copy."""
    doc = copy.document
    when = timezone.localtime(copy.issued_at)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    y = height - 72

    def line(text: str, *, bold: bool = False, size: int = 12, x: float = 72) -> None:
        nonlocal y
        c.setFont(fonts.BOLD if bold else fonts.REGULAR, size)
        c.drawString(x, y, text)
        y -= size * 1.6

    c.setFont(fonts.BOLD, 12)
    c.drawString(72, y, copy.organization.name.upper()[:60])
    c.drawRightString(width - 72, y, "ĐẢNG CỘNG SẢN VIỆT NAM")
    y -= 40
    c.setFont(fonts.BOLD, 15)
    c.drawCentredString(width / 2, y, TITLE[copy.kind])
    y -= 30
    line(f"Số: {copy.number:02d}/{ABBREVIATION[copy.kind]}")
    line(f"ngày {when:%d} tháng {when:%m} năm {when:%Y}, lúc {when:%H:%M}")
    line(f"Sao từ văn bản: {doc.number_symbol or '(không số)'}", bold=True)
    if doc.issued_date:
        line(f"Ngày ban hành: {doc.issued_date:%d/%m/%Y}")
    line(f"Trích yếu: {(doc.summary or '')[:80]}")
    if copy.pages:
        line(f"Trích sao các trang: {copy.pages}")
    line(f"Theo phiếu yêu cầu khai thác số {request.pk}, người yêu cầu: {request.requester}")
    line(f"Bản sao số {copy.number:02d}")
    y -= 10
    line("Nơi nhận:", bold=True, size=11)
    line(f"- {request.requester};", size=11)
    line("- Lưu: Lưu trữ.", size=11)
    y -= 10
    line("NGƯỜI XÁC THỰC BẢN SAO", bold=True, x=width / 2)
    line(certifier.full_name or certifier.username, x=width / 2)
    c.showPage()
    c.save()
    return PdfReader(io.BytesIO(buf.getvalue()))


def _compose(
    source: bytes,
    copy: CertifiedCopy,
    request: AccessRequest,
    certifier: User,
    span: tuple[int, int] | None,
) -> bytes:
    fonts.register_fonts()
    try:
        reader = PdfReader(io.BytesIO(source))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError({"file": [_("Tệp PDF có mật khẩu, không sao được.")]})
        count = len(reader.pages)
    except (PyPdfError, ValueError, OSError) as exc:
        raise ValidationError({"file": [_("Tệp PDF hỏng, không sao được.")]}) from exc
    first, last = span or (1, count)
    if last > count:
        raise ValidationError({"pages": [_("Văn bản chỉ có %d trang.") % count]})
    writer = PdfWriter()
    label = f"{TITLE['copy']} số {copy.number:02d}"
    for index in range(first - 1, last):
        page = writer.add_page(reader.pages[index])
        if page.rotation:
            page.transfer_rotation_to_content()
        box = page.mediabox
        stamp = _stamp(float(box.width), float(box.height), label).pages[0]
        page.merge_translated_page(stamp, float(box.left), float(box.bottom), over=True)
    writer.add_page(_block(copy, request, certifier).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@transaction.atomic
def issue_copy(
    *,
    actor: User,
    request_pk: int,
    document_pk: int,
    file_pk: int,
    kind: str,
    pages: str = "",
    now: datetime.datetime | None = None,
) -> tuple[CertifiedCopy, bytes]:
    """The archivist issues a copy of a document of the request's dossiers; the PDF bytes."""
    seen = policy.get_visible_or_404(actor, AccessRequest.objects.all(), pk=request_pk)
    # Locked after the access check: PostgreSQL refuses FOR UPDATE with the check's DISTINCT.
    request = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("organization", "requester")
        .get(pk=seen.pk)
    )
    require_archivist(actor, request.organization)
    file = get_file(actor, document_pk, file_pk)
    entry = (
        DossierDocument.objects.filter(
            document_id=file.document_id, dossier__in=request.items.values("dossier")
        )
        .order_by("pk")
        .first()
    )
    if entry is None:
        raise Http404
    errors: Errors = {}
    now = now or timezone.now()
    modes = (AccessRequest.Mode.COPY, AccessRequest.Mode.CERTIFIED_COPY)
    if request.status != AccessRequest.Status.APPROVED or request.mode not in modes:
        errors["request"] = [cite("khai-thac", _("Phiếu yêu cầu chưa được duyệt để sao tài liệu."))]
    elif request.valid_until is None or now > request.valid_until:
        errors["request"] = [cite("khai-thac", _("Đã hết thời hạn của phiếu yêu cầu."))]
    allowed = ["copy"] if request.mode == AccessRequest.Mode.COPY else ["sao_y", "trich_sao"]
    span: tuple[int, int] | None = None
    if kind not in allowed:
        errors["kind"] = [_("Hình thức sao phải là một trong: %s.") % ", ".join(allowed)]
    elif kind == "trich_sao":
        span = _page_range(pages, errors)
    elif pages:
        errors["pages"] = [_("Chỉ trích sao mới ghi trang.")]
    if errors:
        raise ValidationError(errors)
    source = _source(file)
    if file.document.secrecy != Secrecy.NONE:
        # A classified copy carries its reader's mark like every classified read (issue 6).
        mark = watermark.mark_for(
            reader=request.requester.full_name or request.requester.username,
            secrecy=file.document.secrecy,
        )
        try:
            source = watermark.watermark_pdf(source, mark)
        except watermark.CannotWatermark as exc:
            raise ValidationError({"file": [str(exc)]}) from exc
    year = timezone.localtime(now).year
    copy = CertifiedCopy(
        request=request,
        organization=request.organization,
        document=file.document,
        file=file,
        dossier_id=entry.dossier_id,
        kind=kind,
        year=year,
        # One sequence for all the organisation's copies, the electronic sao y too (NĐ 30 Phụ
        # lục I Phần II.1c): its counter row is locked until this transaction ends.
        number=numbering.next_copy_number(organization=request.organization, year=year),
        pages=f"{span[0]}-{span[1]}" if span else "",
        issued_by=actor,
        issued_at=now,
    )
    data = _compose(source, copy, request, actor, span)
    key = signing_key() if kind != "copy" else None
    if key is not None:
        from vanthu.exchange.signing import SigningError, sign_pdf_leveled

        # The highest PAdES level the installation allows, kept with the copy as the
        # organisation's signatures keep theirs (docs/signatures.md, "Mức chữ ký").
        try:
            signed = sign_pdf_leveled(
                data,
                signer_p12=key[0],
                passphrase=key[1],
                reason=TITLE[kind],
                location=request.organization.name,
            )
        except SigningError as exc:  # a revoked key, a wrong passphrase: nothing is issued
            raise ValidationError({"key": [str(exc)]}) from exc
        data, copy.level, copy.level_note = signed.data, signed.level, signed.note
    copy.sha256 = hashlib.sha256(data).hexdigest()
    copy.signed = key is not None
    copy.save()
    UseEntry.objects.create(request=request, dossier_id=entry.dossier_id, user=actor, action=kind)
    record(
        action="archive.use.copy",
        actor=actor,
        organization=request.organization,
        obj=file.document,
        details={
            "request": request.pk,
            "copy": copy.pk,
            "number": copy.number,
            "kind": kind,
            "sha256": copy.sha256,
            "level": copy.level,
        },
    )
    return copy, data


def issued_copies(actor: User, request: AccessRequest) -> QuerySet[CertifiedCopy]:
    """The copies issued against ``request`` that the user may see, newest first: a copy the
    policy hides, or of a document the user may not see, is not listed (nor counted)."""
    seen = policy.visible(actor, CertifiedCopy.objects.filter(pk=OuterRef("pk")))
    document = policy.visible(actor, Document.objects.filter(pk=OuterRef("document_id")))
    return (
        CertifiedCopy.objects.filter(request=request)
        .filter(Exists(seen), Exists(document))
        .select_related("document")
        .order_by("-issued_at", "-pk")
    )
