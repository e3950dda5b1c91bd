"""A template as PDF (reportlab), on A4 with the margins, typeface and sizes of the layout.

Top of page 1: the issuer block at the top left (superior body, issuer, “*”, number), the
Party heading or the Quốc hiệu and Tiêu ngữ at the top right with the place and date under
it; then the tên loại and trích yếu, the content, and side by side the Nơi nhận (left) and
the signature block (right). Page numbers sit in the top margin from page 2 (NĐ 30 Phụ lục I).
"""

from __future__ import annotations

from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from vanthu.drafting import fonts
from vanthu.drafting.content import Draft
from vanthu.drafting.layouts import PARTY_HEADING, STATE_HEADING, STATE_MOTTO, Element

LEFT_WIDTH = 70 * mm
RIGHT_START = 98 * mm
LEADING = 1.2


class _Page:
    """A cursor over the pages: draws wrapped, styled text and breaks pages when full."""

    def __init__(self, canvas: Canvas, draft: Draft) -> None:
        self.c = canvas
        self.draft = draft
        top, bottom, left, right = draft.family.margins
        self.width, self.height = A4
        self.top = self.height - top * mm
        self.bottom = bottom * mm
        self.left = left * mm
        self.right = self.width - right * mm
        self.page = 1

    def style(self, el: Element, align: int, indent: float = 0.0) -> ParagraphStyle:
        return ParagraphStyle(
            "x",
            fontName=fonts.face(el.bold, el.italic),
            fontSize=el.size,
            leading=el.size * LEADING,
            alignment=align,
            firstLineIndent=indent,
        )

    def text(
        self,
        text: str,
        el: Element,
        *,
        x: float,
        y: float,
        width: float,
        align: int = TA_CENTER,
        indent: float = 0.0,
    ) -> float:
        """Draw ``text`` wrapped in ``width`` from ``y`` down; answers the y below it."""
        if not text:
            return y
        para = Paragraph(escape(text), self.style(el, align, indent))
        _w, h = para.wrap(width, self.height)
        para.drawOn(self.c, x, y - h)
        if el.underline and align == TA_CENTER:
            line_width = min(
                self.c.stringWidth(text, fonts.face(el.bold, el.italic), el.size), width
            )
            cx = x + width / 2
            under = y - h + el.size * 0.02
            self.c.setLineWidth(0.6)
            self.c.line(cx - line_width / 2, under, cx + line_width / 2, under)
        return y - h

    def rule(self, cx: float, y: float, length: float) -> None:
        self.c.setLineWidth(0.6)
        self.c.line(cx - length / 2, y, cx + length / 2, y)

    def ensure(self, y: float, space: float) -> float:
        if y - space >= self.bottom:
            return y
        self.c.showPage()
        self.page += 1
        # Page numbers: centred in the top margin, not on page 1 (NĐ 30 Phụ lục I).
        self.c.setFont(fonts.REGULAR, 13)
        self.c.drawCentredString(
            (self.left + self.right) / 2, self.height - (self.height - self.top) / 2, str(self.page)
        )
        return self.top


def _header(p: _Page, d: Draft) -> float:
    el = d.family.elements
    lx, rx = p.left, RIGHT_START
    rwidth = p.right - rx
    y = p.top
    if d.superior:
        y = p.text(d.superior, el["superior"], x=lx, y=y, width=LEFT_WIDTH)
    y = p.text(d.issuer, el["issuer"], x=lx, y=y, width=LEFT_WIDTH)
    if d.family.code == "party":
        y = p.text("*", el["issuer"], x=lx, y=y, width=LEFT_WIDTH)
    else:
        p.rule(lx + LEFT_WIDTH / 2, y - 4, LEFT_WIDTH / 3)
        y -= 8
    y = p.text(d.number_line, el["number"], x=lx, y=y, width=LEFT_WIDTH)
    if d.kind.summary_as_vv:
        y = p.text(d.summary, el["vv"], x=lx, y=y, width=LEFT_WIDTH)
    for mark in d.marks:
        y = p.text(mark, el["marks"], x=lx, y=y - 4, width=LEFT_WIDTH)
    left_bottom = y

    y = p.top
    if d.family.code == "party":
        y = p.text(PARTY_HEADING, el["heading"], x=rx, y=y, width=rwidth)
    else:
        y = p.text(STATE_HEADING, el["heading"], x=rx, y=y, width=rwidth)
        y = p.text(STATE_MOTTO, el["motto"], x=rx, y=y, width=rwidth)
    y = p.text(d.date_line, el["date"], x=rx, y=y - 10, width=rwidth)
    return min(left_bottom, y)


def _title(p: _Page, d: Draft, y: float) -> float:
    el = d.family.elements
    width = p.right - p.left
    y -= 14
    if d.title:
        y = p.text(d.title, el["title"], x=p.left, y=y, width=width)
        y = p.text(d.summary, el["summary"], x=p.left + 12 * mm, y=y, width=width - 24 * mm)
        if d.family.code == "party":
            y = p.text("-----", el["summary"], x=p.left, y=y, width=width)
        else:
            p.rule(p.left + width / 2, y - 3, width / 4)
            y -= 6
    return y - 8


def _body(p: _Page, d: Draft, y: float) -> float:
    el = d.family.elements["body"]
    for paragraph in d.body:
        y = p.ensure(y, el.size * LEADING * 2)
        y = p.text(
            paragraph,
            el,
            x=p.left,
            y=y,
            width=p.right - p.left,
            align=TA_JUSTIFY,
            indent=10 * mm,
        )
        y -= 6
    return y


def _closing(p: _Page, d: Draft, y: float) -> None:
    el = d.family.elements
    y = p.ensure(y - 10, 60 * mm)
    rx, rwidth = RIGHT_START, p.right - RIGHT_START
    sy = y
    if d.authority:
        sy = p.text(d.authority, el["authority"], x=rx, y=sy, width=rwidth)
    if d.position:
        sy = p.text(d.position, el["authority"], x=rx, y=sy, width=rwidth)
    sy -= 28 * mm
    p.text(d.signer or "", el["signer"], x=rx, y=sy, width=rwidth)

    label = "Nơi nhận:"
    ly = p.text(label, el["recipients_label"], x=p.left, y=y, width=LEFT_WIDTH, align=TA_LEFT)
    if el["recipients_label"].underline:
        width = p.c.stringWidth(label, fonts.face(False, False), el["recipients_label"].size)
        p.c.line(p.left, ly + 1, p.left + width, ly + 1)
    for item in d.recipients:
        ly = p.ensure(ly, el["recipients"].size * LEADING)
        ly = p.text(item, el["recipients"], x=p.left, y=ly, width=LEFT_WIDTH, align=TA_LEFT)


def write_pdf(out: BinaryIO, draft: Draft, *, title: str) -> fonts.Chosen:
    """Write the template; answers the typeface used (Liberation Serif, or the fallback)."""
    chosen = fonts.register_fonts()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("Vanthu")
    page = _Page(canvas, draft)
    y = _header(page, draft)
    y = _title(page, draft, y)
    y = _body(page, draft, y)
    _closing(page, draft, y)
    canvas.showPage()
    canvas.save()
    return chosen
