"""Cell values of old registers: dates, numbers, số ký hiệu, legacy encodings, headers."""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vanthu.core.text import encode_legacy, fold
from vanthu.legacy import rows
from vanthu.legacy.columns import auto_mapping, find_header, fold_header, is_column_numbers
from vanthu.legacy.reading import sniff_encoding
from vanthu.legacy.values import (
    ColumnDecoder,
    DateError,
    clean_text,
    parse_date,
    parse_int,
    parse_symbol,
)

TODAY = datetime.date(2026, 1, 15)
TONES = "\u0300\u0301\u0303\u0309\u0323"


def as_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters composed, tones combining."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tone = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append((base + tone).encode("cp1258"))
    return b"".join(out)


D = datetime.date


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("05/03/2019", D(2019, 3, 5)),
        ("5/3/19", D(2019, 3, 5)),
        ("5/3/98", D(1998, 3, 5)),
        ("05-03-2019", D(2019, 3, 5)),
        ("05.03.2019", D(2019, 3, 5)),
        ("2019-03-05", D(2019, 3, 5)),
        ("ngày 5 tháng 3 năm 2019", D(2019, 3, 5)),
        ("Hà Nội, ngày 05 tháng 03 năm 2019", D(2019, 3, 5)),
        ("ngay 5 thang 3 nam 2019", D(2019, 3, 5)),
        (encode_legacy("ngày 5 tháng 3 năm 2019", "tcvn3"), D(2019, 3, 5)),
        (43529, D(2019, 3, 5)),
        (43529.0, D(2019, 3, 5)),
        ("43529", D(2019, 3, 5)),
        (datetime.datetime(2019, 3, 5, 8, 30), D(2019, 3, 5)),
        (D(2019, 3, 5), D(2019, 3, 5)),
        (None, None),
        ("", None),
    ],
)
def test_dates_in_the_usual_vietnamese_forms(cell: object, expected: D | None) -> None:
    assert parse_date(cell, today=TODAY) == expected


@pytest.mark.parametrize("cell", ["31/02/2019", "hôm qua", "12", 7, "13/13/2019", True])
def test_impossible_dates_are_refused_with_the_cell_quoted(cell: object) -> None:
    with pytest.raises(DateError):
        parse_date(cell, today=TODAY)


def test_numbers_as_text_and_as_numbers() -> None:
    assert [parse_int(v) for v in (12, 12.0, "12", "012", " 12 ", "Số 12", None)] == [
        12, 12, 12, 12, 12, 12, None,
    ]  # fmt: skip
    for bad in ("12a", "1.5", 1.5, "mười"):
        with pytest.raises(ValueError):
            parse_int(bad)


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        ("15-NQ/TU", (15, "NQ", "TU", "party")),
        ("05 - CV/BTCTW", (5, "CV", "BTCTW", "party")),
        ("123/QĐ-UBND", (123, "QĐ", "UBND", "state")),
        ("12/2019/NĐ-CP", (12, "NĐ", "CP", "state")),
        ("123/UBND-VP", (123, "UBND", "VP", "state")),
        ("45", (45, "", "", "")),
        ("không số", (None, "", "", "")),
    ],
)
def test_number_and_symbol_are_parsed(symbol: str, expected: tuple[object, ...]) -> None:
    assert parse_symbol(symbol) == expected


def test_tcvn3_and_vni_cells_become_canonical_unicode() -> None:
    text = "Về việc tổ chức Đại hội Đảng bộ nhiệm kỳ 2020-2025, hoà giải"
    assert clean_text(encode_legacy(text, "tcvn3")) == clean_text(text)
    assert clean_text(encode_legacy(text, "vni")) == clean_text(text)
    assert "hòa" in clean_text(text)  # canonical tone placement
    assert clean_text("  Hà   Nội ") == "Hà Nội"


def test_a_column_mixing_tcvn3_and_unicode_decodes_each_cell() -> None:
    decode = ColumnDecoder()
    words = ["Ban Tổ chức Tỉnh ủy", "Sở Tư pháp tỉnh", "Văn phòng Tỉnh ủy"]
    for i in range(60):
        word = words[i % 3]
        cell = encode_legacy(word, "tcvn3") if i % 2 else word
        assert decode(cell)[0] == clean_text(word)
    assert decode("Sở Nội vụ") == ("Sở Nội vụ", "unicode")


def test_headers_are_found_with_or_without_diacritics() -> None:
    rows = [
        ["SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"],
        [],
        ["So den", "Ngay den", "Tac gia", "So, ky hieu", "Ngay thang", "Trich yeu", "Ghi chu"],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
    ]
    at = find_header(rows, "incoming")
    assert at == 2
    mapping = auto_mapping([fold_header(v) for v in rows[2]], "incoming")
    assert mapping == {
        "arrival_number": 0, "received_date": 1, "sender": 2, "number_symbol": 3,
        "issued_date": 4, "summary": 5, "notes": 6,
    }  # fmt: skip
    assert is_column_numbers(rows[3])
    tcvn3 = [encode_legacy(h, "tcvn3") for h in ("Số đến", "Tên loại và trích yếu nội dung")]
    assert auto_mapping([fold_header(v) for v in tcvn3], "incoming") == {
        "arrival_number": 0, "summary": 1,
    }  # fmt: skip
    assert find_header([["Hello", "world"]], "incoming") is None


def test_csv_encodings_are_sniffed() -> None:
    text = "Số đến,Trích yếu\n1,Về việc tổ chức đại hội đảng bộ\n"
    assert sniff_encoding(text.encode("utf-8")) == "utf-8"
    assert sniff_encoding(b"\xef\xbb\xbf" + text.encode("utf-8")) == "utf-8-sig"
    assert sniff_encoding(as_cp1258(text)) == "cp1258"
    assert sniff_encoding(encode_legacy(text, "tcvn3").encode("latin-1")) == "latin-1"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30))
def test_symbols_fold_alike_by_the_ascii_shortcut(symbol: str) -> None:
    assert rows._fold_symbol(symbol) == fold(symbol)
    assert rows._fold_symbol(symbol + "Đ") == fold(symbol + "Đ")
