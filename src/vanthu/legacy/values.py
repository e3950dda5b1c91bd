"""Cell values of old registers: text in any encoding, dates in any usual form, numbers.

Everything here is pure (no database), so it is tested without one.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from functools import lru_cache
from typing import Any

from vanthu.core.text import canonical, decode_legacy, detect_legacy_encoding, fold

# Excel's 1900 date system counts from 30/12/1899 (the phantom 29/02/1900 included).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serials of 01/01/1950 .. 31/12/2099: anything else in a date column is not a date.
SERIAL_RANGE = (18264, 73415)
# After this many cells of a column agree on a legacy encoding, the column's other
# Latin-1-only cells are decoded with it without guessing again (guessing costs ~0.3 ms).
COLUMN_SETTLES_AFTER = 20


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@lru_cache(maxsize=65536)
def _decode(text: str, encoding: str | None) -> str:
    if encoding is None:
        encoding = detect_legacy_encoding(text)
    decoded = decode_legacy(text, encoding) if encoding != "unicode" else text
    return " ".join(canonical(decoded).split())


def clean_text(value: Any) -> str:
    """Unicode NFC canonical text of one cell, TCVN3/VNI detected in the cell itself."""
    text = _plain(value)
    if text.isascii():
        return " ".join(text.split())
    return _decode(text, "unicode" if max(map(ord, text)) > 0xFF else None)


class ColumnDecoder:
    """Decodes one column's cells, learning the column's legacy encoding as it goes.

    A cell with any character above U+00FF is Unicode already (TCVN3 and VNI text read through
    Windows-1252 never has one); others are guessed per cell until the column has settled, so a
    file where later rows were typed in Unicode (mixed encodings) still decodes row by row.
    """

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        self.settled: str | None = None

    def __call__(self, value: Any) -> tuple[str, str]:
        """(text, encoding found: "ascii", "unicode", "tcvn3" or "vni")."""
        text = _plain(value)
        if text.isascii():
            return " ".join(text.split()), "ascii"
        if max(map(ord, text)) > 0xFF:
            return _decode(text, "unicode"), "unicode"
        if self.settled is not None:
            return _decode(text, self.settled), self.settled
        encoding = detect_legacy_encoding(text)
        self.seen[encoding] += 1
        settles = self.seen[encoding] >= COLUMN_SETTLES_AFTER and len(self.seen) == 1
        if encoding != "unicode" and settles:
            self.settled = encoding
        return _decode(text, encoding), encoding


_DMY = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_WORDS = re.compile(r"(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4}|\d{2})(?!\d)")


class DateError(ValueError):
    pass


def _year(text: str, today: datetime.date) -> int:
    year = int(text)
    if len(text) == 2:
        # d/m/yy: a two-digit year is in this century unless that would be in the future.
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def _make(year: int, month: int, day: int, raw: str) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise DateError(f"Ngày “{raw}” không có thật.") from exc


def parse_date(value: Any, *, today: datetime.date | None = None) -> datetime.date | None:
    """A date from a cell: a real date, an Excel serial, or Vietnamese text.

    Text forms: dd/mm/yyyy, d/m/yy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd and
    "ngày 5 tháng 3 năm 2019" (with or without diacritics). Day first, as Vietnamese
    registers always write it. None for an empty cell; :class:`DateError` otherwise.
    """
    today = today or datetime.date.today()
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise DateError(f"Số “{_plain(value)}” không phải là ngày.")
    raw = clean_text(value)
    text = fold(raw).strip().rstrip(".")
    if re.fullmatch(r"\d{5}", text) and SERIAL_RANGE[0] <= int(text) <= SERIAL_RANGE[1]:
        return EXCEL_EPOCH + datetime.timedelta(days=int(text))
    if match := _DMY.match(text):
        day, month, year = match.groups()
        return _make(_year(year, today), int(month), int(day), raw)
    if match := _ISO.match(text):
        year, month, day = match.groups()
        return _make(int(year), int(month), int(day), raw)
    if match := _WORDS.search(text):
        day, month, year = match.groups()
        return _make(_year(year, today), int(month), int(day), raw)
    raise DateError(f"Không đọc được ngày “{raw}”.")


def parse_int(value: Any) -> int | None:
    """A whole number from a number cell or text ("012", "12.", "Số 12")."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError
    match = re.fullmatch(r"(?:s[oố]\s*)?0*(\d{1,9})\.?", clean_text(value).lower())
    if match is None:
        raise ValueError
    return int(match.group(1))


# 15-NQ/TU, 05-CV/BTCTW (Party, 36-HD/VPTW); 123/QĐ-UBND, 12/2019/NĐ-CP (state, NĐ 30 Phụ
# lục I); 123/UBND-VP (a state công văn: issuer and unit, no type).
_PARTY = re.compile(r"^(\d{1,9})\s*-\s*([^\W\d_]{1,6})\s*/\s*(\S.*)$")
_STATE = re.compile(r"^(\d{1,9})\s*/\s*(?:\d{4}\s*/\s*)?([^\W\d_]{1,6})\s*-\s*(\S.*)$")
_NUMBER_ONLY = re.compile(r"^(\d{1,9})\s*(?:[/\-]\s*(\S.*))?$")


def parse_symbol(text: str) -> tuple[int | None, str, str, str]:
    """(number, type abbreviation, issuer symbol, style "party"/"state"/"") of a số, ký hiệu."""
    text = text.strip()
    if match := _PARTY.match(text):
        return int(match.group(1)), match.group(2), match.group(3).strip(), "party"
    if match := _STATE.match(text):
        return int(match.group(1)), match.group(2), match.group(3).strip(), "state"
    if match := _NUMBER_ONLY.match(text):
        return int(match.group(1)), "", (match.group(2) or "").strip(), ""
    return None, "", "", ""


def is_classified(text: str) -> bool:
    """A "Độ mật" cell that says Mật, Tối mật or Tuyệt mật (not blank, "Thường", "Không")."""
    folded = fold(text)
    return "mat" in folded.split()
