"""The printed register as PDF, in the layout of NĐ 30/2020 Phụ lục IV (mục I and VI).

Drawn row by row on the canvas rather than built as one platypus Table: a year of a busy
office is tens of thousands of rows, and a Table would hold every cell in memory and lay it
out at once. Here one row exists at a time; the header row is drawn again on every page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from vanthu.registry.models import Document, Register
from vanthu.reports import fonts
from vanthu.reports.columns import Column, as_text, columns_for, row_for, title_for
from vanthu.reports.periods import Period

PAGE = landscape(A4)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 15 * mm, 12 * mm, 14 * mm
PAD = 1.2 * mm
# A cell longer than this is cut: one entry must never be taller than a page.
MAX_CELL = 900


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register_fonts()
    base = ParagraphStyle("cell", fontName=fonts.REGULAR, fontSize=9, leading=11)
    return {
        "cell": base,
        "number": ParagraphStyle("number", parent=base, alignment=TA_RIGHT),
        "date": ParagraphStyle("date", parent=base, alignment=TA_CENTER),
        "head": ParagraphStyle("head", parent=base, fontName=fonts.BOLD, alignment=TA_CENTER),
        "index": ParagraphStyle("index", parent=base, fontName=fonts.ITALIC, alignment=TA_CENTER),
        "text": ParagraphStyle("text", parent=base, alignment=TA_LEFT),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


class RegisterWriter:
    def __init__(self, out: BinaryIO, register: Register, period: Period, printed_by: str):
        self.canvas = Canvas(out, pagesize=PAGE, pageCompression=1)
        self.register = register
        self.period = period
        self.printed_by = printed_by
        self.columns = columns_for(register.direction)
        self.styles = _styles()
        self.page = 0
        self.y = 0.0
        self.rows = 0
        title = title_for(register.direction, register.series == Register.Series.CLASSIFIED)
        self.title = title
        self.canvas.setTitle(f"{title} — {register.organization.name} — {period.label()}")
        self.canvas.setAuthor("Vanthu")

    # --- page furniture ---------------------------------------------------------------------

    def _new_page(self) -> None:
        if self.page:
            self._footer()
            self.canvas.showPage()
        self.page += 1
        self.y = PAGE[1] - MARGIN_TOP
        if self.page == 1:
            self._title_block()
        self._header_row()

    def _title_block(self) -> None:
        c = self.canvas
        org = self.register.organization
        width = PAGE[0] - 2 * MARGIN_X
        left_w = 110 * mm
        # NĐ 30 Phụ lục IV: the organisation's name top left, the register's title centred.
        parent = org.parent.name.upper() if org.parent_id and org.parent else ""
        top = self.y
        if parent:
            p = _para(
                parent, ParagraphStyle("p", parent=self.styles["head"], fontName=fonts.REGULAR)
            )
            _w, h = p.wrap(left_w, 40 * mm)
            p.drawOn(c, MARGIN_X, top - h)
            top -= h
        p = _para(org.name.upper(), self.styles["head"])
        _w, h = p.wrap(left_w, 40 * mm)
        p.drawOn(c, MARGIN_X, top - h)
        top -= h + 1 * mm
        c.setLineWidth(0.5)
        c.line(MARGIN_X + left_w / 2 - 15 * mm, top, MARGIN_X + left_w / 2 + 15 * mm, top)
        top -= 8 * mm
        title_style = ParagraphStyle("title", parent=self.styles["head"], fontSize=16, leading=20)
        p = _para(self.title, title_style)
        _w, h = p.wrap(width, 30 * mm)
        p.drawOn(c, MARGIN_X, top - h)
        top -= h + 1 * mm
        sub = ParagraphStyle("sub", parent=self.styles["index"], fontSize=11, leading=14)
        p = _para(f"{self.register.name} — {self.period.label()}", sub)
        _w, h = p.wrap(width, 20 * mm)
        p.drawOn(c, MARGIN_X, top - h)
        self.y = top - h - 5 * mm

    def _header_row(self) -> None:
        heads = [c.heading for c in self.columns]
        self._draw_row([_para(h, self.styles["head"]) for h in heads], shade=True)
        # The column numbers (1)…(10) of the official form.
        idx = [f"({i})" for i in range(1, len(self.columns) + 1)]
        self._draw_row([_para(t, self.styles["index"]) for t in idx])

    def _footer(self) -> None:
        c = self.canvas
        c.setFont(fonts.ITALIC, 8)
        c.drawCentredString(PAGE[0] / 2, MARGIN_BOTTOM / 2, f"Trang {self.page}")
        printed = timezone.localtime().strftime("%d/%m/%Y %H:%M")
        c.drawRightString(
            PAGE[0] - MARGIN_X, MARGIN_BOTTOM / 2, f"In ngày {printed} — {self.printed_by}"
        )

    # --- rows -------------------------------------------------------------------------------

    def _measure(self, cells: list[Paragraph]) -> float:
        heights = [
            p.wrap(col.width_mm * mm - 2 * PAD, PAGE[1])[1]
            for p, col in zip(cells, self.columns, strict=True)
        ]
        return max(heights) + 2 * PAD

    def _draw_row(self, cells: list[Paragraph], shade: bool = False) -> None:
        c = self.canvas
        height = self._measure(cells)
        x = MARGIN_X
        bottom = self.y - height
        if shade:
            c.setFillGray(0.9)
            c.rect(MARGIN_X, bottom, sum(col.width_mm for col in self.columns) * mm, height, 0, 1)
            c.setFillGray(0)
        c.setLineWidth(0.4)
        for p, col in zip(cells, self.columns, strict=True):
            w = col.width_mm * mm
            c.rect(x, bottom, w, height)
            _pw, ph = p.wrap(w - 2 * PAD, PAGE[1])
            p.drawOn(c, x + PAD, self.y - PAD - ph)
            x += w
        self.y = bottom

    def _style_for(self, col: Column) -> ParagraphStyle:
        return self.styles.get(col.kind, self.styles["text"])

    def add(self, values: list[object]) -> None:
        cells = [
            _para(as_text(v), self._style_for(col))
            for v, col in zip(values, self.columns, strict=True)
        ]
        if self.page == 0 or self.y - self._measure(cells) < MARGIN_BOTTOM:
            self._new_page()
        self._draw_row(cells)
        self.rows += 1

    def finish(self) -> int:
        if self.page == 0:
            self._new_page()
        if self.rows == 0:
            self._closing("Không có văn bản nào trong kỳ này.")
        else:
            self._closing(f"Sổ có {self.rows} văn bản trong kỳ.")
        self._footer()
        self.canvas.showPage()
        self.canvas.save()
        return self.page

    def _closing(self, text: str) -> None:
        p = _para(text, self.styles["index"])
        _w, h = p.wrap(PAGE[0] - 2 * MARGIN_X, 20 * mm)
        if self.y - h - 3 * mm < MARGIN_BOTTOM:
            self._footer()
            self.canvas.showPage()
            self.page += 1
            self.y = PAGE[1] - MARGIN_TOP
        p.drawOn(self.canvas, MARGIN_X, self.y - h - 3 * mm)


def write_register_pdf(
    out: BinaryIO,
    *,
    register: Register,
    period: Period,
    entries: Iterable[Document],
    printed_by: str,
) -> int:
    """Write the register to ``out``; answers the number of entries printed."""
    writer = RegisterWriter(out, register, period, printed_by)
    for document in entries:
        writer.add(row_for(document))
    writer.finish()
    return writer.rows
