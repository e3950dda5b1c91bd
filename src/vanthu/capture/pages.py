"""Page images and thumbnails of a stored file, rendered on demand with pypdfium2.

Callers pass a ``DocumentFile`` already checked visible (``registry.selectors.get_file``).
Plain files are rendered once per (file sha, page, width) and kept as a PNG blob. Classified
files carry the same watermark as downloads (``access.watermark``: reader, time, secrecy mark),
are rendered from the decrypted, marked copy every time and never cached: a cached image would
hold plaintext outside the cipher and a mark naming another reader.
"""

from __future__ import annotations

import io
from typing import Final

import pypdfium2 as pdfium
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from PIL import Image

from vanthu.access import watermark
from vanthu.access.reads import record_read
from vanthu.core import blobstore
from vanthu.core.enums import Secrecy
from vanthu.orgs.models import User
from vanthu.registry import files
from vanthu.registry.models import DocumentFile

from .detect import detect_bytes
from .models import PageImage

MIN_WIDTH: Final = 64
MAX_WIDTH: Final = 2000
PAGE_WIDTH: Final = 1000
THUMBNAIL_WIDTH: Final = 200


def parse_width(raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        width = int(raw)
    except ValueError:
        width = 0
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ValidationError(
            {"width": [_("Chiều rộng phải là số từ %d đến %d.") % (MIN_WIDTH, MAX_WIDTH)]}
        )
    return width


def page_png(*, user: User, file: DocumentFile, page: int, width: int) -> bytes:
    """PNG of 1-based ``page`` at ``width`` pixels; Http404 for a page the file does not have."""
    if page < 1:
        raise Http404
    classified = file.document.secrecy != Secrecy.NONE
    if classified or files.is_sealed(file):
        data = _marked_pdf(user, file)
        png = _render(data, page, width)
        record_read(
            user=user,
            document=file.document,
            action="document.view",
            details={"file": file.pk, "page": page},
        )
        return png
    cached = PageImage.objects.filter(file_sha256=file.sha256, page=page, width=width).first()
    if cached is not None and blobstore.exists(cached.png_sha256):
        with blobstore.open_blob(cached.png_sha256) as fh:
            return fh.read()
    png = _render(_source_pdf(file), page, width)
    sha, _size = blobstore.put_bytes(png)
    try:
        with transaction.atomic():
            PageImage.objects.update_or_create(
                file_sha256=file.sha256, page=page, width=width, defaults={"png_sha256": sha}
            )
    except IntegrityError:
        pass  # rendered twice at once: either row names the same bytes
    return png


def _source_pdf(file: DocumentFile) -> bytes:
    """The bytes to render: the PDF/A copy when there is one, else the file as a PDF."""
    if file.pdfa_sha256:
        return files.read_verified(file, pdfa=True)
    data = files.read_verified(file)
    kind = _kind(data)
    if kind == "pdf":
        return data
    if kind in ("jpeg", "png", "tiff"):
        return watermark.image_to_pdf(data)
    raise Http404  # office files have no pages to show


def _marked_pdf(user: User, file: DocumentFile) -> bytes:
    data = _source_pdf(file)
    mark = watermark.reader_mark(user, file.document)  # with the numbered copy they hold
    try:
        return watermark.watermark_pdf(data, mark)
    except watermark.CannotWatermark as exc:
        # A classified page without its mark is never shown (same rule as downloads).
        raise Http404 from exc


def _kind(data: bytes) -> str | None:
    try:
        return detect_bytes(data).kind
    except ValidationError:
        return None


def _render(pdf_bytes: bytes, page: int, width: int) -> bytes:
    try:
        doc = pdfium.PdfDocument(pdf_bytes)
    except pdfium.PdfiumError as exc:
        raise Http404 from exc
    try:
        if page > len(doc):
            raise Http404
        p = doc[page - 1]
        try:
            scale = width / max(p.get_width(), 1)
            image: Image.Image = p.render(scale=scale).to_pil()
        finally:
            p.close()
    finally:
        doc.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=False)
    return out.getvalue()
