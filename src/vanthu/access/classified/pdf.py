"""The printed classified registers (TT 24/2020/TT-BCA forms, as NĐ 26/2020 names them):
the sổ chuyển giao bí mật nhà nước and the sổ quản lý sao, chụp tài liệu bí mật nhà nước.

A4 landscape, the organisation top left, the title centred, one row per entry, the header
row on every page, drawn row by row (as ``reports.register_pdf``) so a long year never sits in
memory as one table. Tuyệt mật entries never print their trích yếu (NĐ 26/2020: only with the
competent person's consent, which the system does not record).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.utils import timezone
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from vanthu.access.models import CopyOrder, DocumentCopy, Handover
from vanthu.core.enums import Secrecy
from vanthu.orgs.models import Organization
from vanthu.registry.models import Document
from vanthu.reports import fonts

PAGE = landscape(A4)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 12 * mm, 12 * mm, 14 * mm
PAD = 1.2 * mm
MAX_CELL = 700
VN = ZoneInfo("Asia/Ho_Chi_Minh")
HIDDEN = "(Tuyệt mật: không ghi trích yếu)"


@dataclass(frozen=True)
class Col:
    heading: str
    width_mm: float


HANDOVER_COLUMNS = (
    Col("STT", 10),
    Col("Ngày, giờ chuyển giao", 24),
    Col("Số, ký hiệu văn bản", 30),
    Col("Trích yếu nội dung", 62),
    Col("Độ mật", 17),
    Col("Bản số", 18),
    Col("Người giao", 32),
    Col("Người, nơi nhận", 38),
    Col("Ký nhận (họ tên, thời điểm)", 30),
    Col("Ghi chú", 12),
)
COPY_COLUMNS = (
    Col("STT", 10),
    Col("Ngày sao, chụp", 20),
    Col("Tên loại, số, ký hiệu, trích yếu tài liệu được sao, chụp", 70),
    Col("Độ mật", 17),
    Col("Hình thức", 18),
    Col("Số lượng bản", 14),
    Col("Bản sao số", 20),
    Col("Người cho phép", 32),
    Col("Người thực hiện", 32),
    Col("Mục đích", 40),
)


def _local(value: object, fmt: str) -> str:
    return timezone.localtime(value, VN).strftime(fmt)  # type: ignore[arg-type]


def _summary(document: Document) -> str:
    if document.secrecy == Secrecy.TOP_SECRET:
        return HIDDEN
    return document.summary


def _name(user: object) -> str:
    return str(getattr(user, "full_name", "") or getattr(user, "username", "")) if user else ""


def handover_row(i: int, h: Handover) -> list[str]:
    signed = ""
    if h.confirmed_at is not None:
        signed = f"{_name(h.confirmed_by)} — {_local(h.confirmed_at, '%d/%m/%Y %H:%M')}"
    receiver = ", ".join(p for p in (_name(h.to_user), h.to_name) if p)
    return [
        str(i),
        _local(h.handed_at, "%d/%m/%Y %H:%M"),
        h.document.number_symbol,
        _summary(h.document),
        str(Secrecy(h.secrecy).label),
        h.copy.label if h.copy else "",
        _name(h.from_user),
        receiver,
        signed,
        h.note,
    ]


def _ranges(numbers: Sequence[int]) -> str:
    if not numbers:
        return ""
    lo, hi = min(numbers), max(numbers)
    return str(lo) if lo == hi else f"{lo}–{hi}"


def copy_row(i: int, order: CopyOrder) -> list[str]:
    d = order.document
    numbers = [c.number for c in order.copies.all() if c.kind == DocumentCopy.Kind.COPY]
    what = f"{d.document_type.name} {d.number_symbol}".strip()
    summary = _summary(d)
    return [
        str(i),
        _local(order.created_at, "%d/%m/%Y"),
        f"{what}: {summary}" if summary else what,
        str(Secrecy(order.secrecy).label),
        str(order.get_form_display()),
        str(order.quantity),
        _ranges(numbers),
        _name(order.authorized_by),
        _name(order.made_by),
        order.purpose,
    ]


class _Writer:
    def __init__(
        self,
        out: BinaryIO,
        *,
        title: str,
        subtitle: str,
        organization: Organization,
        columns: Sequence[Col],
        printed_by: str,
    ) -> None:
        fonts.register_fonts()
        self.c = Canvas(out, pagesize=PAGE, pageCompression=1)
        self.c.setTitle(f"{title} — {organization.name} — {subtitle}")
        self.c.setAuthor("Vanthu")
        self.title, self.subtitle, self.org = title, subtitle, organization
        self.columns, self.printed_by = columns, printed_by
        base = ParagraphStyle("cell", fontName=fonts.REGULAR, fontSize=8.5, leading=10.5)
        self.cell = ParagraphStyle("t", parent=base, alignment=TA_LEFT)
        self.head = ParagraphStyle("h", parent=base, fontName=fonts.BOLD, alignment=TA_CENTER)
        self.index = ParagraphStyle("i", parent=base, fontName=fonts.ITALIC, alignment=TA_CENTER)
        self.page, self.y, self.rows = 0, 0.0, 0

    def _p(self, text: str, style: ParagraphStyle) -> Paragraph:
        if len(text) > MAX_CELL:
            text = text[: MAX_CELL - 1] + "…"
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    def _new_page(self) -> None:
        if self.page:
            self._footer()
            self.c.showPage()
        self.page += 1
        self.y = PAGE[1] - MARGIN_TOP
        if self.page == 1:
            self._title_block()
        self._row([self._p(c.heading, self.head) for c in self.columns], shade=True)
        idx = [f"({i})" for i in range(1, len(self.columns) + 1)]
        self._row([self._p(t, self.index) for t in idx])

    def _title_block(self) -> None:
        width, left_w = PAGE[0] - 2 * MARGIN_X, 110 * mm
        top = self.y
        parent = self.org.parent.name.upper() if self.org.parent_id and self.org.parent else ""
        for text, style in ((parent, self.cell), (self.org.name.upper(), self.head)):
            if not text:
                continue
            p = self._p(text, ParagraphStyle("o", parent=style, alignment=TA_CENTER))
            _w, h = p.wrap(left_w, 40 * mm)
            p.drawOn(self.c, MARGIN_X, top - h)
            top -= h
        top -= 1 * mm
        self.c.setLineWidth(0.5)
        self.c.line(MARGIN_X + left_w / 2 - 15 * mm, top, MARGIN_X + left_w / 2 + 15 * mm, top)
        top -= 8 * mm
        big = ParagraphStyle("title", parent=self.head, fontSize=15, leading=19)
        for text, style in ((self.title, big), (self.subtitle, self.index)):
            p = self._p(text, style)
            _w, h = p.wrap(width, 30 * mm)
            p.drawOn(self.c, MARGIN_X, top - h)
            top -= h + 1 * mm
        self.y = top - 4 * mm

    def _footer(self) -> None:
        self.c.setFont(fonts.ITALIC, 8)
        self.c.drawCentredString(PAGE[0] / 2, MARGIN_BOTTOM / 2, f"Trang {self.page}")
        printed = timezone.localtime(timezone.now(), VN).strftime("%d/%m/%Y %H:%M")
        self.c.drawRightString(
            PAGE[0] - MARGIN_X, MARGIN_BOTTOM / 2, f"In ngày {printed} — {self.printed_by}"
        )

    def _layout(self, cells: list[Paragraph]) -> tuple[list[float], float]:
        """Wrap each cell once: its height, and the row's."""
        heights = [
            p.wrap(col.width_mm * mm - 2 * PAD, PAGE[1])[1]
            for p, col in zip(cells, self.columns, strict=True)
        ]
        return heights, max(heights) + 2 * PAD

    def _row(
        self,
        cells: list[Paragraph],
        shade: bool = False,
        layout: tuple[list[float], float] | None = None,
    ) -> None:
        heights, height = layout or self._layout(cells)
        bottom, x = self.y - height, MARGIN_X
        if shade:
            self.c.setFillGray(0.9)
            total = sum(col.width_mm for col in self.columns) * mm
            self.c.rect(MARGIN_X, bottom, total, height, 0, 1)
            self.c.setFillGray(0)
        self.c.setLineWidth(0.4)
        for p, ph, col in zip(cells, heights, self.columns, strict=True):
            w = col.width_mm * mm
            self.c.rect(x, bottom, w, height)
            p.drawOn(self.c, x + PAD, self.y - PAD - ph)
            x += w
        self.y = bottom

    def add(self, values: list[str]) -> None:
        cells = [self._p(v, self.cell) for v in values]
        layout = self._layout(cells)
        if self.page == 0 or self.y - layout[1] < MARGIN_BOTTOM:
            self._new_page()
        self._row(cells, layout=layout)
        self.rows += 1

    def finish(self, closing: str) -> int:
        if self.page == 0:
            self._new_page()
        p = self._p(closing, self.index)
        _w, h = p.wrap(PAGE[0] - 2 * MARGIN_X, 20 * mm)
        if self.y - h - 3 * mm < MARGIN_BOTTOM:
            self._footer()
            self.c.showPage()
            self.page += 1
            self.y = PAGE[1] - MARGIN_TOP
        p.drawOn(self.c, MARGIN_X, self.y - h - 3 * mm)
        self._footer()
        self.c.showPage()
        self.c.save()
        return self.rows


