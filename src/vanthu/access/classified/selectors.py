"""Reads about classified documents. Lists go through the access policy; the per-document
reads take a document the caller has already checked visible."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from vanthu.access import policy
from vanthu.access.classified.periods import (
    PERIOD_YEARS,
    Period,
    add_years,
    expiring_q,
    period_of,
)
from vanthu.access.models import ClassificationDecision, CopyOrder, DocumentCopy, Handover
from vanthu.core.enums import Role
from vanthu.orgs.models import Organization, User
from vanthu.registry.models import Document
from vanthu.registry.selectors import visible_documents

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def copies_of(document: Document) -> QuerySet[DocumentCopy]:
    return DocumentCopy.objects.filter(document=document).select_related("holder", "order")


def handovers_of(document: Document) -> QuerySet[Handover]:
    return Handover.objects.filter(document=document).select_related(
        "from_user", "to_user", "confirmed_by", "copy"
    )


def decisions_of(document: Document) -> QuerySet[ClassificationDecision]:
    return ClassificationDecision.objects.filter(document=document).select_related("decided_by")


def copy_orders_of(document: Document) -> QuerySet[CopyOrder]:
    return CopyOrder.objects.filter(document=document).select_related("authorized_by", "made_by")


def copy_label(copy: DocumentCopy, issued_total: int) -> str:
    """The mark a copy carries: "Bản số 2/5" or "BẢN SAO SỐ 3"."""
    if copy.kind == DocumentCopy.Kind.ISSUED:
        return f"Bản số {copy.number}/{issued_total}"
    return copy.label


def held_copy_label(user: User, document: Document) -> str:
    """The label of the copy ``user`` holds, for the marks of what they download."""
    if document.secrecy == "none" or not user.is_authenticated:
        return ""
    held = (
        DocumentCopy.objects.filter(document=document, holder=user)
        .order_by("kind", "number")
        .first()
    )
    if held is None:
        return ""
    total = DocumentCopy.objects.filter(document=document, kind=DocumentCopy.Kind.ISSUED).count()
    return copy_label(held, total)


@dataclass(frozen=True)
class Expiring:
    document: Document
    period: Period


def _led_q(user: User) -> Q:
    q = Q(pk__in=[])
    for org, role in policy.current_positions(user):
        if role == Role.LEADER:
            q |= org.subtree_q("organization")
    return q


def expiring(user: User, *, days: int) -> list[tuple[datetime.date, int]]:
    """(end of protection, document id) of the classified documents of the organisations
    ``user`` leads (and may see) whose protection ends within ``days`` days (already ended and
    not yet decided on included), soonest first. Ids only: a page is loaded by ``load``."""
    horizon = timezone.localdate() + datetime.timedelta(days=days)
    qs = Document.objects.filter(_led_q(user)).filter(expiring_q(horizon))
    rows = visible_documents(user, qs).values_list(
        "pk", "secrecy", "issued_date", "created_at", "protection__pk", "protection__expires_on"
    )
    found: list[tuple[datetime.date, int]] = []
    for pk, secrecy, issued, created, decided, expires in rows.iterator(chunk_size=2000):
        if decided is None:
            base = issued or timezone.localtime(created, VN).date()
            expires = add_years(base, PERIOD_YEARS[secrecy])
        # A decided row in this list has an end (expiring_q filtered on it).
        found.append((expires or horizon, pk))
    found.sort()
    return found


def load(ids: list[int]) -> list[Expiring]:
    """The documents of one page of ``expiring``, in that order (ids already checked)."""
    docs = Document.objects.filter(pk__in=ids).select_related("protection").in_bulk()
    return [Expiring(docs[pk], period_of(docs[pk])) for pk in ids if pk in docs]


def expiring_by_organization(*, days: int) -> dict[int, list[int]]:
    """For the beat job: every organisation's documents whose protection ends within ``days``
    (ids only; each leader reads the list through ``expiring``)."""
    horizon = timezone.localdate() + datetime.timedelta(days=days)
    found: dict[int, list[int]] = {}
    qs = Document.objects.filter(expiring_q(horizon)).values_list("organization_id", "pk")
    for org_id, pk in qs.order_by("organization_id", "pk").iterator():
        found.setdefault(org_id, []).append(pk)
    return found


def _year_range(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime(year, 1, 1, tzinfo=VN)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=VN)


def handover_register(user: User, organization: Organization, year: int) -> QuerySet[Handover]:
    """The sổ chuyển giao of ``organization`` for ``year``: hand-overs of its documents that
    ``user`` may see, in order."""
    start, end = _year_range(year)
    docs = visible_documents(user, Document.objects.filter(organization=organization))
    return (
        Handover.objects.filter(document__in=docs, handed_at__gte=start, handed_at__lt=end)
        .select_related("document", "from_user", "to_user", "confirmed_by", "copy")
        .order_by("handed_at", "pk")
    )


def copy_register(user: User, organization: Organization, year: int) -> QuerySet[CopyOrder]:
    """The sổ quản lý sao, chụp of ``organization`` for ``year`` (visible documents only)."""
    start, end = _year_range(year)
    docs = visible_documents(user, Document.objects.filter(organization=organization))
    return (
        CopyOrder.objects.filter(document__in=docs, created_at__gte=start, created_at__lt=end)
        .select_related("document", "document__document_type", "authorized_by", "made_by")
        .prefetch_related("copies")
        .order_by("created_at", "pk")
    )


def register_organizations(user: User) -> QuerySet[Organization]:
    """Organisations whose classified registers ``user`` may print: where they are a clerk or a
    leader (leaders: and below)."""
    q = Q(pk__in=[])
    for org, role in policy.current_positions(user):
        if role == Role.LEADER:
            q |= org.subtree_q()
        elif role == Role.CLERK:
            q |= Q(pk=org.pk)
    return Organization.objects.filter(q)


def people_of(document: Document) -> QuerySet[User]:
    """Active people holding a current position in the document's organisation: the choices of
    the panel's holder and receiver fields (the services check their clearance and access)."""
    today = timezone.localdate()
    return (
        User.objects.filter(
            Q(positions__start_date__isnull=True) | Q(positions__start_date__lte=today),
            Q(positions__end_date__isnull=True) | Q(positions__end_date__gte=today),
            is_active=True,
            positions__organization_id=document.organization_id,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def awaiting_confirmation(user: User, document: Document) -> QuerySet[Handover]:
    """Hand-overs of ``document`` to ``user`` not yet signed for."""
    return handovers_of(document).filter(to_user=user, confirmed_at__isnull=True)
