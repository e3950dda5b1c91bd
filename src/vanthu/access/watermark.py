"""Watermarks on downloads (issue 6 item 5; NĐ 63/2026: a secret e-document carries a red
secrecy mark). Every page gets, in red, a header and a footer naming the reader, the time
(Asia/Ho_Chi_Minh, dd/mm/yyyy HH:MM) and the secrecy mark, plus the mark diagonally across it.
Images (JPEG/PNG/TIFF) become a watermarked PDF; other formats cannot carry a mark.
"""

from __future__ import annotations

import datetime
import functools
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import img2pdf
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from vanthu.core.enums import Secrecy

if TYPE_CHECKING:
    from vanthu.orgs.models import User
    from vanthu.registry.models import Document

FONT = "VanthuWatermark"
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
)
# The marks stay Vietnamese whatever the reader's language: they are the legal stamp.
MARKS = {
    Secrecy.CONFIDENTIAL: "MẬT",
    Secrecy.SECRET: "TỐI MẬT",
    Secrecy.TOP_SECRET: "TUYỆT MẬT",
}
# Architecture invariant 4: times are shown in Asia/Ho_Chi_Minh.
VN = ZoneInfo("Asia/Ho_Chi_Minh")
RED = Color(0.85, 0, 0)
PDF_TYPES = {"application/pdf"}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/tiff"}


class CannotWatermark(Exception):
    """The file's format cannot carry a watermark (or its bytes are not what they claim)."""


@dataclass(frozen=True)
class Mark:
    reader: str
    time: str
    secrecy_mark: str
    # The numbered copy the reader holds ("Bản số 2/5", "BẢN SAO SỐ 3"), if any.
    copy_label: str = ""

    @property
    def line(self) -> str:
        parts = [self.secrecy_mark, self.copy_label, self.reader, self.time]
        return " — ".join(p for p in parts if p)


def mark_for(
    *, reader: str, secrecy: str, when: datetime.datetime | None = None, copy_label: str = ""
) -> Mark:
    local = timezone.localtime(when or timezone.now(), VN)
    return Mark(
        reader=reader,
        time=local.strftime("%d/%m/%Y %H:%M"),
        secrecy_mark=MARKS.get(Secrecy(secrecy), ""),
        copy_label=copy_label,
    )


def reader_mark(user: User, document: Document, *, when: datetime.datetime | None = None) -> Mark:
    """The mark of what ``user`` reads of ``document``: downloads and page images alike carry
    the reader's name, the time, the secrecy mark and the numbered copy they hold
    (docs/security.md §3, §9)."""
    from vanthu.access.classified.selectors import held_copy_label

    return mark_for(
        reader=user.full_name or user.username,
        secrecy=document.secrecy,
        when=when,
        copy_label=held_copy_label(user, document),
    )


def required(secrecy: str) -> bool:
    """Classified files always; ordinary ones when VANTHU_WATERMARK_ALL is on."""
    return secrecy != Secrecy.NONE or bool(getattr(settings, "VANTHU_WATERMARK_ALL", False))


def can_mark(content_type: str) -> bool:
    return content_type in PDF_TYPES | IMAGE_TYPES


@functools.cache
def _font() -> str:
    for path in FONT_FILES:
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont(FONT, path))
            return FONT
    raise RuntimeError("Không tìm thấy phông chữ tiếng Việt (cài fonts-dejavu-core).")


def _overlay(width: float, height: float, mark: Mark) -> bytes:
    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setFillColor(RED)
    size = max(7.0, min(10.0, width / 60))
    c.setFont(font, size)
    c.drawCentredString(width / 2, height - size * 1.8, mark.line)
    c.drawCentredString(width / 2, size * 1.2, mark.line)
    if mark.secrecy_mark:
        c.saveState()
        c.setFillAlpha(0.25)
        big = min(width, height) / 5
        c.setFont(font, big)
        c.translate(width / 2, height / 2)
        c.rotate(math.degrees(math.atan2(height, width)))
        c.drawCentredString(0, -big / 3, mark.secrecy_mark)
        c.restoreState()
    c.showPage()
    c.save()
    return buf.getvalue()


def watermark_pdf(data: bytes, mark: Mark) -> bytes:
    """The PDF with the mark on every page (one overlay per distinct page size)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise CannotWatermark("Tệp PDF có mật khẩu, không gắn được dấu.")
        writer = PdfWriter(clone_from=reader)
    except (PyPdfError, ValueError, OSError) as exc:
        raise CannotWatermark("Tệp PDF hỏng, không gắn được dấu.") from exc
    overlays: dict[tuple[float, float], object] = {}
    for page in writer.pages:
        # Page rotation is undone first, so that the mark reads upright as the page shows.
        if page.rotation:
            page.transfer_rotation_to_content()
        box = page.mediabox
        key = (float(box.width), float(box.height))
        if key not in overlays:
            overlays[key] = PdfReader(io.BytesIO(_overlay(*key, mark))).pages[0]
        stamp = overlays[key]
        page.merge_translated_page(stamp, float(box.left), float(box.bottom), over=True)  # type: ignore[arg-type]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_to_pdf(data: bytes) -> bytes:
    try:
        return bytes(img2pdf.convert(data, rotation=img2pdf.Rotation.ifvalid))
    except Exception as exc:  # img2pdf raises many kinds for bad images
        raise CannotWatermark("Ảnh hỏng, không gắn được dấu.") from exc


def watermark(data: bytes, *, content_type: str, mark: Mark) -> bytes:
    """A watermarked PDF of ``data``; raises ``CannotWatermark`` for other formats."""
    if content_type in IMAGE_TYPES:
        data = image_to_pdf(data)
    elif content_type not in PDF_TYPES:
        raise CannotWatermark("Định dạng tệp này không gắn được dấu bảo mật.")
    return watermark_pdf(data, mark)
