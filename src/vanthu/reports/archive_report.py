"""Thống kê tài liệu lưu trữ và khai thác sử dụng as a PDF (Party layout, like the periodic
report) and as Excel, from ``archive_stats.archive_statistics``: counts only."""

from __future__ import annotations

import datetime
from typing import Any, BinaryIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle

from vanthu.orgs.models import Organization
from vanthu.reports.periodic import (
    PARTY_HEADING,
    made_on_text,
    national_header,
    page_footer,
    para,
    signatures,
    styles,
)
from vanthu.reports.periods import Period

TITLE = "THỐNG KÊ TÀI LIỆU LƯU TRỮ VÀ KHAI THÁC SỬ DỤNG"
MODES = {
    "read": "Đọc trên hệ thống",
    "copy": "Bản sao",
    "certified_copy": "Bản sao có xác thực",
    "borrow": "Mượn bản gốc",
}
KINDS = {"copy": "Bản sao", "sao_y": "Sao y", "trich_sao": "Trích sao"}


def _number(value: float | int | None, digits: int = 0) -> str:
    """Vietnamese notation: 1.234 and 12,5."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def sections(stats: dict[str, Any]) -> list[tuple[str, list[tuple[str, Any, str]]]]:
    """The report's two tables as (heading, [(label, value, unit)]): value is a number."""
    h, u = stats["holdings"], stats["use"]
    holdings = [
        ("Tổng số hồ sơ đã kết thúc", h["dossiers"], "hồ sơ"),
        ("trong đó đã nộp lưu vào Lưu trữ cơ quan", h["archived"], "hồ sơ"),
        ("Hồ sơ kết thúc trong kỳ", h["closed_in_period"], "hồ sơ"),
        ("Số văn bản trong hồ sơ", h["documents"], "văn bản"),
        ("Số trang", h["pages"], "trang"),
        ("Số tờ", h["sheets"], "tờ"),
        ("Số hộp", h["boxes"], "hộp"),
        ("Chiều dài tài liệu", h["shelf_metres"], "mét giá"),
        ("Văn bản đã số hóa", h["digitised_documents"], "văn bản"),
        ("Tỷ lệ số hóa", h["digitised_percent"], "%"),
    ]
    use = [
        ("Số phiếu yêu cầu khai thác", u["requests"], "phiếu"),
        ("được duyệt", u["approved"], "phiếu"),
        ("không duyệt", u["refused"], "phiếu"),
        ("đang chờ duyệt", u["pending"], "phiếu"),
        *[(f"Hình thức: {MODES.get(m, m)}", n, "phiếu") for m, n in u["by_mode"].items()],
        ("Lượt đọc hồ sơ trên hệ thống", u["reads"], "lượt"),
        ("Số hồ sơ được đọc", u["dossiers_read"], "hồ sơ"),
        ("Số bản sao đã cấp", u["copies"], "bản"),
        *[(f"trong đó {KINDS.get(k, k)}", n, "bản") for k, n in u["copies_by_kind"].items()],
    ]
    return [
        ("I. TÀI LIỆU LƯU TRỮ (đến hết kỳ báo cáo)", holdings),
        ("II. KHAI THÁC, SỬ DỤNG TÀI LIỆU (trong kỳ)", use),
    ]


def shown(value: Any, unit: str) -> str:
    return _number(value, 1 if unit in ("mét giá", "%") else 0)


def filename(organization: Organization, period: Period, fmt: str) -> str:
    return (
        f"thong-ke-luu-tru-{organization.pk}-"
        f"{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}.{fmt}"
    )


def write_archive_pdf(
    out: BinaryIO,
    *,
    organization: Organization,
    period: Period,
    stats: dict[str, Any],
    printed_by: str,
    made_on: datetime.date | None = None,
) -> None:
    s = styles()
    made_on = made_on or timezone.localdate()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{TITLE} — {organization.name} — {period.label()}",
        author="Vanthu",
    )
    scope = "Gồm cơ quan và các đơn vị trực thuộc." if stats["rollup"] else "Tài liệu của cơ quan."
    story: list[Flowable] = [
        national_header(organization, made_on, s, column=85 * mm),
        Spacer(1, 6 * mm),
        para(TITLE, s["title"]),
        para(period.label(), s["italic"]),
        para(scope, s["italic"]),
    ]
    for heading, rows in sections(stats):
        story += [Spacer(1, 4 * mm), para(heading, s["centre"])]
        data: list[list[Any]] = [
            [
                para("Chỉ tiêu", s["head"]),
                para("Số lượng", s["head"]),
                para("Đơn vị tính", s["head"]),
            ]
        ]
        for label, value, unit in rows:
            data.append(
                [para(label, s["cell"]), para(shown(value, unit), s["num"]), para(unit, s["cell"])]
            )
        table = Table(data, colWidths=[100 * mm, 35 * mm, 35 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BACKGROUND", (0, 0), (-1, 0), "#e6e6e6"),
                ]
            )
        )
        story.append(table)
    story += [
        Spacer(1, 3 * mm),
        para("Số liệu chỉ gồm hồ sơ, tài liệu người lập được phép xem.", s["base"]),
        Spacer(1, 6 * mm),
    ]
    story.append(signatures(printed_by, s, column=85 * mm))
    doc.build(story, onFirstPage=page_footer, onLaterPages=page_footer)


THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def write_archive_xlsx(
    out: BinaryIO,
    *,
    organization: Organization,
    period: Period,
    stats: dict[str, Any],
    made_on: datetime.date | None = None,
) -> None:
    """Rows 1–4 the heading; each section a heading row, a header row, then one row per
    figure (column B a real number)."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    ws = wb.create_sheet("Thống kê lưu trữ")
    bold = Font(bold=True)
    ws.append([organization.name.upper(), "", PARTY_HEADING])
    ws.append(["", "", made_on_text(made_on or timezone.localdate())])
    ws.append([TITLE])
    ws.append([period.label()])
    ws["A1"].font = ws["C1"].font = bold
    ws["A3"].font = Font(bold=True, size=14)
    for heading, rows in sections(stats):
        ws.append([])
        ws.append([heading])
        ws.cell(row=ws.max_row, column=1).font = bold
        ws.append(["Chỉ tiêu", "Số lượng", "Đơn vị tính"])
        for col in range(1, 4):
            cell = ws.cell(row=ws.max_row, column=col)
            cell.font, cell.border = bold, BORDER
            cell.fill = PatternFill("solid", fgColor="D9D9D9")
            cell.alignment = Alignment(horizontal="center")
        for label, value, unit in rows:
            ws.append([label, value, unit])
            for col in range(1, 4):
                ws.cell(row=ws.max_row, column=col).border = BORDER
            if unit in ("mét giá", "%"):
                ws.cell(row=ws.max_row, column=2).number_format = "0.0"
    ws.column_dimensions["A"].width = 50
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 30
    wb.save(out)
