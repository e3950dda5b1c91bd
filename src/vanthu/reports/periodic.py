"""Báo cáo tình hình giải quyết văn bản đến, văn bản đi (NĐ 30/2020 Phụ lục VI, the outputs of
the System): for any period and organisation, as a PDF in the Party layout and as Excel.

The figures are those of ``statistics.statistics`` — counts only, read through the access
policy, so a classified document is counted only where the viewer's clearance allows; a leader
gets one row per direct child (its whole subtree summed) and the organisation's own row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from vanthu.orgs.models import Organization
from vanthu.reports import fonts
from vanthu.reports.periods import Period

TITLE = "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐẾN, VĂN BẢN ĐI"
PARTY_HEADING = "ĐẢNG CỘNG SẢN VIỆT NAM"
# The figures of one row, in the order of the table's columns (3)…(8).
FIGURES = ("incoming", "on_time", "late", "in_time", "overdue", "outgoing")
HEAD_TOP = ["Số TT", "Đơn vị", "Văn bản đến", "", "", "", "", "Văn bản đi"]
HEAD_MID = ["", "", "Tổng số", "Đã giải quyết", "", "Đang giải quyết", "", "Tổng số"]
HEAD_LOW = ["", "", "", "Đúng hạn", "Quá hạn", "Trong hạn", "Quá hạn", ""]
WIDTHS_MM = (14, 93, 26, 26, 26, 26, 26, 26)


@dataclass(frozen=True)
class Row:
    label: str
    incoming: int
    on_time: int
    late: int
    in_time: int
    overdue: int
    outgoing: int

    @classmethod
    def of(cls, label: str, counts: dict[str, Any]) -> Row:
        return cls(
            label=label,
            incoming=counts["incoming"],
            on_time=counts["on_time"],
            late=counts["late"],
            # "Đang giải quyết" splits into still within the deadline and already past it.
            in_time=counts["open"] - counts["overdue"],
            overdue=counts["overdue"],
            outgoing=counts["outgoing"],
        )

    def figures(self) -> list[int]:
        return [getattr(self, name) for name in FIGURES]


@dataclass(frozen=True)
class PeriodicReport:
    organization: Organization
    period: Period
    rollup: bool
    rows: list[Row]
    total: Row
    made_on: datetime.date = field(default_factory=timezone.localdate)

    def on_time_share(self) -> str:
        done = self.total.on_time + self.total.late
        if done == 0:
            return "—"
        return f"{100 * self.total.on_time / done:.1f}".replace(".", ",") + " %"


def build(organization: Organization, period: Period, stats: dict[str, Any]) -> PeriodicReport:
    """The report from ``statistics.statistics(...)`` of the same organisation and period."""
    if stats["children"]:
        rows = [
            Row.of(
                r["organization"]["name"] + (" (cơ quan)" if r["own"] else ""),
                r,
            )
            for r in stats["children"]
        ]
    else:
        rows = [Row.of(organization.name, stats["totals"])]
    return PeriodicReport(
        organization=organization,
        period=period,
        rollup=bool(stats["rollup"]),
        rows=rows,
        total=Row.of("Tổng cộng", stats["totals"]),
    )


def filename(report: PeriodicReport, fmt: str) -> str:
    p = report.period
    return (
        f"bao-cao-giai-quyet-van-ban-{report.organization.pk}-"
        f"{p.date_from:%Y%m%d}-{p.date_to:%Y%m%d}.{fmt}"
    )


def made_on_text(day: datetime.date) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _summary(report: PeriodicReport) -> list[str]:
    t = report.total
    return [
        f"Văn bản đến: {t.incoming}; đã giải quyết {t.on_time + t.late} "
        f"(đúng hạn {t.on_time}, quá hạn {t.late}); đang giải quyết {t.in_time + t.overdue} "
        f"(trong đó đã quá hạn {t.overdue}).",
        f"Tỷ lệ giải quyết đúng hạn: {report.on_time_share()}. Văn bản đi: {t.outgoing}.",
        "Số liệu chỉ gồm văn bản người lập báo cáo được phép xem.",
    ]


# --- PDF -------------------------------------------------------------------------------------


def styles() -> dict[str, ParagraphStyle]:
    fonts.register_fonts()
    base = ParagraphStyle("b", fontName=fonts.REGULAR, fontSize=11, leading=14)
    return {
        "base": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=12, alignment=TA_LEFT),
        "num": ParagraphStyle("num", parent=base, fontSize=10, leading=12, alignment=TA_RIGHT),
        "head": ParagraphStyle(
            "head", parent=base, fontName=fonts.BOLD, fontSize=10, leading=12, alignment=TA_CENTER
        ),
        "centre": ParagraphStyle("c", parent=base, fontName=fonts.BOLD, alignment=TA_CENTER),
        "plain_centre": ParagraphStyle("pc", parent=base, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "t", parent=base, fontName=fonts.BOLD, fontSize=14, leading=18, alignment=TA_CENTER
        ),
        "italic": ParagraphStyle(
            "i", parent=base, fontName=fonts.ITALIC, alignment=TA_CENTER, fontSize=11
        ),
        "index": ParagraphStyle(
            "x", parent=base, fontName=fonts.ITALIC, fontSize=9, leading=11, alignment=TA_CENTER
        ),
    }


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def national_header(
    org: Organization,
    made_on: datetime.date,
    s: dict[str, ParagraphStyle],
    column: float = 120 * mm,
) -> Table:
    """HD 36/VPTW: the body (under its superior, with "*") left; the Party heading right,
    underlined, with the date of the report under it."""
    parent = org.parent.name.upper() + "\n" if org.parent_id and org.parent else ""
    left = [para(f"{parent}{org.name.upper()}\n*", s["centre"])]
    right = [
        Paragraph(f"<u>{escape(PARTY_HEADING)}</u>", s["centre"]),
        Spacer(1, 3 * mm),
        para(made_on_text(made_on), s["italic"]),
    ]
    table = Table([[left, right]], colWidths=[column, column])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _table(report: PeriodicReport, s: dict[str, ParagraphStyle]) -> Table:
    data: list[list[Any]] = [
        [para(h, s["head"]) if h else "" for h in HEAD_TOP],
        [para(h, s["head"]) if h else "" for h in HEAD_MID],
        [para(h, s["head"]) if h else "" for h in HEAD_LOW],
        [para(f"({i})", s["index"]) for i in range(1, 9)],
    ]
    for n, row in enumerate(report.rows, start=1):
        data.append(
            [
                para(str(n), s["plain_centre"]),
                para(row.label, s["cell"]),
                *[para(str(v), s["num"]) for v in row.figures()],
            ]
        )
    total_style = ParagraphStyle("tn", parent=s["num"], fontName=fonts.BOLD)
    data.append(
        [
            "",
            para(report.total.label, ParagraphStyle("tl", parent=s["cell"], fontName=fonts.BOLD)),
            *[para(str(v), total_style) for v in report.total.figures()],
        ]
    )
    table = Table(data, colWidths=[w * mm for w in WIDTHS_MM], repeatRows=4)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 2), "#e6e6e6"),
                ("SPAN", (0, 0), (0, 2)),  # Số TT
                ("SPAN", (1, 0), (1, 2)),  # Đơn vị
                ("SPAN", (2, 0), (6, 0)),  # Văn bản đến
                ("SPAN", (2, 1), (2, 2)),  # đến: Tổng số
                ("SPAN", (3, 1), (4, 1)),  # Đã giải quyết
                ("SPAN", (5, 1), (6, 1)),  # Đang giải quyết
                ("SPAN", (7, 0), (7, 2)),  # Văn bản đi
            ]
        )
    )
    return table


def signatures(printed_by: str, s: dict[str, ParagraphStyle], column: float = 120 * mm) -> Table:
    left = [
        para("NGƯỜI LẬP BÁO CÁO", s["centre"]),
        para("(Ký, ghi rõ họ tên)", s["italic"]),
        Spacer(1, 18 * mm),
        para(printed_by, s["centre"]),
    ]
    right = [
        para("THỦ TRƯỞNG CƠ QUAN", s["centre"]),
        para("(Ký tên, đóng dấu)", s["italic"]),
    ]
    table = Table([[left, right]], colWidths=[column, column])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def page_footer(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(fonts.ITALIC, 8)
    canvas.drawCentredString(doc.pagesize[0] / 2, 8 * mm, f"Trang {doc.page}")
    canvas.restoreState()


def write_periodic_pdf(out: BinaryIO, report: PeriodicReport, *, printed_by: str) -> None:
    s = styles()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=20 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{TITLE} — {report.organization.name} — {report.period.label()}",
        author="Vanthu",
    )
    scope = (
        "Gồm cơ quan và các đơn vị trực thuộc (mỗi đơn vị gồm cả cấp dưới)."
        if report.rollup
        else "Văn bản của cơ quan."
    )
    story: list[Flowable] = [
        national_header(report.organization, report.made_on, s),
        Spacer(1, 6 * mm),
        para(TITLE, s["title"]),
        para(report.period.label(), s["italic"]),
        para(scope, s["italic"]),
        Spacer(1, 4 * mm),
        _table(report, s),
        Spacer(1, 3 * mm),
        *[para(line, s["base"]) for line in _summary(report)],
        Spacer(1, 6 * mm),
        signatures(printed_by, s),
    ]

    doc.build(story, onFirstPage=page_footer, onLaterPages=page_footer)


# --- Excel -----------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def write_periodic_xlsx(out: BinaryIO, report: PeriodicReport) -> None:
    """Rows 1–5 the heading, rows 7–9 the three header rows (merged like the PDF), row 10 the
    column numbers, then one row per unit and the total; the figures are real numbers."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    ws = wb.create_sheet("Báo cáo")
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    org = report.organization
    ws.append([org.name.upper(), "", "", "", "", PARTY_HEADING])
    ws.append(["", "", "", "", "", made_on_text(report.made_on)])
    ws.append([TITLE])
    ws.append([report.period.label()])
    ws.append([])
    ws.append([])
    ws["A1"].font = bold
    ws["F1"].font = bold
    ws["A3"].font = Font(bold=True, size=14)
    ws["A4"].font = Font(italic=True)
    first = 7
    for offset, head in enumerate((HEAD_TOP, HEAD_MID, HEAD_LOW)):
        for col, text in enumerate(head, start=1):
            cell = ws.cell(row=first + offset, column=col, value=text or None)
            cell.font, cell.alignment, cell.border = bold, centre, BORDER
            cell.fill = PatternFill("solid", fgColor="D9D9D9")
    for start, end in (
        ("A7", "A9"),
        ("B7", "B9"),
        ("C7", "G7"),
        ("C8", "C9"),
        ("D8", "E8"),
        ("F8", "G8"),
        ("H7", "H9"),
    ):
        ws.merge_cells(f"{start}:{end}")
    for col in range(1, 9):
        cell = ws.cell(row=first + 3, column=col, value=f"({col})")
        cell.alignment, cell.border = centre, BORDER
    line = first + 4
    for n, row in enumerate(report.rows, start=1):
        for col, value in enumerate([n, row.label, *row.figures()], start=1):
            ws.cell(row=line, column=col, value=value).border = BORDER
        line += 1
    for col, value in enumerate(["", report.total.label, *report.total.figures()], start=1):
        cell = ws.cell(row=line, column=col, value=value or (0 if col > 2 else None))
        cell.font, cell.border = bold, BORDER
    line += 2
    for text in _summary(report):
        ws.cell(row=line, column=1, value=text)
        line += 1
    for i, width in enumerate(WIDTHS_MM, start=1):
        ws.column_dimensions[get_column_letter(i)].width = round(width / 2.0 * 1.6)
    ws.freeze_panes = "C11"
    wb.save(out)
