"""Register fields suggested from a first page's text (issue 4 §4); the clerk confirms.

Layouts: NĐ 30/2020 Phụ lục I (state: issuer top left, "Số: 123/QĐ-UBND", Quốc hiệu top right,
"Hà Nội, ngày 24 tháng 3 năm 2018", type title, trích yếu) and HD 36/VPTW (Party: "ĐẢNG CỘNG
SẢN VIỆT NAM" top right, "Số 15-NQ/TU" without colon). Matching runs on ``fold``-ed text
(no diacritics, đ→d) so OCR that drops or confuses tone marks still matches.

Every field comes back as ``{"value": ..., "confidence": 0.0–1.0}``; value None when not found.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Iterable
from typing import Any, Final

from vanthu.core.text import fold, nfc

FIELDS: Final = (
    "number_symbol",
    "number",
    "date",
    "place",
    "document_type",
    "issuer",
    "summary",
    "secrecy",
    "urgency",
)
HEADER_LINES: Final = 25

_NUMBER_LINE: Final = re.compile(r"(?:^|\s)\W{0,3}s[o06]\s*(?P<colon>[:;.]?)\s*(?P<rest>\d.*)$")
_SYMBOL: Final = re.compile(r"\d{1,5}[^\s,;]*")
_PARTY_SYMBOL: Final = re.compile(r"^(\d{1,5})-([A-ZĐ][A-Za-zĐđ]*)/([A-ZĐ][A-ZĐ0-9-]*)$")
_STATE_SYMBOL: Final = re.compile(
    r"^(\d{1,5})/(?:\d{4}/)?([A-ZĐ][A-Za-zĐđ0-9]*)(?:-([A-ZĐ0-9][A-ZĐ0-9-]*))?$"
)
_BARE_SYMBOL: Final = re.compile(r"\b(\d{1,5})\s*/\s*\d{4}\s*/\s*[A-ZĐ]{1,6}-[A-ZĐ]{1,10}\b")
_DIGIT: Final = "0-9oOlIi|"
_DATE: Final = re.compile(
    rf"ng[a-z]{{0,2}}y?\s*([{_DIGIT}]{{1,2}})\s*th[a-z]{{2,4}}\s*([{_DIGIT}]{{1,2}})\s*"
    rf"n[a-z]{{1,2}}m?\s*([{_DIGIT}]{{4}})"
)
_DIGIT_FIX: Final = str.maketrans({"o": "0", "O": "0", "l": "1", "I": "1", "i": "1", "|": "1"})
_NOT_ISSUER: Final = (
    "cong hoa xa hoi",
    "doc lap",
    "dang cong san viet nam",
    "s0",
)
_MOTTO_IN_LINE: Final = re.compile(
    r"\s*(\S*ng h[o0]a x[a-z] h[o0]i.*|d[o0]c l[a-z]p\s*-.*|\S*ang cong san viet nam.*"
    r"|\s\W{0,3}s[o06]\s*[:;.]?\s*\d.*)$"
)
# A line that starts a new organ under the one above (the one above is then the superior body).
_ORGAN_START: Final = (
    "van phong",
    "cuc ",
    "vu ",
    "so ",
    "phong ",
    "ban ",
    "tinh uy",
    "thanh uy",
    "huyen uy",
    "quan uy",
    "thi uy",
    "dang uy",
    "chi bo",
    "uy ban",
    "truong ",
    "trung tam",
    "hoi dong",
    "tong cuc",
    "vien ",
)
_SUMMARY_STOP: Final = (
    "can cu",
    "kinh gui",
    "thuc hien",
    "theo de nghi",
    "xet de nghi",
    "chuong ",
    "dieu ",
    "phan ",
    "i-",
    "i.",
    "1.",
    "noi nhan",
)
SECRECY_MARKS: Final = (("tuyet mat", "top_secret"), ("toi mat", "secret"), ("mat", "confidential"))
URGENCY_MARKS: Final = (
    ("hoa toc", "flash"),
    ("thuong khan", "very_urgent"),
    ("khan", "urgent"),
)


def default_document_types() -> list[tuple[str, str]]:
    """(code, name) of the starting document types (orgs migration 0002), for use without a DB."""
    module = importlib.import_module("vanthu.orgs.migrations.0002_document_types")
    return [(code, name) for code, name, _abbr, _family in module.TYPES]


def _field(value: Any = None, confidence: float = 0.0) -> dict[str, Any]:
    return {"value": value, "confidence": round(confidence, 2) if value is not None else 0.0}


def suggest_fields(
    text: str, *, document_types: Iterable[tuple[str, str]] | None = None
) -> dict[str, dict[str, Any]]:
    """Suggested register fields from the text of a document's first page."""
    types = list(document_types) if document_types is not None else default_document_types()
    lines = [ln.strip() for ln in nfc(text).split("\n")]
    lines = [ln for ln in lines if ln][:60]
    folded = [fold(ln) for ln in lines]
    result = {name: _field() for name in FIELDS}

    number_at = _number_symbol(lines, folded, result)
    date_at = _date(lines, folded, result)
    type_at = _document_type(lines, folded, types, result)
    _issuer(lines, folded, number_at, date_at, type_at, result)
    _summary(lines, folded, type_at, number_at, result)
    _marks(lines, folded, result)
    return result


