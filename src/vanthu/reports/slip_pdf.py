"""Phiếu giải quyết văn bản đến (NĐ 30/2020 Phụ lục IV mục VII) for one văn bản đến, as PDF.

Heading: tên loại, số và ký hiệu, ngày tháng, cơ quan ban hành, trích yếu; then three blocks:
(1) ý kiến của lãnh đạo cơ quan — filled from the leader's direction recorded in the system —
(2) ý kiến của lãnh đạo đơn vị and (3) ý kiến đề xuất của người giải quyết, left to be written.
"""

from __future__ import annotations

from typing import BinaryIO
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from vanthu.core.enums import Secrecy, Urgency
from vanthu.registry.models import Assignment, Document
from vanthu.reports import fonts

DOTS = "." * 110


def _d(value: object) -> str:
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else ""


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _direction_lines(assignments: list[Assignment]) -> list[str]:
    lines = []
    for role in (Assignment.Role.LEAD, Assignment.Role.SUPPORT, Assignment.Role.INFORM):
        people = [a for a in assignments if a.role == role]
        if not people:
            continue
        names = ", ".join(
            (a.user.full_name or a.user.username)
            + (f" (hạn {_d(a.deadline)})" if a.deadline else "")
            for a in people
        )
        label = {"lead": "Giao chủ trì", "support": "Phối hợp", "inform": "Để biết"}[role]
        lines.append(f"- {label}: {names}")
    notes = {a.note.strip() for a in assignments if a.note.strip()}
    lines += [f"- Ý kiến: {n}" for n in sorted(notes)]
    return lines


def write_slip_pdf(out: BinaryIO, *, document: Document, assignments: list[Assignment]) -> None:
    fonts.register_fonts()
    base = ParagraphStyle("b", fontName=fonts.REGULAR, fontSize=12, leading=16)
    bold = ParagraphStyle("h", parent=base, fontName=fonts.BOLD)
    centre = ParagraphStyle("c", parent=bold, alignment=TA_CENTER)
    title = ParagraphStyle("t", parent=centre, fontSize=15, leading=20, spaceBefore=8)
    italic = ParagraphStyle("i", parent=base, fontName=fonts.ITALIC, alignment=TA_CENTER)
    org = document.organization
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=15 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title="Phiếu giải quyết văn bản đến",
        author="Vanthu",
    )
    story: list[Flowable] = []
    head = Table([[_p(org.name.upper(), centre), _p("", base)]], colWidths=[80 * mm, 90 * mm])
    story.append(head)
    story.append(_p("PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN", title))
    marks = []
    if document.secrecy != Secrecy.NONE:
        marks.append(str(Secrecy(document.secrecy).label).upper())
    if document.urgency != Urgency.NORMAL:
        marks.append(str(Urgency(document.urgency).label).upper())
    if marks:
        story.append(_p(" — ".join(marks), centre))
    story.append(Spacer(1, 4 * mm))
    received = timezone.localtime(document.received_at) if document.received_at else None
    facts = [
        ("Tên loại văn bản", document.document_type.name),
        ("Số và ký hiệu", document.number_symbol or "—"),
        ("Ngày tháng văn bản", _d(document.issued_date) or "—"),
        ("Cơ quan ban hành", document.sender),
        ("Trích yếu", document.summary or "—"),
        ("Số đến, ngày đến", f"{document.number or ''} — {_d(received)}"),
    ]
    for label, value in facts:
        story.append(_p(f"{label}: {value}", base))
    story.append(Spacer(1, 5 * mm))
    leader_lines = _direction_lines(assignments)
    given = min((a.assigned_at for a in assignments), default=None)
    blocks = [
        (
            "1. Ý kiến của lãnh đạo cơ quan, tổ chức",
            leader_lines or [DOTS, DOTS, DOTS],
            f"Ngày {_d(timezone.localtime(given))}" if given else "Ngày ..../..../........",
        ),
        ("2. Ý kiến của lãnh đạo đơn vị", [DOTS, DOTS, DOTS], "Ngày ..../..../........"),
        ("3. Ý kiến đề xuất của người giải quyết", [DOTS, DOTS, DOTS], "Ngày ..../..../........"),
    ]
    rows = []
    for heading, lines, when in blocks:
        cell = [_p(heading, bold), *[_p(line, base) for line in lines], _p(when, italic)]
        rows.append([cell])
    table = Table(rows, colWidths=[170 * mm])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, "black"),
                ("INNERGRID", (0, 0), (-1, -1), 0.6, "black"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    story.append(table)
    doc.build(story)