def write_handover_register(
    out: BinaryIO,
    *,
    organization: Organization,
    year: int,
    entries: Iterable[Handover],
    printed_by: str,
) -> int:
    w = _Writer(
        out,
        title="SỔ CHUYỂN GIAO BÍ MẬT NHÀ NƯỚC",
        subtitle=f"Năm {year}",
        organization=organization,
        columns=HANDOVER_COLUMNS,
        printed_by=printed_by,
    )
    for i, h in enumerate(entries, start=1):
        w.add(handover_row(i, h))
    return w.finish(
        f"Sổ có {w.rows} lần chuyển giao trong năm." if w.rows else "Không có lần chuyển giao nào."
    )


def write_copy_register(
    out: BinaryIO,
    *,
    organization: Organization,
    year: int,
    entries: Iterable[CopyOrder],
    printed_by: str,
) -> int:
    w = _Writer(
        out,
        title="SỔ QUẢN LÝ SAO, CHỤP TÀI LIỆU BÍ MẬT NHÀ NƯỚC",
        subtitle=f"Năm {year}",
        organization=organization,
        columns=COPY_COLUMNS,
        printed_by=printed_by,
    )
    for i, order in enumerate(entries, start=1):
        w.add(copy_row(i, order))
    return w.finish(
        f"Sổ có {w.rows} lần sao, chụp trong năm." if w.rows else "Không có lần sao, chụp nào."
    )
