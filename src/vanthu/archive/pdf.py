"""Printed forms of the archive in DejaVu Serif (house style): the transfer list (mục lục hồ sơ
nộp lưu) and the hand-over record (biên bản giao nhận) — NĐ 30 Điều 30, Phụ lục V, made in 2
copies each — and box labels (nhãn hộp)."""

from __future__ import annotations

import datetime
import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from vanthu.archive.models import ArchivalUnit, StorageLocation, Transfer
from vanthu.records.models import RetentionCode
from vanthu.reports import fonts

# NĐ 30 Điều 30: the list and the record are each made in 02 copies (bên giao, bên nhận).
COPIES = ("Bản số 1 — bên giao giữ", "Bản số 2 — bên nhận giữ")


def _d(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register_fonts()
    base = ParagraphStyle("b", fontName=fonts.REGULAR, fontSize=11, leading=14)
    return {
        "base": base,
        "small": ParagraphStyle("s", parent=base, fontSize=9, leading=11),
        "bold": ParagraphStyle("h", parent=base, fontName=fonts.BOLD),
        "centre": ParagraphStyle("c", parent=base, fontName=fonts.BOLD, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "t", parent=base, fontName=fonts.BOLD, fontSize=14, leading=18, alignment=TA_CENTER
        ),
        "italic": ParagraphStyle(
            "i", parent=base, fontName=fonts.ITALIC, alignment=TA_CENTER, fontSize=10
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _header(org_name: str, parent_name: str, s: dict[str, ParagraphStyle]) -> Table:
    # Party layout (HD 36/VPTW): the issuing body on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" right.
    left = _p(f"{parent_name.upper()}\n{org_name.upper()}\n*", s["centre"])
    right = _p("ĐẢNG CỘNG SẢN VIỆT NAM", s["centre"])
    table = Table([[left, right]], colWidths=[85 * mm, 85 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _retention(row: dict[str, Any]) -> str:
    if row["retention_years"]:
        return f"{row['retention_years']} năm"
    return str(RetentionCode(row["retention_code"]).label)


def transfer_list_pdf(transfer: Transfer, rows: list[dict[str, Any]]) -> bytes:
    """Mục lục hồ sơ, tài liệu nộp lưu (Phụ lục V): 7 columns, 2 copies."""
    s = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=20 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title="Mục lục hồ sơ, tài liệu nộp lưu",
        author="Vanthu",
    )
    org = transfer.organization
    parent = org.parent.name if org.parent_id and org.parent else ""
    head = [
        "Số TT",
        "Số, ký hiệu hồ sơ",
        "Tiêu đề hồ sơ",
        "Thời gian tài liệu",
        "Thời hạn bảo quản",
        "Số tờ/Số trang",
        "Ghi chú",
    ]
    story: list[Flowable] = []
    for n, copy in enumerate(COPIES):
        if n:
            story.append(PageBreak())
        story.append(_header(org.name, parent, s))
        story.append(Spacer(1, 6 * mm))
        story.append(_p("MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU", s["title"]))
        story.append(_p(f"Tên khối tài liệu: {transfer.title}", s["italic"]))
        story.append(_p(copy, s["italic"]))
        story.append(Spacer(1, 4 * mm))
        data: list[list[Any]] = [[_p(h, s["centre"]) for h in head]]
        data.append([_p(f"({i})", s["italic"]) for i in range(1, 8)])
        for r in rows:
            span = " - ".join(x for x in (_d(r["start_date"]), _d(r["end_date"])) if x)
            # Short cells are plain strings (one line, the table's font); only the texts that
            # wrap are Paragraphs: 500 rows went from 9 s to about 1 s (docs/benchmarks.md).
            data.append(
                [
                    str(r["position"]),
                    _p(r["code"], s["small"]),
                    _p(r["title"], s["small"]),
                    span,
                    _retention(r),
                    f"{r['sheet_count']}/{r['page_count']}",
                    _p(r["notes"], s["small"]) if r["notes"] else "",
                ]
            )
        table = Table(
            data,
            colWidths=[15 * mm, 32 * mm, 95 * mm, 40 * mm, 30 * mm, 25 * mm, 25 * mm],
            repeatRows=2,
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONTNAME", (0, 2), (-1, -1), fonts.REGULAR),
                    ("FONTSIZE", (0, 2), (-1, -1), 9),
                    ("LEADING", (0, 2), (-1, -1), 11),
                ]
            )
        )
        story.append(table)
        story.append(Spacer(1, 4 * mm))
        story.append(_p(f"Mục lục này gồm {len(rows)} hồ sơ.", s["base"]))
    doc.build(story)
    return out.getvalue()


def handover_pdf(transfer: Transfer, facts: dict[str, Any]) -> bytes:
    """Biên bản giao nhận hồ sơ, tài liệu (NĐ 30 Điều 30, Phụ lục V): 2 copies."""
    s = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=30 * mm,
        rightMargin=15 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title="Biên bản giao nhận hồ sơ, tài liệu",
        author="Vanthu",
    )
    org = transfer.organization
    parent = org.parent.name if org.parent_id and org.parent else ""
    span = " - ".join(x for x in (_d(facts["start_date"]), _d(facts["end_date"])) if x)
    lines = [
        f"Hôm nay, ngày {_d(facts['date']) or '.../.../......'}, tại {org.name}",
        "Chúng tôi gồm:",
        f"BÊN GIAO: {facts['handed_by']} — đại diện: {facts['handed_by_person']}",
        f"BÊN NHẬN: Lưu trữ cơ quan — đại diện: {facts['received_by_person'] or '..........'}",
        "Thống nhất lập biên bản giao nhận tài liệu với nội dung như sau:",
        f"1. Tên khối tài liệu giao nộp: {facts['title']}",
        f"2. Thời gian của tài liệu: {span}",
        f"3. Số lượng tài liệu: {facts['dossier_count']} hồ sơ, {facts['sheet_count']} tờ, "
        f"{facts['file_count']} tệp",
        f"4. Tình trạng tài liệu giao nộp: {facts['condition'] or '..........'}",
        "5. Mục lục hồ sơ, tài liệu nộp lưu kèm theo.",
        "Biên bản này được lập thành hai bản; bên giao giữ một bản, bên nhận giữ một bản.",
    ]
    story: list[Flowable] = []
    for n, copy in enumerate(COPIES):
        if n:
            story.append(PageBreak())
        story.append(_header(org.name, parent, s))
        story.append(Spacer(1, 8 * mm))
        story.append(_p("BIÊN BẢN", s["title"]))
        story.append(_p("Về việc giao nhận hồ sơ, tài liệu", s["centre"]))
        story.append(_p(copy, s["italic"]))
        story.append(Spacer(1, 6 * mm))
        for line in lines:
            story.append(_p(line, s["base"]))
            story.append(Spacer(1, 2 * mm))
        story.append(Spacer(1, 10 * mm))
        sign = Table(
            [[_p("ĐẠI DIỆN BÊN GIAO", s["centre"]), _p("ĐẠI DIỆN BÊN NHẬN", s["centre"])]],
            colWidths=[80 * mm, 80 * mm],
        )
        story.append(sign)
    doc.build(story)
    return out.getvalue()


def box_label_pdf(box: StorageLocation, units: list[ArchivalUnit], org_name: str) -> bytes:
    """Nhãn hộp: fonds, hộp số, the first and last hồ sơ số, and where the box stands."""
    s = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=(100 * mm, 150 * mm),
        leftMargin=8 * mm,
        rightMargin=8 * mm,
        topMargin=8 * mm,
        bottomMargin=8 * mm,
        title=f"Nhãn hộp {box.code}",
        author="Vanthu",
    )
    fonds_names = sorted({u.fonds.name for u in units})
    catalogues = sorted({u.catalogue_number for u in units})
    numbers = [u.file_number for u in units]
    where = []
    shelf = box.parent
    if shelf is not None:
        store = shelf.parent
        if store is not None:
            where.append(f"Kho {store.code}")
        where.append(f"Giá {shelf.code}")
    years = sorted({u.dossier.year for u in units})
    rows = [
        [_p(org_name.upper(), s["centre"])],
        [_p("; ".join(fonds_names) or "Phông: ..........", s["small"])],
        [_p(f"Mục lục số: {', '.join(str(c) for c in catalogues) or '....'}", s["base"])],
        [_p(f"HỘP SỐ {box.code}", s["title"])],
        [
            _p(
                f"Hồ sơ số: từ {min(numbers)} đến {max(numbers)}" if numbers else "Hồ sơ số: ....",
                s["base"],
            )
        ],
        [_p(f"Năm: {years[0]}–{years[-1]}" if years else "Năm: ....", s["base"])],
        [_p(" · ".join(where), s["small"])],
    ]
    table = Table(rows, colWidths=[84 * mm])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, "black"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    doc.build([table])
    return out.getvalue()