def _number_symbol(lines: list[str], folded: list[str], result: dict[str, Any]) -> int | None:
    for i, fl in enumerate(folded[:HEADER_LINES]):
        match = _NUMBER_LINE.search(fl)
        if not match:
            continue
        prefix = [ch for ch in lines[i][: match.start()] if ch.isalpha()]
        uppercase = sum(ch.isupper() for ch in prefix) >= 0.8 * len(prefix)
        if prefix and not uppercase and not match.group("colon"):
            continue  # "… Luật số 101/2015/QH13" in a sentence cites another document
        start = len(fl) - len(match.group("rest"))
        raw = lines[i][start:] if len(lines[i]) == len(fl) else match.group("rest").upper()
        raw = re.sub(r"\s*([/-])\s*", r"\1", raw)
        symbol_match = _SYMBOL.match(raw)
        if not symbol_match:
            continue
        symbol = symbol_match.group(0).rstrip(".:")
        confident = bool(_PARTY_SYMBOL.match(symbol) or _STATE_SYMBOL.match(symbol))
        if "/" not in symbol and not confident:
            continue
        result["number_symbol"] = _field(symbol, 0.9 if confident else 0.5)
        number = re.match(r"\d+", symbol)
        if number:
            result["number"] = _field(int(number.group(0)), 0.9 if confident else 0.5)
        return i
    for i, fl in enumerate(folded[:HEADER_LINES]):
        if fl.startswith(_SUMMARY_STOP):
            break
        # "Số:" lost to a stamp or handwriting: a full state symbol with its year still shows.
        match = _BARE_SYMBOL.search(lines[i])
        if match:
            symbol = re.sub(r"\s+", "", match.group(0))
            result["number_symbol"] = _field(symbol, 0.4)
            result["number"] = _field(int(match.group(1)), 0.3)
            return i
    return None


def _date(lines: list[str], folded: list[str], result: dict[str, Any]) -> int | None:
    for i, fl in enumerate(folded[:HEADER_LINES]):
        if fl.startswith("can cu"):
            break  # "Căn cứ Luật … ngày 12 tháng 6 năm 2015" dates another document
        match = _DATE.search(fl)
        if not match:
            continue
        day, month, year = (int(g.translate(_DIGIT_FIX)) for g in match.groups())
        try:
            value = dt.date(year, month, day)
        except ValueError:
            continue
        clean = all(g.isdigit() for g in match.groups())
        result["date"] = _field(value.isoformat(), 0.9 if clean else 0.6)
        place = lines[i][: match.start()].strip(" ,.;:") if len(lines[i]) == len(fl) else ""
        # OCR may glue the number column onto the place: keep the trailing Title-Case words.
        words = place.split()
        kept: list[str] = []
        for word in reversed(words[-4:]):
            if not (word[:1].isupper() and (word[1:].islower() or len(word) == 1)):
                break
            kept.insert(0, word)
        place = " ".join(kept) if kept else place
        if place and len(place) <= 40:
            result["place"] = _field(place, 0.7)
        return i
    return None


def _document_type(
    lines: list[str],
    folded: list[str],
    types: list[tuple[str, str]],
    result: dict[str, Any],
) -> int | None:
    names = sorted(((fold(name), code) for code, name in types), key=lambda t: -len(t[0]))
    names = [(re.sub(r"\s*\(.*\)$", "", n), c) for n, c in names]
    for i, fl in enumerate(folded[: HEADER_LINES + 5]):
        line = lines[i]
        letters = [ch for ch in line if ch.isalpha()]
        if not letters or sum(ch.isupper() for ch in letters) < 0.8 * len(letters):
            continue
        for name, code in names:
            if fl == name or fl.replace(" ", "") == name.replace(" ", ""):
                result["document_type"] = _field(code, 0.9)
                return i
    for i, fl in enumerate(folded[: HEADER_LINES + 5]):
        # A stamp glued in front of the title on a real scan: "ĐẾN ®È:-- NGHỊ ĐỊNH".
        if fl.startswith(_SUMMARY_STOP):
            break
        for name, code in names:
            if len(name) > 6 and re.search(rf"(?:^|[^a-z]){re.escape(name)}$", fl):
                tail = lines[i][-len(name) :] if len(lines[i]) == len(fl) else ""
                if tail.isupper():
                    result["document_type"] = _field(code, 0.6)
                    return i
    for i, fl in enumerate(folded[:HEADER_LINES]):
        if fl.startswith(("v/v", "v/ v", "vv ")):
            result["document_type"] = _field("CV", 0.8)
            return i
    symbol = result["number_symbol"]["value"]
    if symbol:
        codes = {c for _n, c in names}
        party, state = _PARTY_SYMBOL.match(symbol), _STATE_SYMBOL.match(symbol)
        if party:
            abbr = party.group(2)
            # Party "TT" is Thông tri (domain.md §2.2); the state "TT" is Thông tư.
            abbr = "TTri" if abbr == "TT" else abbr
            if abbr in codes:
                result["document_type"] = _field(abbr, 0.6)
        elif state:
            abbr = state.group(2)
            if abbr in codes:
                result["document_type"] = _field(abbr, 0.6)
            else:
                # "05/BNV-VP": issuer-unit without a type is a công văn (NĐ 30 Phụ lục I).
                result["document_type"] = _field("CV", 0.5)
    return None


