"""Reads of file plans and dossiers: each takes the acting user and goes through the policy."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from vanthu.access import policy
from vanthu.orgs.models import User
from vanthu.records.models import (
    Dossier,
    DossierDocument,
    FilePlan,
    FilePlanHeading,
    FilePlanItem,
    RetentionRule,
    RetentionSchedule,
)
from vanthu.registry.models import Document
from vanthu.registry.selectors import visible_documents


def dossier_list(
    user: User,
    *,
    year: str | None = None,
    status: str | None = None,
    q: str | None = None,
    organization: str | None = None,
    heading: str | None = None,
) -> QuerySet[Dossier]:
    """Dossiers ``user`` may see. A classified dossier beyond the user is not even counted.

    ``heading``: dossiers opened from an item under that file plan heading (or under a minor
    heading of it).
    """
    qs = Dossier.objects.all()
    if heading:
        if heading.isdigit() and len(heading) < 12:
            h = int(heading)
            qs = qs.filter(Q(plan_item__heading_id=h) | Q(plan_item__heading__parent_id=h))
        else:
            qs = qs.none()
    if year:
        qs = qs.filter(year=int(year)) if year.isdigit() else qs.none()
    if status:
        qs = qs.filter(status=status)
    if organization:
        qs = qs.filter(organization_id=int(organization)) if organization.isdigit() else qs.none()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(title__icontains=q))
    return policy.visible(user, qs).order_by("-year", "organization_id", "code", "pk")


def get_dossier(user: User, pk: int) -> Dossier:
    """One dossier the user may see; missing and forbidden are the same 404."""
    qs = Dossier.objects.select_related("organization", "responsible", "plan_item")
    return policy.get_visible_or_404(user, qs, pk=pk)


def dossier_entries(user: User, dossier: Dossier) -> QuerySet[DossierDocument]:
    """The documents of a visible dossier that ``user`` may see, in order.

    A document the user may not see is left out whole: no title, no number, no placeholder.
    The policy is asked of each entry's document by its key (an EXISTS): as ``document IN
    (visible documents)`` SQLite built the list of every visible document first, 810 ms of
    CPU for a dossier of 10 at 1,000,000 documents (docs/benchmarks.md, archive).
    """
    seen = policy.visible(user, Document.objects.filter(pk=OuterRef("document_id")))
    return (
        DossierDocument.objects.filter(dossier=dossier)
        .filter(Exists(seen))
        .select_related("document", "document__document_type")
        .order_by("position")
    )


def file_plan_list(
    user: User, *, year: str | None = None, organization: str | None = None
) -> QuerySet[FilePlan]:
    qs = FilePlan.objects.all()
    if year:
        qs = qs.filter(year=int(year)) if year.isdigit() else qs.none()
    if organization:
        qs = qs.filter(organization_id=int(organization)) if organization.isdigit() else qs.none()
    return policy.visible(user, qs).order_by("-year", "organization_id")


def get_file_plan(user: User, pk: int) -> FilePlan:
    return policy.get_visible_or_404(user, FilePlan.objects.select_related("organization"), pk=pk)


def plan_headings(plan: FilePlan) -> list[FilePlanHeading]:
    """Only call with a plan already checked visible: majors, each followed by its minors."""
    headings = list(plan.headings.all())
    majors = sorted((h for h in headings if h.parent_id is None), key=lambda h: h.position)
    ordered: list[FilePlanHeading] = []
    for major in majors:
        ordered.append(major)
        ordered.extend(
            sorted((h for h in headings if h.parent_id == major.pk), key=lambda h: h.position)
        )
    return ordered


def plan_items(plan: FilePlan) -> QuerySet[FilePlanItem]:
    """Only call with a plan already checked visible."""
    return plan.items.select_related("responsible").order_by("position")


def opened_plan_items(user: User, items: list[FilePlanItem]) -> set[int]:
    """The items from which a dossier that ``user`` may see was opened ("Đã mở hồ sơ").

    Asked per item (an EXISTS on the dossier's plan_item index, stopping at the first visible
    dossier): listing every dossier of the plan through the policy and sorting them took three
    quarters of the file plan page at 5,000 dossiers (docs/benchmarks.md, archive).
    """
    opened = policy.visible(user, Dossier.objects.filter(plan_item=OuterRef("pk")))
    rows = FilePlanItem.objects.filter(pk__in=[i.pk for i in items]).filter(Exists(opened))
    return set(rows.values_list("pk", flat=True))


def get_plan_heading(plan: FilePlan, pk: int) -> FilePlanHeading:
    """A heading of a plan already checked visible."""
    heading = plan.headings.filter(pk=pk).select_related("plan").first()
    if heading is None:
        raise Http404
    return heading


def get_plan_item(user: User, pk: int) -> FilePlanItem:
    """A plan item whose plan the user may see (opening a dossier from it)."""
    plans = policy.visible(user, FilePlan.objects.all())
    item = (
        FilePlanItem.objects.filter(pk=pk, plan__in=plans)
        .select_related("plan", "responsible")
        .first()
    )
    if item is None:
        raise Http404
    return item


def retention_schedules() -> QuerySet[RetentionSchedule]:
    """Retention tables are public rules, not records: every user may read them."""
    return RetentionSchedule.objects.filter(active=True).order_by("kind", "code")


def retention_rules(
    *, schedule: str | None = None, q: str | None = None
) -> QuerySet[RetentionRule]:
    qs = RetentionRule.objects.filter(schedule__active=True)
    if schedule:
        qs = qs.filter(schedule_id=int(schedule)) if schedule.isdigit() else qs.none()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(group__icontains=q))
    return qs.order_by("schedule_id", "position", "pk")


def unfiled_documents(
    user: User,
    *,
    organization_id: int,
    year: int,
    document_type: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    q: str | None = None,
) -> QuerySet[Document]:
    """Documents of the organisation dated in ``year`` that are filed nowhere as the original.

    Only documents ``user`` may see. A document's year is that of its date (issued, else
    received, else registered), as for a dossier's time span (services.document_date).
    """
    filed = DossierDocument.objects.filter(document=OuterRef("pk"), is_original=True)
    qs = Document.objects.filter(organization_id=organization_id).exclude(Exists(filed))
    qs = qs.filter(
        Q(issued_date__year=year)
        | Q(issued_date__isnull=True, received_at__year=year)
        | Q(issued_date__isnull=True, received_at__isnull=True, created_at__year=year)
    )
    if document_type:
        qs = qs.filter(document_type__code=document_type)
    if date_from is not None:
        qs = qs.filter(issued_date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(issued_date__lte=date_to)
    if q:
        qs = qs.filter(Q(summary__icontains=q) | Q(number_symbol__icontains=q))
    return (
        visible_documents(user, qs)
        .select_related("document_type")
        .order_by("issued_date", "direction", "number", "pk")
    )


def open_dossiers_of_year(user: User, *, organization_id: int, year: int) -> QuerySet[Dossier]:
    """The year's open dossiers of the organisation that ``user`` may see (year-end step 1)."""
    qs = Dossier.objects.filter(
        organization_id=organization_id, year=year, status=Dossier.Status.OPEN
    )
    return policy.visible(user, qs).select_related("responsible").order_by("code", "pk")
