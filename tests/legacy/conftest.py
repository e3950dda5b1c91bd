"""Fixtures for the legacy import tests: a clerk, and register files written on the fly."""

from __future__ import annotations

import csv
import datetime
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from rest_framework.test import APIClient

INCOMING_HEADER = [
    "Số đến",
    "Ngày đến",
    "Tác giả",
    "Số, ký hiệu",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận",
    "Ghi chú",
]
OUTGOING_HEADER = ["Số, ký hiệu", "Ngày", "Trích yếu", "Người ký", "Nơi nhận", "Số lượng bản"]


def incoming_rows(count: int, *, start: int = 1, year: int = 2019) -> list[list[Any]]:
    return [
        [
            start + i,
            f"{(i % 28) + 2:02d}/03/{year}",
            "Ban Tổ chức Trung ương",
            f"{100 + start + i}-CV/BTCTW",
            f"{(i % 28) + 1:02d}/03/{year}",
            f"Công văn về công tác cán bộ số {start + i}",
            "Văn phòng",
            "",
        ]
        for i in range(count)
    ]


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    header: Sequence[str] | None = None,
    title: str | None = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
    hidden: Sequence[int] = (),
    merges: Sequence[str] = (),
) -> Path:
    """An .xlsx as an old register looks: a merged title row, the header, then rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    header = list(header if header is not None else INCOMING_HEADER)
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    for number in hidden:
        sheet.row_dimensions[number].hidden = True
    for ref in merges:
        sheet.merge_cells(ref)
    book.save(path)
    return path


def add_formula(path: Path, cached: str, formula: str) -> None:
    """Turn the number cell holding ``cached`` into a formula whose cached value it is, as
    Excel saves it (openpyxl itself writes formulas without cached values)."""
    with zipfile.ZipFile(path) as src:
        members = {name: src.read(name) for name in src.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    assert f"<v>{cached}</v>" in sheet
    sheet = sheet.replace(f"<v>{cached}</v>", f"<f>{formula}</f><v>{cached}</v>", 1)
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as out:
        for name, data in members.items():
            out.writestr(name, data)


def write_csv(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    header: Sequence[str] | None = None,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header if header is not None else INCOMING_HEADER)
        writer.writerows(rows)
    return path


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def clerk(city: Any, make_user: Any) -> Any:
    return make_user(username="vanthu_tu", organization=city.tu, roles=["clerk"])


@pytest.fixture
def today() -> datetime.date:
    return datetime.date.today()
