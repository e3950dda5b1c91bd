"""The printed register as an Excel workbook: the same columns as the PDF, real dates.

openpyxl's write-only mode streams rows to the file, so a long period costs the rows of one
chunk of the query in memory, not the whole register.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from vanthu.registry.models import Document, Register
from vanthu.reports.columns import columns_for, row_for, title_for
from vanthu.reports.periods import Period

DATE_FORMAT = "DD/MM/YYYY"
# Excel column width is in characters of the default font: about 2 mm each.
MM_PER_CHAR = 2.0
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def _cell(ws: WriteOnlyWorksheet, value: Any, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    for name, val in style.items():
        setattr(cell, name, val)
    return cell


def write_register_xlsx(
    out: BinaryIO,
    *,
    register: Register,
    period: Period,
    entries: Iterable[Document],
) -> int:
    """Write the register to ``out``; answers the number of entries written."""
    columns = columns_for(register.direction)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=("Sổ đến" if register.direction == "incoming" else "Sổ đi"))
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = round(col.width_mm / MM_PER_CHAR * 1.6)
    # Title, organisation, period, then the header row: rows 1–3 and 5.
    ws.freeze_panes = "A6"
    title = title_for(register.direction, register.series == Register.Series.CLASSIFIED)
    bold = Font(bold=True)
    ws.append([_cell(ws, register.organization.name.upper(), font=bold)])
    ws.append([_cell(ws, title, font=Font(bold=True, size=14))])
    ws.append([_cell(ws, f"{register.name} — {period.label()}", font=Font(italic=True))])
    ws.append([])
    head_fill = PatternFill("solid", fgColor="D9D9D9")
    head_align = Alignment(wrap_text=True, horizontal="center", vertical="center")
    ws.append(
        [
            _cell(ws, c.heading, font=bold, fill=head_fill, alignment=head_align, border=BORDER)
            for c in columns
        ]
    )
    rows = 0
    for document in entries:
        values = row_for(document)
        cells = []
        for value, col in zip(values, columns, strict=True):
            style: dict[str, Any] = {"border": BORDER, "alignment": WRAP}
            if col.kind == "date" and value is not None:
                style["number_format"] = DATE_FORMAT
            cells.append(_cell(ws, value if value != "" else None, **style))
        ws.append(cells)
        rows += 1
    wb.save(out)
    return rows