def _issuer(
    lines: list[str],
    folded: list[str],
    number_at: int | None,
    date_at: int | None,
    type_at: int | None,
    result: dict[str, Any],
) -> None:
    stops = [i for i in (number_at, type_at) if i is not None]
    end = min(stops) if stops else min(len(lines), 6)
    block: list[str] = []
    for i in range(end):
        fl = folded[i]
        if i == date_at or any(fl.startswith(p) for p in _NOT_ISSUER) or fl in ("*", "-", "---"):
            continue
        cut = _MOTTO_IN_LINE.search(fl)
        line = lines[i][: cut.start()] if cut and len(lines[i]) == len(fl) else lines[i]
        line = line.strip(" *-_")
        letters = [ch for ch in line if ch.isalpha()]
        if len(letters) < 2 or sum(ch.isupper() for ch in letters) < 0.7 * len(letters):
            continue
        block.append(line)
    if not block:
        return
    # The superior body printed above the issuer ("ĐẢNG BỘ TỈNH …" over "TỈNH ỦY", "BỘ NỘI VỤ"
    # over "VĂN PHÒNG BỘ") is not the issuer (NĐ 30 Phụ lục I §II.2; HD 36 thể thức).
    start = 0
    for j in range(1, len(block)):
        if fold(block[j]).startswith(_ORGAN_START):
            start = j
    issuer = " ".join(block[start:])
    result["issuer"] = _field(issuer, 0.7 if len(block) - start <= 2 else 0.5)


def _summary(
    lines: list[str],
    folded: list[str],
    type_at: int | None,
    number_at: int | None,
    result: dict[str, Any],
) -> None:
    if type_at is None:
        return
    is_cv = folded[type_at].startswith(("v/v", "v/ v", "vv "))
    first = type_at if is_cv else type_at + 1
    parts: list[str] = []
    for i in range(first, min(first + 4, len(lines))):
        fl = folded[i]
        if parts and (fl.startswith(_SUMMARY_STOP) or _is_mark(fl) or _DATE.search(fl)):
            break
        if not parts and (_is_mark(fl) or fl.startswith(_SUMMARY_STOP)):
            return
        if parts and lines[i].isupper():
            break  # the authority line ("ỦY BAN NHÂN DÂN TỈNH …") after the trích yếu
        parts.append(lines[i])
        if not is_cv and len(parts) >= 2 and not lines[i][0].islower():
            break
    if parts:
        result["summary"] = _field(" ".join(parts), 0.7 if len(parts) <= 2 else 0.5)


def _is_mark(folded_line: str) -> bool:
    marks = [m for m, _c in SECRECY_MARKS] + [m for m, _c in URGENCY_MARKS]
    return folded_line.strip(" .") in marks


def _marks(lines: list[str], folded: list[str], result: dict[str, Any]) -> None:
    # Stamps are short lines of their own (NĐ 30 Phụ lục I §III.2); "bí mật" in a sentence is not.
    for i, fl in enumerate(folded[: HEADER_LINES + 10]):
        words = fl.strip(" .|[]()").split()
        if not words or len(words) > 3:
            continue
        key = " ".join(words)
        exact = lines[i].isupper()
        if result["secrecy"]["value"] is None:
            for mark, code in SECRECY_MARKS:
                if key == mark and (exact or mark != "mat"):
                    result["secrecy"] = _field(code, 0.8 if exact else 0.5)
                    break
        if result["urgency"]["value"] is None:
            for mark, code in URGENCY_MARKS:
                if key == mark and lines[i].isupper():
                    result["urgency"] = _field(code, 0.8)
                    break
