"""The reading viewer (bản đọc trên Hệ thống) of an approved access request.

TT 05/2025 Điều 37–42 (domain.md §3.5): the reader sees page images only — no download —
only within the approved reading period (≤ 15 days), with the name of the organisation in the
bottom margin of every page; classified pages also carry the reader's mark (the capture
renderer adds it, as for every classified page). Every page shown is a line in the sổ sử dụng
bản lưu and an audit event; a page that fails to render leaves neither.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from vanthu.access import policy
from vanthu.archive.models import AccessRequest, UseEntry
from vanthu.audit.services import record
from vanthu.guide.rules import cite
from vanthu.orgs.models import User
from vanthu.records.models import DossierDocument
from vanthu.registry.models import Document, DocumentFile
from vanthu.registry.selectors import get_file, visible_documents
from vanthu.reports import fonts


class ReadingClosed(Exception):
    """The request is not (or no longer) open for reading; ``str()`` says why in Vietnamese.

    Interfaces answer it with 404 and this message: outside the period there is nothing to see.
    """


@dataclass(frozen=True)
class ReadingRoom:
    request: AccessRequest
    documents: list[Document]


def request_of_reader(actor: User, request_pk: int) -> AccessRequest:
    """The request, if ``actor`` made it; anyone else gets the same 404 as for a missing one."""
    request = policy.get_visible_or_404(
        actor, AccessRequest.objects.select_related("organization"), pk=request_pk
    )
    if request.requester_id != actor.pk:
        policy.raise_404()
    return request


def check_open(request: AccessRequest, now: datetime.datetime | None = None) -> None:
    if request.status != AccessRequest.Status.APPROVED or request.mode != AccessRequest.Mode.READ:
        raise ReadingClosed(
            cite("khai-thac", _("Phiếu yêu cầu chưa được duyệt để đọc trên hệ thống."))
        )
    if request.valid_until is None or (now or timezone.now()) > request.valid_until:
        raise ReadingClosed(cite("khai-thac", _("Đã hết thời hạn đọc tài liệu.")))


def request_documents(actor: User, request: AccessRequest) -> QuerySet[Document]:
    """Documents of the request's dossiers that the reader may see (never more)."""
    entries = DossierDocument.objects.filter(dossier__in=request.items.values("dossier")).values(
        "document"
    )
    qs = Document.objects.filter(pk__in=entries).select_related("document_type")
    return visible_documents(actor, qs).order_by("pk")


def reading_room(
    *, actor: User, request_pk: int, now: datetime.datetime | None = None
) -> ReadingRoom:
    """What the reader may open: 404 for anyone but the requester, ReadingClosed outside."""
    request = request_of_reader(actor, request_pk)
    check_open(request, now)
    docs = list(request_documents(actor, request).prefetch_related("files"))
    return ReadingRoom(request, docs)


def _margin(png: bytes, text: str) -> bytes:
    """The page with a white bottom margin naming the organisation (TT 05/2025)."""
    page = Image.open(io.BytesIO(png)).convert("RGB")
    size = max(10, page.width // 60)
    font = ImageFont.truetype(fonts.register_fonts(), size)
    band = size * 2
    out = Image.new("RGB", (page.width, page.height + band), "white")
    out.paste(page, (0, 0))
    draw = ImageDraw.Draw(out)
    length = draw.textlength(text, font=font)
    draw.text(((page.width - length) / 2, page.height + size // 2), text, fill="black", font=font)
    buf = io.BytesIO()
    out.save(buf, format="PNG")
    return buf.getvalue()


@transaction.atomic
def view_page(
    *,
    actor: User,
    request_pk: int,
    document_pk: int,
    file_pk: int,
    page: int,
    width: int,
    now: datetime.datetime | None = None,
) -> bytes:
    """One page image for the reader, recorded in the register of use."""
    from vanthu.capture.pages import page_png

    request = request_of_reader(actor, request_pk)
    file: DocumentFile = get_file(actor, document_pk, file_pk)  # 404 when not visible
    entry = (
        DossierDocument.objects.filter(
            document_id=file.document_id, dossier__in=request.items.values("dossier")
        )
        .order_by("pk")
        .first()
    )
    if entry is None:
        raise Http404
    check_open(request, now)
    png = page_png(user=actor, file=file, page=page, width=width)
    UseEntry.objects.create(request=request, dossier_id=entry.dossier_id, user=actor, action="view")
    record(
        action="archive.use.view",
        actor=actor,
        organization=request.organization,
        obj=file.document,
        details={"request": request.pk, "file": file.pk, "page": page},
    )
    return _margin(png, request.organization.name)
