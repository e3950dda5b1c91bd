"""Excel 97–2003 (.xls) registers, read with xlrd: text, real dates, numbers, merged cells
and hidden rows behave as in an .xlsx (the files are written with xlwt, the BIFF8 writer)."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from typing import Any

import pytest
import xlwt
from django.utils import timezone

from tests.legacy.conftest import INCOMING_HEADER, incoming_rows
from vanthu.legacy.reading import open_source
from vanthu.legacy.services import import_register
from vanthu.registry.models import Direction, Document


def write_xls(
    path: Path,
    rows: list[list[Any]],
    *,
    hidden: tuple[int, ...] = (),
    merge_date: tuple[int, int] | None = None,
    hidden_sheet_first: bool = False,
) -> Path:
    """Title row 1, header row 2, data from row 3 (1-based as Excel shows them)."""
    book = xlwt.Workbook(encoding="utf-8")
    if hidden_sheet_first:
        other = book.add_sheet("Cũ")
        other.write(0, 0, "không dùng")
        other.visibility = 1
    sheet = book.add_sheet("Sổ đến")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    sheet.write_merge(0, 0, 0, len(INCOMING_HEADER) - 1, "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN")
    for col, text in enumerate(INCOMING_HEADER):
        sheet.write(1, col, text)
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row):
            if merge_date and col == 1 and merge_date[0] <= r + 1 <= merge_date[1]:
                continue
            if isinstance(value, datetime.date):
                sheet.write(r, col, value, date_style)
            elif value not in ("", None):
                sheet.write(r, col, value)
    if merge_date:
        first, last = merge_date
        day = rows[first - 3][1]
        sheet.write_merge(first - 1, last - 1, 1, 1, day, date_style)
    for number in hidden:
        sheet.row(number - 1).hidden = True
    book.save(str(path))
    return path


def typed_rows(count: int) -> list[list[Any]]:
    """Rows whose dates are real Excel dates and numbers real numbers."""
    rows = incoming_rows(count)
    for row in rows:
        day, month, year = (int(x) for x in row[1].split("/"))
        row[1] = datetime.date(year, month, day)
        day, month, year = (int(x) for x in row[4].split("/"))
        row[4] = datetime.date(year, month, day)
    return rows


def run(clerk: Any, path: Path, **options: Any) -> Any:
    return import_register(
        actor=clerk,
        organization=clerk.organization,
        direction=Direction.INCOMING,
        path=path,
        **options,
    )


def report(result: Any) -> list[list[str]]:
    with result.report_path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


def test_xls_values_read_like_xlsx(tmp_path: Path) -> None:
    rows = typed_rows(3)
    source = open_source(write_xls(tmp_path / "so.xls", rows))
    try:
        assert source.kind == "xls"
        read = list(source.rows)
    finally:
        source.close()
    assert read[0].number == 1 and read[0].values[0] == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    assert read[1].values == INCOMING_HEADER
    first = read[2]
    assert first.number == 3
    assert first.values[0] == rows[0][0] and isinstance(first.values[0], int)
    assert first.values[1] == rows[0][1] and isinstance(first.values[1], datetime.date)
    assert first.values[5] == rows[0][5]


def test_xls_import_with_merged_dates_and_hidden_rows(clerk: Any, tmp_path: Path) -> None:
    rows = typed_rows(6)
    for row in rows:  # issued before the earliest arrival, so the merged day is never too early
        row[4] = rows[0][4]
    path = write_xls(tmp_path / "so.xls", rows, hidden=(4,), merge_date=(5, 7))
    result = run(clerk, path)
    assert (result.total, result.taken, result.refused) == (6, 6, 0)
    docs = Document.objects.filter(register_id=result.register_id).order_by("number")
    assert [d.number for d in docs] == [r[0] for r in rows]
    merged_day = rows[2][1]
    merged = [d for d in docs if d.number in (rows[2][0], rows[3][0], rows[4][0])]
    assert len(merged) == 3
    assert {timezone.localtime(d.received_at).date() for d in merged if d.received_at} == {
        merged_day
    }
    lines = {int(line[0]): line for line in report(result)}
    assert "Dòng ẩn" in lines[4][2]
    assert lines[3][1] == "nhận"


def test_xls_picks_the_first_visible_sheet_and_refuses_an_unknown_one(
    clerk: Any, tmp_path: Path
) -> None:
    path = write_xls(tmp_path / "so.xls", typed_rows(2), hidden_sheet_first=True)
    result = run(clerk, path, dry_run=True)
    assert (result.total, result.taken) == (2, 2)
    before = Document.objects.count()
    with pytest.raises(Exception) as caught:
        run(clerk, path, sheet="Không có")
    assert "Không có trang tính" in " ".join(getattr(caught.value, "messages", [str(caught.value)]))
    assert Document.objects.count() == before
