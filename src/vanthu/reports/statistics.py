"""Statistics of văn bản đến and đi (issue 10, items 1–3): per month, by type, processing on
time / late / open, and for a leader the roll-up over the organisation's subtree.

Counts only, never titles; every count runs over ``visible_documents`` so a classified
document is counted only where the viewer may see it (architecture.md: "not even as a count").
A fixed number of aggregate queries whatever the size of the subtree — no loop per organisation.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr, TruncDate, TruncMonth
from django.http import Http404
from django.utils import timezone

from vanthu.access import policy
from vanthu.orgs.models import PATH_SEGMENT, Organization, User
from vanthu.registry.models import Assignment, Direction, Document, Status
from vanthu.registry.selectors import visible_documents
from vanthu.reports.periods import Period
from vanthu.reports.selectors import local_bounds

OPEN_STATUSES = (Status.NEW, Status.AWAITING_DIRECTION, Status.IN_PROGRESS)
INCOMING = Q(direction=Direction.INCOMING)
OUTGOING = Q(direction=Direction.OUTGOING)


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def statistics_organization(user: User, organization_id: int | None) -> Organization:
    """The organisation asked for (default: the user's own), 404 unless in the user's scope."""
    pk = organization_id if organization_id is not None else user.organization_id
    org = (
        Organization.objects.filter(policy.organization_scope(user), pk=pk).first()
        if pk is not None
        else None
    )
    if org is None:
        raise Http404
    return org


def leads(user: User, organization: Organization) -> bool:
    """A leader of the organisation or of one above it sees the roll-up of its subtree."""
    return policy.leads(user, organization)


def _documents(user: User, organization: Organization, rollup: bool, period: Period) -> Any:
    start, end = local_bounds(period)
    in_period = (INCOMING & Q(received_at__gte=start, received_at__lt=end)) | (
        OUTGOING & Q(issued_date__gte=period.date_from, issued_date__lte=period.date_to)
    )
    where = organization.subtree_q("organization") if rollup else Q(organization=organization)
    base = Document.objects.filter(where, in_period, number__isnull=False)
    return visible_documents(user, base)


def _counts() -> dict[str, Count]:
    """Aggregates shared by the totals and the roll-up rows (qs annotated with done_on)."""
    done = Q(direction=Direction.INCOMING, status=Status.DONE)
    # Completion day ≤ deadline is on time (NĐ 30 Điều 24: the deadline of the direction).
    on_time = done & (
        Q(deadline__isnull=True) | Q(done_on__isnull=True) | Q(done_on__lte=F("deadline"))
    )
    late = done & Q(deadline__isnull=False, done_on__gt=F("deadline"))
    open_ = INCOMING & Q(status__in=OPEN_STATUSES)
    overdue = open_ & Q(deadline__lt=timezone.localdate())
    return {
        "incoming": Count("pk", filter=INCOMING),
        "outgoing": Count("pk", filter=OUTGOING),
        "on_time": Count("pk", filter=on_time),
        "late": Count("pk", filter=late),
        "open": Count("pk", filter=open_),
        "overdue": Count("pk", filter=overdue),
    }


def _with_done_on(qs: QuerySet[Document]) -> QuerySet[Document]:
    finished = (
        Assignment.objects.filter(document=OuterRef("pk"), done_at__isnull=False)
        .values("document")
        .annotate(last=Max("done_at"))
        .values("last")
    )
    return qs.annotate(done_on=TruncDate(Subquery(finished), tzinfo=_tz()))


def _months(period: Period) -> list[str]:
    months, y, m = [], period.date_from.year, period.date_from.month
    while (y, m) <= (period.date_to.year, period.date_to.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _month_key(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value, _tz()) if timezone.is_aware(value) else value
    return f"{value.year:04d}-{value.month:02d}"


def _by_month(qs: QuerySet[Document], period: Period) -> list[dict[str, Any]]:
    rows = {m: {"month": m, "incoming": 0, "outgoing": 0} for m in _months(period)}
    incoming = (
        qs.filter(INCOMING)
        .annotate(month=TruncMonth("received_at", tzinfo=_tz()))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    outgoing = (
        qs.filter(OUTGOING)
        .annotate(month=TruncMonth("issued_date"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for direction, found in (("incoming", incoming), ("outgoing", outgoing)):
        for row in found:
            key = _month_key(row["month"])
            if key in rows:
                rows[key][direction] += row["n"]
    return list(rows.values())


def _by_type(qs: QuerySet[Document]) -> list[dict[str, Any]]:
    found = (
        qs.values("document_type__code", "document_type__name")
        .annotate(incoming=Count("pk", filter=INCOMING), outgoing=Count("pk", filter=OUTGOING))
        .order_by("document_type__code")
    )
    return [
        {
            "document_type": r["document_type__code"],
            "name": r["document_type__name"],
            "incoming": r["incoming"],
            "outgoing": r["outgoing"],
        }
        for r in found
    ]


def _rollup(qs: QuerySet[Document], organization: Organization) -> list[dict[str, Any]]:
    """One row per direct child (its whole subtree summed), plus the organisation's own row."""
    children = list(organization.children.order_by("path"))
    width = len(organization.path) + PATH_SEGMENT
    # The path prefix one level below the organisation names the child branch a document is in.
    found = (
        _with_done_on(qs)
        .annotate(branch=Substr("organization__path", 1, width))
        .values("branch")
        .annotate(**_counts())
        .order_by()
    )
    by_branch = {r["branch"]: r for r in found}
    empty = dict.fromkeys(_counts(), 0)
    rows = []
    for org in [organization, *children]:
        counts = by_branch.get(org.path, empty)
        rows.append(
            {
                "organization": {"id": org.pk, "code": org.code, "name": org.name},
                "own": org.pk == organization.pk,
                **{k: counts[k] for k in empty},
            }
        )
    return rows


def statistics(user: User, *, organization: Organization, period: Period) -> dict[str, Any]:
    rollup = leads(user, organization)
    qs = _documents(user, organization, rollup, period)
    totals = _with_done_on(qs).aggregate(**_counts())
    return {
        "organization": {
            "id": organization.pk,
            "code": organization.code,
            "name": organization.name,
        },
        "date_from": period.date_from,
        "date_to": period.date_to,
        "rollup": rollup,
        "totals": totals,
        "by_month": _by_month(qs, period),
        "by_type": _by_type(qs),
        "children": _rollup(qs, organization) if rollup else [],
    }
