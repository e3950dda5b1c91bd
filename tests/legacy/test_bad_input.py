"""Bad input (issue 10): each file handled or refused clearly, nothing stored changed."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from tests.legacy.conftest import (
    INCOMING_HEADER,
    add_formula,
    incoming_rows,
    write_csv,
    write_xlsx,
)
from tests.legacy.test_values import as_cp1258
from vanthu.core.text import encode_legacy
from vanthu.legacy.services import ImportResult, import_register
from vanthu.registry.models import Direction, Document, Register


def run(clerk: Any, path: Path, **options: Any) -> ImportResult:
    return import_register(
        actor=clerk,
        organization=clerk.organization,
        direction=Direction.INCOMING,
        path=path,
        **options,
    )


def refused(clerk: Any, path: Path, words: str) -> None:
    before = (Document.objects.count(), Register.objects.count())
    with pytest.raises(ValidationError) as caught:
        run(clerk, path)
    assert words in " ".join(caught.value.messages)
    assert (Document.objects.count(), Register.objects.count()) == before


def report(result: ImportResult) -> list[list[str]]:
    assert result.report_path is not None
    with result.report_path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


def test_empty_sheet_is_refused(clerk: Any, tmp_path: Path) -> None:
    path = tmp_path / "trong.xlsx"
    openpyxl.Workbook().save(path)
    refused(clerk, path, "Trang tính trống")


def test_sheet_without_a_header_is_refused(clerk: Any, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", [["a", "b"]], header=["Cột 1", "Cột 2"], title=None)
    refused(clerk, path, "Không tìm thấy dòng tiêu đề")


def test_header_only_imports_nothing(clerk: Any, tmp_path: Path) -> None:
    result = run(clerk, write_xlsx(tmp_path / "x.xlsx", []))
    assert (result.total, result.taken) == (0, 0)


def test_file_that_is_not_a_spreadsheet_is_refused(clerk: Any, tmp_path: Path) -> None:
    pdf = tmp_path / "so.xlsx"
    pdf.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 10)
    refused(clerk, pdf, "không phải bảng tính")
    zipped = tmp_path / "tai-lieu.xlsx"
    import zipfile

    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    refused(clerk, zipped, "không phải bảng tính Excel")
    binary = tmp_path / "so.csv"
    binary.write_bytes(b"a,b\x00\x01\x02")
    refused(clerk, binary, "không phải bảng tính")
    refused(clerk, tmp_path / "khong-co.xlsx", "Không tìm thấy tệp")


def test_damaged_xls_is_refused(clerk: Any, tmp_path: Path) -> None:
    path = tmp_path / "so.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    refused(clerk, path, "không phải bảng tính Excel đọc được (.xls)")


def test_file_above_the_limit_is_refused_without_reading_it(
    clerk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lon.csv"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB that take no disk
    refused(clerk, path, "vượt giới hạn 100 MB")
    monkeypatch.setenv("VANTHU_IMPORT_MAX_MB", "1")
    small = write_csv(tmp_path / "nho.csv", incoming_rows(1) * 20000)
    refused(clerk, small, "vượt giới hạn 1 MB")


def test_merged_cells_give_their_value_to_every_row_they_cover(clerk: Any, tmp_path: Path) -> None:
    rows = incoming_rows(3)
    rows[1][1] = rows[2][1] = None  # the arrival date merged over rows 3–5
    rows[0][1] = "02/03/2019"
    for row in rows:
        row[4] = "01/03/2019"
    path = write_xlsx(tmp_path / "gop.xlsx", rows, merges=["B3:B5"])
    result = run(clerk, path)
    assert result.taken == 3, report(result)
    dates = {d.received_at.date() for d in Document.objects.all() if d.received_at}
    assert len(dates) == 1


def test_formulas_use_their_cached_value(clerk: Any, tmp_path: Path) -> None:
    rows = incoming_rows(2)
    rows[1][0] = 777
    path = write_xlsx(tmp_path / "congthuc.xlsx", rows)
    add_formula(path, "777", "A3+776")
    result = run(clerk, path)
    assert result.taken == 2, report(result)
    assert Document.objects.filter(number=777).exists()


def test_hidden_rows_are_imported_and_said_so(clerk: Any, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "an.xlsx", incoming_rows(3), hidden=[4])
    result = run(clerk, path)
    assert result.taken == 3
    lines = report(result)
    assert "Dòng ẩn" in lines[1][2]
    assert "Dòng ẩn" not in lines[0][2]


def test_dates_as_text_and_serials_numbers_as_text(clerk: Any, tmp_path: Path) -> None:
    rows = incoming_rows(3)
    rows[0][0], rows[0][1] = "0012", 43529  # number as text, date as an Excel serial
    rows[1][0], rows[1][1] = "13", "ngày 6 tháng 3 năm 2019"
    rows[2][0], rows[2][1] = "mười bốn", "07/03/2019"
    result = run(clerk, write_xlsx(tmp_path / "so.xlsx", rows))
    assert (result.taken, result.refused) == (2, 1)
    assert sorted(Document.objects.values_list("number", flat=True)) == [12, 13]
    assert "không phải là số" in report(result)[2][2]


def test_mixed_tcvn3_and_unicode_in_one_file(clerk: Any, tmp_path: Path) -> None:
    rows = incoming_rows(4)
    summaries = ["Về việc tổ chức đại hội", "Về công tác kiểm tra", "Về thi đua", "Về tài chính"]
    for i, row in enumerate(rows):
        row[2] = "Ban Tổ chức Tỉnh ủy"
        row[5] = summaries[i]
        if i % 2:
            row[2] = encode_legacy(row[2], "tcvn3")
            row[5] = encode_legacy(row[5], "vni") if i == 3 else encode_legacy(row[5], "tcvn3")
    result = run(clerk, write_xlsx(tmp_path / "tron.xlsx", rows))
    assert result.taken == 4
    assert result.encodings.get("tcvn3") and result.encodings.get("vni")
    assert set(Document.objects.values_list("sender", flat=True)) == {"Ban Tổ chức Tỉnh ủy"}
    assert sorted(Document.objects.values_list("summary", flat=True)) == sorted(summaries)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258", "tcvn3"])
def test_csv_in_each_encoding(clerk: Any, tmp_path: Path, encoding: str) -> None:
    rows = incoming_rows(2)
    path = tmp_path / "so.csv"
    write_csv(path, rows, encoding="utf-8", delimiter=";")
    text = path.read_text(encoding="utf-8")
    if encoding == "cp1258":
        path.write_bytes(as_cp1258(text))
    elif encoding == "tcvn3":
        path.write_bytes(encode_legacy(text, "tcvn3").encode("latin-1"))
    else:
        path.write_text(text, encoding=encoding)
    result = run(clerk, path)
    assert result.taken == 2, report(result)
    assert set(Document.objects.values_list("sender", flat=True)) == {"Ban Tổ chức Trung ương"}
    assert Document.objects.filter(summary__startswith="Công văn về công tác cán bộ").count() == 2


def test_future_and_inverted_dates_are_refused(clerk: Any, tmp_path: Path) -> None:
    rows = incoming_rows(2)
    rows[0][1] = "01/01/2099"
    rows[1][1], rows[1][4] = "01/03/2019", "05/03/2019"
    result = run(clerk, write_xlsx(tmp_path / "so.xlsx", rows))
    assert result.refused == 2
    lines = report(result)
    assert "tương lai" in lines[0][2] and "trước ngày của văn bản" in lines[1][2]


def test_classified_rows_are_refused(clerk: Any, tmp_path: Path) -> None:
    rows = [[*r, m] for r, m in zip(incoming_rows(2), ["Mật", "Thường"], strict=True)]
    path = write_xlsx(tmp_path / "so.xlsx", rows, header=[*INCOMING_HEADER, "Độ mật"])
    result = run(clerk, path)
    assert (result.taken, result.refused) == (1, 1)
    assert "Văn bản mật" in report(result)[0][2]
