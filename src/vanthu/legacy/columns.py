"""Which column holds which register field: found from the Vietnamese header names.

Old registers follow the forms of NĐ 30/2020 Phụ lục IV (sổ đăng ký văn bản đến / đi) and
36-HD/VPTW, typed by hand, with or without diacritics, sometimes in TCVN3 or VNI. Headers are
compared folded (no diacritics, đ -> d, lower case, punctuation removed).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vanthu.core.text import fold
from vanthu.legacy.values import clean_text
from vanthu.registry.models import Direction

# Field -> header names, folded. Longer names win over shorter prefixes ("ten loai va trich
# yeu" is the summary, "ten loai" alone the type).
INCOMING_FIELDS: dict[str, tuple[str, ...]] = {
    "arrival_number": ("so den",),
    "received_date": ("ngay den", "ngay nhan"),
    "sender": (
        "tac gia",
        "co quan ban hanh",
        "noi gui",
        "co quan gui",
        "noi ban hanh",
        "don vi gui",
        "co quan to chuc ban hanh",
    ),
    "number_symbol": ("so ky hieu", "so va ky hieu", "so ky hieu van ban", "ky hieu"),
    "issued_date": ("ngay thang van ban", "ngay thang", "ngay van ban", "ngay ban hanh"),
    "summary": ("trich yeu", "ten loai va trich yeu", "trich yeu noi dung", "noi dung"),
    "document_type": ("ten loai", "loai van ban", "the loai"),
    "recipient": (
        "nguoi nhan",
        "don vi nhan",
        "don vi hoac nguoi nhan",
        "nguoi hoac don vi nhan",
        "don vi nguoi nhan",
    ),
    "signer": ("nguoi ky",),
    "page_count": ("so to", "so trang"),
    "secrecy": ("do mat",),
    "notes": ("ghi chu",),
}
OUTGOING_FIELDS: dict[str, tuple[str, ...]] = {
    "number_symbol": ("so ky hieu", "so va ky hieu", "so ky hieu van ban", "ky hieu", "so"),
    "issued_date": ("ngay", "ngay thang", "ngay thang van ban", "ngay van ban", "ngay ban hanh"),
    "summary": ("trich yeu", "ten loai va trich yeu", "trich yeu noi dung", "noi dung"),
    "document_type": ("ten loai", "loai van ban", "the loai"),
    "signer": ("nguoi ky",),
    "recipients": ("noi nhan",),
    "copies": ("so luong ban", "so ban"),
    "page_count": ("so to", "so trang"),
    "secrecy": ("do mat",),
    "notes": ("ghi chu",),
}
# Vietnamese names of the fields, for messages and the report.
FIELD_LABELS = {
    "arrival_number": "Số đến",
    "received_date": "Ngày đến",
    "sender": "Cơ quan ban hành",
    "number_symbol": "Số, ký hiệu",
    "issued_date": "Ngày văn bản",
    "summary": "Trích yếu",
    "document_type": "Tên loại",
    "recipient": "Đơn vị, người nhận",
    "recipients": "Nơi nhận",
    "signer": "Người ký",
    "copies": "Số lượng bản",
    "page_count": "Số tờ",
    "secrecy": "Độ mật",
    "notes": "Ghi chú",
}
HEADER_SCAN_ROWS = 20
_PUNCT = re.compile(r"[^0-9a-z]+")
_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")


def fields_for(direction: str) -> dict[str, tuple[str, ...]]:
    return INCOMING_FIELDS if direction == Direction.INCOMING else OUTGOING_FIELDS


def fold_header(value: Any) -> str:
    text = clean_text(value)
    return _PUNCT.sub(" ", fold(text)).strip()


def match_header(header: str, direction: str) -> str | None:
    """The field a folded header names: an exact name first, then the longest prefix."""
    if not header:
        return None
    fields = fields_for(direction)
    for field, names in fields.items():
        if header in names:
            return field
    best: tuple[int, str] | None = None
    for field, names in fields.items():
        for name in names:
            longer = best is None or len(name) > best[0]
            if len(name) > 2 and header.startswith(name + " ") and longer:
                best = (len(name), field)
    return best[1] if best else None


def auto_mapping(headers: Sequence[str], direction: str) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        field = match_header(header, direction)
        if field is not None and field not in mapping:
            mapping[field] = index
    return mapping


def find_header(rows: Sequence[Sequence[Any]], direction: str) -> int | None:
    """Index (in ``rows``) of the row naming the most fields; None if no row names two."""
    best: tuple[int, int] | None = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = len(auto_mapping([fold_header(v) for v in row], direction))
        if found >= 2 and (best is None or found > best[0]):
            best = (found, index)
    return best[1] if best else None


def is_column_numbers(row: Sequence[Any]) -> bool:
    """The "(1) (2) (3) …" line printed under a register's header."""
    cells = [str(v).strip() for v in row if v is not None and str(v).strip()]
    return bool(cells) and all(_COLUMN_NUMBERS.match(c) for c in cells)


def fingerprint(headers: Sequence[str]) -> str:
    return hashlib.sha256(json.dumps(list(headers)).encode()).hexdigest()


def _column_index(ref: Any, headers: Sequence[str]) -> int | None:
    if isinstance(ref, int) and not isinstance(ref, bool):
        return ref - 1 if ref >= 1 else None
    text = str(ref).strip()
    folded = fold_header(text)
    if folded in headers:
        return headers.index(folded)
    if text.isdigit():
        return int(text) - 1 if int(text) >= 1 else None
    if re.fullmatch(r"[A-Za-z]{1,3}", text):
        index = 0
        for char in text.upper():
            index = index * 26 + (ord(char) - 64)
        return index - 1
    return None


def parse_mapping(
    raw: str | dict[str, Any], headers: Sequence[str], direction: str
) -> dict[str, int]:
    """``{"summary": "Trích yếu nội dung", "arrival_number": "A", "notes": 9}`` -> indexes.

    A column is named by its header text, its letter or its 1-based number; ``null`` drops a
    field the automatic mapping had found.
    """
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError({"mapping": [_("Ánh xạ cột không phải JSON hợp lệ.")]}) from exc
    if not isinstance(raw, dict):
        raise ValidationError({"mapping": [_("Ánh xạ cột phải là một đối tượng JSON.")]})
    known = fields_for(direction)
    out: dict[str, int] = {}
    errors: list[str] = []
    for field, ref in raw.items():
        if field not in known:
            errors.append(_("Không có trường “%s” trong sổ này.") % field)
            continue
        if ref is None:
            out[field] = -1
            continue
        index = _column_index(ref, headers)
        if index is None or index >= max(len(headers), 1):
            errors.append(
                _("Không tìm thấy cột “%(ref)s” cho “%(field)s”.")
                % {"ref": ref, "field": FIELD_LABELS[field]}
            )
            continue
        out[field] = index
    if errors:
        raise ValidationError({"mapping": errors})
    return out
