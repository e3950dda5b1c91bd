"""A template as DOCX (python-docx): the same layout as the PDF, editable in Word or
LibreOffice.

The header and the closing are borderless two-column tables, as offices' own templates are
built; every run names Times New Roman and its size explicitly, so the file keeps its format
in any editor and the format checker can read it back.
"""

from __future__ import annotations

from typing import BinaryIO

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.font import Font
from docx.text.paragraph import Paragraph

from vanthu.drafting.content import Draft
from vanthu.drafting.layouts import (
    A4_MM,
    OFFICIAL_FONT,
    PARTY_HEADING,
    STATE_HEADING,
    STATE_MOTTO,
    Element,
)

LEFT_MM = 70.0


def _font(font: Font, size: float | None = None) -> None:
    font.name = OFFICIAL_FONT  # the ascii and hAnsi slots, where Vietnamese letters fall
    rfonts = font._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:cs", "w:eastAsia"):
        rfonts.set(qn(slot), OFFICIAL_FONT)
    if size is not None:
        font.size = Pt(size)


def _para(
    container: DocxDocument | _Cell,
    text: str,
    el: Element,
    align: int = WD_ALIGN_PARAGRAPH.CENTER,
    *,
    indent_mm: float = 0.0,
) -> Paragraph:
    para = container.add_paragraph()
    para.alignment = align
    fmt = para.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent_mm:
        fmt.first_line_indent = Mm(indent_mm)
    run = para.add_run(text)
    _font(run.font, el.size)
    run.font.bold = el.bold
    run.font.italic = el.italic
    run.font.underline = el.underline
    return para


def _table(doc: DocxDocument, widths_mm: tuple[float, float]) -> tuple[_Cell, _Cell]:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    for cell, width in zip((left, right), widths_mm, strict=True):
        cell.width = Mm(width)
        # A new cell holds one empty paragraph; ours start with their own.
        cell._element.remove(cell.paragraphs[0]._element)
    return left, right


def write_docx(out: BinaryIO, draft: Draft, *, title: str) -> None:
    fam = draft.family
    el = fam.elements
    doc = new_document()
    doc.core_properties.title = title
    doc.core_properties.author = "Vanthu"
    normal = doc.styles["Normal"]
    _font(normal.font, el["body"].size)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    top, bottom, left, right = fam.margins
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    content_mm = A4_MM[0] - left - right

    head_left, head_right = _table(doc, (LEFT_MM, content_mm - LEFT_MM))
    if draft.superior:
        _para(head_left, draft.superior, el["superior"])
    _para(head_left, draft.issuer, el["issuer"])
    _para(head_left, "*" if fam.code == "party" else "_______", el["issuer"])
    _para(head_left, draft.number_line, el["number"])
    if draft.kind.summary_as_vv:
        _para(head_left, draft.summary, el["vv"])
    for mark in draft.marks:
        _para(head_left, mark, el["marks"])
    if fam.code == "party":
        _para(head_right, PARTY_HEADING, el["heading"])
    else:
        _para(head_right, STATE_HEADING, el["heading"])
        _para(head_right, STATE_MOTTO, el["motto"])
    _para(head_right, "", el["date"])
    _para(head_right, draft.date_line, el["date"])

    _para(doc, "", el["body"])
    if draft.title:
        _para(doc, draft.title, el["title"])
        _para(doc, draft.summary, el["summary"])
        _para(doc, "-----" if fam.code == "party" else "_______", el["summary"])
    for text in draft.body:
        body = _para(doc, text, el["body"], WD_ALIGN_PARAGRAPH.JUSTIFY, indent_mm=10)
        body.paragraph_format.space_after = Pt(6)

    sign_left, sign_right = _table(doc, (LEFT_MM, content_mm - LEFT_MM))
    _para(sign_left, "Nơi nhận:", el["recipients_label"], WD_ALIGN_PARAGRAPH.LEFT)
    for item in draft.recipients:
        _para(sign_left, item, el["recipients"], WD_ALIGN_PARAGRAPH.LEFT)
    if draft.authority:
        _para(sign_right, draft.authority, el["authority"])
    if draft.position:
        _para(sign_right, draft.position, el["authority"])
    for _blank in range(4):
        _para(sign_right, "", el["signer"])
    _para(sign_right, draft.signer, el["signer"])
    doc.save(out)
