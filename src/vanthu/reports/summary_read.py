"""The dashboard's figures read from the counter cells (``reports.models``), not the documents.

The access rules are part of each query, the same rules as ``access.policy.visible``:

- organisation: the cells of the organisations in the viewer's scope
  (``policy.organization_scope``: own organisations and their departments, a led subtree);
- secrecy: a secrecy level is a dimension of the cells, so ordinary documents are a filter
  ``secrecy = 'none'``; classified cells are added only up to the viewer's clearance and only
  where the viewer needs to know every classified document of the organisation (its văn thư,
  ``AccessSpec.clerks_need_to_know``);
- any other classified document in scope and within the clearance (a leader's, a grant's) is
  counted one by one from the ledger through ``policy.visible``, so it is counted exactly when
  the viewer may see it ("not even as a count", docs/architecture.md). Classified documents
  are a small share, and the ledger has an index on (secrecy, month).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When

from vanthu.access import policy
from vanthu.core.enums import Role, Secrecy
from vanthu.orgs.models import PATH_SEGMENT, DocumentType, Organization, User
from vanthu.registry.models import Direction, Document

from .models import OPEN_OUTCOMES, DocumentTally, MonthlyCount, Outcome

Row = dict[str, Any]


def _overdue(today: datetime.date) -> Case:
    return Case(
        When(Q(outcome__in=OPEN_OUTCOMES, deadline__lt=today), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def counted(
    user: User, organizations: Q, where: Q, today: datetime.date, group: Iterable[str]
) -> list[Row]:
    """Rows of ``group`` fields (cell fields, or ``overdue``: open and past its deadline today)
    with ``n``: the documents of ``organizations`` (a Q over ``Organization``) matched by
    ``where`` (over cell fields) that ``user`` may see."""
    group = tuple(group)
    if not user.is_authenticated or not user.is_active:
        return []
    # The organisations first, as a list of ids: a few hundred at most, and an ``IN`` list of
    # ids lets each query below start from its own index instead of joining every cell (or
    # every ledger row) to ``orgs_organization`` for its path (docs/reports.md, "Speed").
    ids = list(
        Organization.objects.filter(policy.organization_scope(user), organizations)
        .order_by()
        .values_list("pk", flat=True)
    )
    if not ids:
        return []
    levels = Secrecy.at_most(user.clearance)
    classified = [s for s in levels if s != Secrecy.NONE]
    kept = [org.pk for org, role in policy.current_positions(user) if role == Role.CLERK]
    whole = Q(secrecy=Secrecy.NONE)
    if classified and kept:
        whole |= Q(secrecy__in=classified, organization__in=kept)
    found: dict[tuple[Any, ...], int] = {}

    def add(qs: QuerySet[Any], total: Any) -> None:
        for row in qs.annotate(overdue=_overdue(today)).values(*group).annotate(c=total).order_by():
            key = tuple(row[g] for g in group)
            found[key] = found.get(key, 0) + int(row["c"] or 0)

    add(MonthlyCount.objects.filter(where, whole, organization_id__in=ids, n__gt=0), Sum("n"))
    if classified:
        # The other classified documents in scope and within the clearance, from the ledger
        # (its secrecy indexes find them: a small share), each kept only if the access policy
        # shows it to the viewer. One query: the policy is a subquery over those documents.
        # ``exclude(secrecy=NONE)`` repeats what ``secrecy__in`` says, in the words of the
        # partial index ``tally_classified``'s condition, so that SQLite may use it.
        one_by_one = (
            DocumentTally.objects.filter(where, organization_id__in=ids, secrecy__in=classified)
            .exclude(secrecy=Secrecy.NONE)
            .exclude(organization_id__in=kept)
        )
        seen = policy.visible(
            user, Document.objects.filter(pk__in=one_by_one.values("document_id"))
        ).values("pk")
        add(one_by_one.filter(document_id__in=seen), Count("document_id"))
    return [{**dict(zip(group, key, strict=True)), "n": n} for key, n in found.items()]


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _empty() -> dict[str, int]:
    return dict.fromkeys(("incoming", "outgoing", "on_time", "late", "open", "overdue"), 0)


def _add(target: dict[str, int], row: Row) -> None:
    n = row["n"]
    if row["direction"] == Direction.OUTGOING:
        target["outgoing"] += n
        return
    target["incoming"] += n
    outcome = row["outcome"]
    if outcome == Outcome.ON_TIME:
        target["on_time"] += n
    elif outcome == Outcome.LATE:
        target["late"] += n
    elif outcome in OPEN_OUTCOMES:
        target["open"] += n
        target["overdue"] += n * row["overdue"]


def year_statistics(user: User, organization: Organization, today: datetime.date) -> dict[str, Any]:
    """This year's figures (its months up to this one) of ``organization``, with the roll-up
    over its subtree for a leader: the keys of ``statistics.statistics`` the dashboard uses."""
    rollup = policy.leads(user, organization)
    months = _months(datetime.date(today.year, 1, 1), today)
    where = Q(month__gte=months[0], month__lte=months[-1])
    rows = counted(
        user,
        organization.subtree_q() if rollup else Q(pk=organization.pk),
        where,
        today,
        ("organization_id", "month", "direction", "document_type_id", "outcome", "overdue"),
    )
    totals = _empty()
    by_month = {m: {"month": f"{m:%Y-%m}", "incoming": 0, "outgoing": 0} for m in months}
    by_type: dict[int, dict[str, int]] = {}
    by_org: dict[int, dict[str, int]] = {}
    for row in rows:
        _add(totals, row)
        by_month[row["month"]][
            "incoming" if row["direction"] == Direction.INCOMING else "outgoing"
        ] += row["n"]
        kind = by_type.setdefault(row["document_type_id"], {"incoming": 0, "outgoing": 0})
        kind["incoming" if row["direction"] == Direction.INCOMING else "outgoing"] += row["n"]
        _add(by_org.setdefault(row["organization_id"], _empty()), row)
    types = {t.pk: t for t in DocumentType.objects.filter(pk__in=list(by_type))}
    return {
        "rollup": rollup,
        "totals": totals,
        "by_month": list(by_month.values()),
        "by_type": sorted(
            (
                {
                    "document_type": types[pk].code,
                    "name": types[pk].name,
                    "incoming": v["incoming"],
                    "outgoing": v["outgoing"],
                }
                for pk, v in by_type.items()
            ),
            key=lambda t: t["document_type"],
        ),
        "children": _children(organization, by_org) if rollup else [],
    }


def _children(organization: Organization, by_org: dict[int, dict[str, int]]) -> list[Row]:
    """The organisation's own row and one per direct child, its whole subtree summed."""
    width = len(organization.path) + PATH_SEGMENT
    paths = dict(Organization.objects.filter(pk__in=list(by_org)).values_list("pk", "path"))
    by_branch: dict[str, dict[str, int]] = {}
    for pk, counts in by_org.items():
        branch = paths[pk][:width] if len(paths[pk]) > len(organization.path) else organization.path
        target = by_branch.setdefault(branch, _empty())
        for k, v in counts.items():
            target[k] += v
    rows = []
    for org in [organization, *organization.children.order_by("path")]:
        counts = by_branch.get(org.path, _empty())
        rows.append(
            {
                "organization": {"id": org.pk, "code": org.code, "name": org.name},
                "own": org.pk == organization.pk,
                **counts,
            }
        )
    return rows


def open_incoming(user: User, organization: Organization, today: datetime.date) -> list[Row]:
    """The open văn bản đến of ``organization``'s subtree that ``user`` may see, every year:
    rows of organisation, outcome, overdue and n (the leader panel)."""
    where = Q(direction=Direction.INCOMING, outcome__in=OPEN_OUTCOMES)
    return counted(
        user, organization.subtree_q(), where, today, ("organization_id", "outcome", "overdue")
    )
