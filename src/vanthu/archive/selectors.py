"""Reads of nộp lưu: the due list, transfers, their list (mục lục) and hand-over record."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from vanthu.access import policy
from vanthu.archive.models import Transfer, TransferItem
from vanthu.archive.services import MIN_YEARS_TO_TRANSFER, due_date
from vanthu.orgs.models import User
from vanthu.records.models import Dossier, RetentionCode
from vanthu.registry.models import DocumentFile


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29/02
        return day.replace(year=day.year - 1, day=28)


def transfer_due(
    user: User,
    *,
    organization: str | None = None,
    due_within: str | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Dossier]:
    """Closed dossiers that must be handed in and are not yet (NĐ 30 Điều 30–31).

    ``due_within=N``: only those due within N days (N=30 is the reminder list).
    """
    qs = _due(organization=organization, due_within=due_within, today=today)
    return policy.visible(user, qs).order_by("end_date", "code", "pk")


# The nộp lưu reminder (docs/notify.md): dossiers due within this many days.
REMINDER_DAYS = 30


def transfer_due_soon_by_organization(today: datetime.date) -> dict[int, set[int]]:
    """For the reminder job only (no user, nothing shown): the organisations with dossiers due
    within ``REMINDER_DAYS``, each with the people responsible for them (người lập). What a
    recipient is told is counted through the policy by ``transfer_due_count``."""
    rows = _due(due_within=str(REMINDER_DAYS), today=today).values_list(
        "organization_id", "responsible_id"
    )
    out: dict[int, set[int]] = {}
    for org_id, responsible_id in rows.order_by().distinct():
        people = out.setdefault(org_id, set())
        if responsible_id is not None:
            people.add(responsible_id)
    return out


def transfer_due_count(
    user: User,
    *,
    organization_id: int,
    today: datetime.date,
    responsible_only: bool = False,
) -> int:
    """How many dossiers of the organisation due within ``REMINDER_DAYS`` the user may see
    (``transfer_due``'s rule and the policy); ``responsible_only``: those the user is người lập
    of."""
    qs = transfer_due(
        user, organization=str(organization_id), due_within=str(REMINDER_DAYS), today=today
    )
    if responsible_only:
        qs = qs.filter(responsible=user)
    return qs.order_by().count()


def _due(
    *,
    organization: str | None = None,
    due_within: str | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Dossier]:
    """``transfer_due`` before the policy: the one place of the due rule."""
    # handed_in and held_back_until are kept by the archive services in the transaction that
    # changes a transfer or a giữ lại; a NOT EXISTS per closed dossier cost seconds at 100,000.
    qs = Dossier.objects.filter(status=Dossier.Status.CLOSED, handed_in=False).filter(
        Q(retention_code=RetentionCode.PERMANENT) | Q(retention_years__gte=MIN_YEARS_TO_TRANSFER)
    )
    # NĐ 30 Điều 31: a dossier kept back with the head's approval is not due until its date.
    qs = qs.filter(
        Q(held_back_until__isnull=True) | Q(held_back_until__lt=today or timezone.localdate())
    )
    if organization:
        qs = qs.filter(organization_id=int(organization)) if organization.isdigit() else qs.none()
    if due_within is not None:
        if due_within.isdigit():
            limit = (today or timezone.localdate()) + datetime.timedelta(days=int(due_within))
            # due = end_date + 1 year ≤ limit  ⇔  end_date ≤ limit − 1 year
            qs = qs.filter(end_date__lte=_year_before(limit))
        else:  # nothing is due within a negative or unreadable span; still ordered for keyset
            qs = qs.none()
    return qs


def transfer_list(user: User, *, status: str | None = None) -> QuerySet[Transfer]:
    qs = Transfer.objects.all()
    if status:
        qs = qs.filter(status=status)
    return policy.visible(user, qs).order_by("-created_at", "-pk")


def get_transfer(user: User, pk: int) -> Transfer:
    return policy.get_visible_or_404(
        user, Transfer.objects.select_related("organization", "created_by", "decided_by"), pk=pk
    )


ROW_FIELDS = (
    *("code", "title", "start_date", "end_date", "retention_code", "retention_years"),
    *("sheet_count", "page_count", "notes", "closed_at"),
)


def transfer_rows(user: User, transfer: Transfer) -> list[dict[str, Any]]:
    """Mục lục hồ sơ nộp lưu (Phụ lục V): Số TT · Số, ký hiệu · Tiêu đề · Thời gian tài liệu ·
    Thời hạn bảo quản · Số tờ/Số trang · Ghi chú. Only dossiers the user may see."""
    visible = policy.visible(user, Dossier.objects.filter(transfer_items__transfer=transfer))
    items = (
        TransferItem.objects.filter(transfer=transfer, dossier__in=visible.values("pk"))
        .select_related("dossier")
        # The columns the list shows (and due_date reads): a whole dossier row, its four
        # timestamps parsed, for each of 1,000 dossiers was most of the page's database time.
        .only("position", *(f"dossier__{f}" for f in ROW_FIELDS))
        .order_by("position")
    )
    rows = []
    for item in items:
        d = item.dossier
        rows.append(
            {
                "position": item.position,
                "dossier": d.pk,
                "code": d.code,
                "title": d.title,
                "start_date": d.start_date,
                "end_date": d.end_date,
                "retention_code": d.retention_code,
                "retention_years": d.retention_years,
                "sheet_count": d.sheet_count,
                "page_count": d.page_count,
                "notes": d.notes,
                "due_date": due_date(d),
            }
        )
    return rows


def handover_record(transfer: Transfer, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Biên bản giao nhận hồ sơ, tài liệu (NĐ 30 Điều 30): the facts the printed record states."""
    starts = [r["start_date"] for r in rows if r["start_date"]]
    ends = [r["end_date"] for r in rows if r["end_date"]]
    files = DocumentFile.objects.filter(
        document__dossier_entries__dossier__in=[r["dossier"] for r in rows]
    ).count()
    return {
        "handed_by": transfer.organization.name,
        "handed_by_person": str(transfer.created_by),
        "received_by_person": str(transfer.decided_by) if transfer.decided_by else "",
        "title": transfer.title,
        "start_date": min(starts) if starts else None,
        "end_date": max(ends) if ends else None,
        "dossier_count": len(rows),
        "file_count": files,
        "sheet_count": sum(r["sheet_count"] for r in rows),
        "condition": transfer.decision_note,
        "date": timezone.localtime(transfer.decided_at).date() if transfer.decided_at else None,
    }
