"""Reading a register file row by row, without holding it in memory.

.xlsx through openpyxl's streaming parser (read-only mode, cached formula values), CSV through
the csv module after sniffing its encoding, .xls (Excel 97–2003, BIFF) through xlrd 2.x, which
reads only that format (an .xls holds at most 65,536 rows, so reading it whole is bounded).
"""

from __future__ import annotations

import csv
import datetime
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vanthu.core.text import decode_legacy, detect_legacy_encoding, is_vietnamese_syllable

SNIFF_BYTES = 1 << 20
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')


def max_bytes() -> int:
    """VANTHU_IMPORT_MAX_MB (default 100): larger files are refused before being read."""
    return int(os.environ.get("VANTHU_IMPORT_MAX_MB", "100")) * 1024 * 1024


def refuse(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


@dataclass
class Row:
    number: int  # the row number in the file (1-based, as Excel and text editors show it)
    values: list[Any]
    hidden: bool = False


@dataclass
class Source:
    kind: str  # "xlsx", "xls" or "csv"
    rows: Iterator[Row]
    total: int  # an estimate of the rows, for progress
    encoding: str = ""
    notes: list[str] = field(default_factory=list)
    closer: Any = None

    def close(self) -> None:
        if self.closer is not None:
            self.closer()


def open_source(path: Path, *, sheet: str | None = None) -> Source:
    if not path.is_file():
        raise refuse(_("Không tìm thấy tệp %s.") % path)
    size = path.stat().st_size
    limit = max_bytes()
    if size > limit:
        raise refuse(
            _(
                "Tệp nặng %(size)d MB, vượt giới hạn %(limit)d MB (VANTHU_IMPORT_MAX_MB); "
                "hãy tách sổ thành nhiều tệp."
            )
            % {"size": size // (1024 * 1024), "limit": limit // (1024 * 1024)}
        )
    if size == 0:
        raise refuse(_("Tệp rỗng."))
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, sheet)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _open_xls(path, sheet)
    if b"\x00" in head or path.suffix.lower() not in CSV_SUFFIXES:
        raise refuse(_("Tệp không phải bảng tính: chỉ nhận .xlsx, .xls hoặc .csv."))
    return _open_csv(path, head)


# --- xlsx --------------------------------------------------------------------------------------


def _column(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index


def _scan_sheet(
    archive: zipfile.ZipFile, member: str
) -> tuple[list[tuple[int, int, int, int]], int]:
    """(min_row, min_col, max_row, max_col) of every merged range, and about how many rows the
    sheet has (for progress), by scanning the raw XML.

    openpyxl's read-only mode does not expose merged cells; <mergeCells> sits after the
    sheet's data, so it is found by a byte scan (fast, constant memory) before reading rows.
    """
    found: list[tuple[int, int, int, int]] = []
    rows = 0
    tail = b""
    with archive.open(member) as raw:
        while chunk := raw.read(1 << 20):
            rows += chunk.count(b"<row ") + chunk.count(b"<row>")
            data = tail + chunk
            # A match cut by the chunk's end is found whole in the next round (the overlap);
            # one found twice is deduplicated below.
            for m in _MERGE.finditer(data):
                found.append((int(m[2]), _column(m[1]), int(m[4]), _column(m[3])))
            tail = data[-200:]
    return sorted(set(found)), rows


def _load_workbook(path: Path) -> Any:
    """openpyxl's read-only workbook, without its size pass.

    A read-only worksheet looks for <dimension> when it is opened, and a sheet written without
    one (openpyxl's own write-only mode, many exporting programs) is then parsed whole just to
    learn that it has none: a second full parse of the sheet (≈ 11 % of an import, measured).
    The row count for progress comes from ``_scan_sheet`` instead.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class _Sheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            return None

    class _Reader(ExcelReader):
        def read_worksheets(self) -> None:
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                    continue
                ws = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)

    reader = _Reader(path, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def _open_xlsx(path: Path, sheet: str | None) -> Source:
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        book = _load_workbook(path)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign zip
        raise refuse(_("Tệp không phải bảng tính Excel đọc được (.xlsx): %s") % exc) from exc
    sheets = [ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if sheet is not None:
        sheets = [ws for ws in book.worksheets if ws.title == sheet]
        if not sheets:
            book.close()
            raise refuse(_("Không có trang tính “%s” trong tệp.") % sheet)
    if not sheets:
        book.close()
        raise refuse(_("Tệp không có trang tính nào."))
    ws = sheets[0]
    member = ws._worksheet_path
    merges, estimate = _scan_sheet(book._archive, member)

    def rows() -> Iterator[Row]:
        # The streaming parser of ReadOnlyWorksheet, used directly so that each row's
        # attributes (hidden) are seen as the row is read.
        waiting = list(reversed(merges))  # popped in top-row order
        active: list[tuple[int, int, int, int]] = []
        anchors: dict[tuple[int, int], Any] = {}
        with book._archive.open(member) as src:
            parser = WorkSheetParser(
                src,
                ws._shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for number, cells in parser.parse():
                attrs = parser.row_dimensions.pop(str(number), None) or {}
                hidden = str(attrs.get("hidden", "")).lower() in ("1", "true")
                width = max((c["column"] for c in cells), default=0)
                values: list[Any] = [None] * width
                for cell in cells:
                    values[cell["column"] - 1] = cell["value"]
                while waiting and waiting[-1][0] <= number:
                    active.append(waiting.pop())
                if active:
                    active = [m for m in active if m[2] >= number]
                    _fill_merged(number, values, active, anchors)
                if any(v is not None and v != "" for v in values):
                    yield Row(number=number, values=values, hidden=hidden)

    return Source(
        kind="xlsx",
        rows=rows(),
        total=estimate,
        closer=book.close,
    )


def _fill_merged(
    number: int,
    values: list[Any],
    active: list[tuple[int, int, int, int]],
    anchors: dict[tuple[int, int], Any],
) -> None:
    """A merged cell's value belongs to every row and column it covers (a date merged over
    the several documents that arrived that day)."""
    for top, left, _bottom, right in active:
        if number == top:
            anchors[(top, left)] = values[left - 1] if left <= len(values) else None
        value = anchors.get((top, left))
        if len(values) < right:
            values.extend([None] * (right - len(values)))
        for col in range(left, right + 1):
            if col != left or number != top:
                values[col - 1] = value


# --- xls (Excel 97–2003) -----------------------------------------------------------------------


def _xls_value(cell: Any, datemode: int) -> Any:
    import xlrd

    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value
        # A date cell with no time of day is a date, as openpyxl gives it for .xlsx.
        return moment.date() if moment.time() == datetime.time() else moment
    if kind == xlrd.XL_CELL_NUMBER:
        return int(value) if float(value).is_integer() else value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    return value


def _open_xls(path: Path, sheet: str | None) -> Source:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises several kinds for an OLE file that is no workbook
        raise refuse(_("Tệp không phải bảng tính Excel đọc được (.xls): %s") % exc) from exc
    names = book.sheet_names()
    if sheet is not None:
        if sheet not in names:
            book.release_resources()
            raise refuse(_("Không có trang tính “%s” trong tệp.") % sheet)
        ws = book.sheet_by_name(sheet)
    else:
        ws = next(
            (s for i in range(len(names)) if (s := book.sheet_by_index(i)).visibility == 0), None
        )
        if ws is None:
            book.release_resources()
            raise refuse(_("Tệp không có trang tính nào."))
    # (first row, last row, first column, last column), 1-based and inclusive like .xlsx.
    merges = sorted((r0 + 1, c0 + 1, r1, c1) for r0, r1, c0, c1 in ws.merged_cells)

    def rows() -> Iterator[Row]:
        waiting = list(reversed(merges))
        active: list[tuple[int, int, int, int]] = []
        anchors: dict[tuple[int, int], Any] = {}
        for index in range(ws.nrows):
            number = index + 1
            values = [_xls_value(c, book.datemode) for c in ws.row(index)]
            while values and values[-1] is None:
                values.pop()
            info = ws.rowinfo_map.get(index)
            hidden = bool(info is not None and info.hidden)
            while waiting and waiting[-1][0] <= number:
                active.append(waiting.pop())
            if active:
                active = [m for m in active if m[2] >= number]
                _fill_merged(number, values, active, anchors)
            if any(v is not None and v != "" for v in values):
                yield Row(number=number, values=values, hidden=hidden)

    return Source(kind="xls", rows=rows(), total=ws.nrows, closer=book.release_resources)


# --- CSV ---------------------------------------------------------------------------------------


def _syllables(text: str) -> int:
    return sum(is_vietnamese_syllable(w) for w in re.findall(r"[^\W\d_]+", text))


def sniff_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1258 or Windows-1252 (then TCVN3/VNI cells).

    Windows-1258 is what Vietnamese Windows saves as "ANSI"; a file typed in .VnTime fonts
    saved as ANSI is TCVN3 bytes, which read as Windows-1252 (Latin-1) and are decoded per cell.
    The choice that yields more Vietnamese syllables wins.
    """
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and len(head) >= SNIFF_BYTES:
            return "utf-8"  # a character cut by the sample's end
    sample = head[: 1 << 16]
    as_1258 = unicodedata.normalize("NFC", sample.decode("cp1258", errors="replace"))
    as_1252 = sample.decode("latin-1")
    legacy = detect_legacy_encoding(as_1252)
    legacy_score = _syllables(decode_legacy(as_1252, legacy)) if legacy != "unicode" else 0
    return "cp1258" if _syllables(as_1258) >= legacy_score else "latin-1"


def _count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines


def _open_csv(path: Path, head: bytes) -> Source:
    encoding = sniff_encoding(head)
    sample = head[: 1 << 16].decode(encoding, errors="replace")
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    handle = path.open(encoding=encoding, errors="replace", newline="")

    def rows() -> Iterator[Row]:
        reader = csv.reader(handle, dialect)
        start = 1
        try:
            for values in reader:
                if encoding == "cp1258":
                    # Windows-1258 writes tone marks as combining characters.
                    values = [unicodedata.normalize("NFC", v) for v in values]
                if any(v.strip() for v in values):
                    yield Row(number=start, values=list(values))
                start = reader.line_num + 1
        except csv.Error as exc:
            raise refuse(
                _("Tệp CSV hỏng ở dòng %(line)d: %(error)s")
                % {"line": reader.line_num, "error": exc}
            ) from exc

    return Source(
        kind="csv",
        rows=rows(),
        total=_count_lines(path),
        encoding=encoding,
        closer=handle.close,
    )
