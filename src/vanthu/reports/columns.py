"""The official columns of the printed registers and how each is filled from a document.

NĐ 30/2020 Phụ lục IV: mục VI (sổ đăng ký văn bản đến) and mục I (sổ đăng ký văn bản đi),
ten columns each, in this order (domain.md §1.2, §1.3). Shared by the PDF and the Excel file
so that both always print the same thing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from vanthu.core.enums import Secrecy, Urgency
from vanthu.registry.models import Assignment, Direction, Document


@dataclass(frozen=True)
class Column:
    heading: str
    # Width on the A4-landscape page in millimetres (the Excel width follows from it).
    width_mm: float
    # "date" cells are real dates in Excel; "number" are right-aligned counts.
    kind: str = "text"


INCOMING_COLUMNS = (
    Column("Ngày đến", 22, "date"),
    Column("Số đến", 13, "number"),
    Column("Tác giả", 32),
    Column("Số, ký hiệu văn bản", 27),
    Column("Ngày tháng văn bản", 22, "date"),
    Column("Tên loại và trích yếu nội dung văn bản", 63),
    Column("Đơn vị hoặc người nhận", 31),
    Column("Ngày chuyển", 22, "date"),
    Column("Ký nhận", 17),
    Column("Ghi chú", 18),
)

OUTGOING_COLUMNS = (
    Column("Số, ký hiệu văn bản", 27),
    Column("Ngày tháng văn bản", 22, "date"),
    Column("Tên loại và trích yếu nội dung văn bản", 63),
    Column("Người ký", 26),
    Column("Nơi nhận văn bản", 36),
    Column("Đơn vị, người nhận bản lưu", 26),
    Column("Số lượng bản", 15, "number"),
    Column("Ngày chuyển", 22, "date"),
    Column("Ký nhận", 14),
    Column("Ghi chú", 16),
)

TITLES: dict[str, str] = {
    Direction.INCOMING.value: "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
    Direction.OUTGOING.value: "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
}


def columns_for(direction: str) -> tuple[Column, ...]:
    return INCOMING_COLUMNS if direction == Direction.INCOMING else OUTGOING_COLUMNS


def title_for(direction: str, classified: bool) -> str:
    title = TITLES.get(direction, "SỔ ĐĂNG KÝ VĂN BẢN")
    # Luật BVBMNN: classified documents are kept in their own register, marked as such.
    return f"{title} MẬT" if classified else title


def _type_and_summary(document: Document) -> str:
    return f"{document.document_type.name}: {document.summary}".strip().rstrip(":")


def _notes(document: Document) -> str:
    # The secrecy and urgency marks belong on the entry (NĐ 30 Phụ lục I §III.2).
    marks = []
    if document.secrecy != Secrecy.NONE:
        marks.append(str(Secrecy(document.secrecy).label))
    if document.urgency != Urgency.NORMAL:
        marks.append(str(Urgency(document.urgency).label))
    first_line = document.notes.strip().splitlines()[0] if document.notes.strip() else ""
    return "; ".join([*marks, *([first_line] if first_line else [])])


def _person(user: Any) -> str:
    return (user.full_name or user.username) if user is not None else ""


def _handed_over(assignments: list[Assignment]) -> datetime.date | None:
    # Ngày chuyển: the day the leader's direction handed the document to the lead unit.
    leads = [a for a in assignments if a.role == Assignment.Role.LEAD]
    first = min((a.assigned_at for a in leads), default=None)
    return timezone.localtime(first).date() if first else None


def incoming_row(document: Document) -> list[Any]:
    assignments = list(document.assignments.all())
    receivers = [
        f"{_person(a.user)} ({a.get_role_display().lower()})"
        for a in assignments
        if a.role != Assignment.Role.INFORM
    ]
    received = timezone.localtime(document.received_at).date() if document.received_at else None
    return [
        received,
        document.number,
        document.sender,
        document.number_symbol,
        document.issued_date,
        _type_and_summary(document),
        "; ".join(receivers),
        _handed_over(assignments),
        "",
        _notes(document),
    ]


def outgoing_row(document: Document) -> list[Any]:
    recipients = [r.name for r in document.recipients.all()]
    return [
        document.number_symbol,
        document.issued_date,
        _type_and_summary(document),
        document.signer,
        "; ".join(recipients),
        # The drafter's unit keeps the file copy (NĐ 30 Điều 19: bản chính in hồ sơ công việc).
        _person(document.created_by),
        len(recipients) or None,
        None,
        "",
        _notes(document),
    ]


def row_for(document: Document) -> list[Any]:
    if document.direction == Direction.INCOMING:
        return incoming_row(document)
    return outgoing_row(document)


def as_text(value: Any) -> str:
    """How a cell reads on paper: dates dd/mm/yyyy, nothing for empty."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)
