"""Reads of drafts and relations. Every one starts from a document the user may see (registry
selectors over ``access.policy``); a document they may not see is 404 before anything else."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vanthu.drafts import notes
from vanthu.drafts.models import (
    Approval,
    DocumentRelation,
    DraftVersion,
    Initial,
    InitialRole,
    Review,
)
from vanthu.orgs.models import User
from vanthu.registry import selectors as registry_selectors
from vanthu.registry.models import Direction, Document


def outgoing_or_404(user: User, pk: int) -> Document:
    return registry_selectors.get_document(user, pk, Direction.OUTGOING)


def versions(document: Document) -> QuerySet[DraftVersion]:
    """Only call with a document already checked visible."""
    return (
        DraftVersion.objects.filter(document=document).select_related("author").order_by("number")
    )


def version_or_404(user: User, pk: int, version_id: int) -> DraftVersion:
    document = outgoing_or_404(user, pk)
    found = versions(document).filter(pk=version_id).first()
    if found is None:
        raise Http404
    return found


def reviews(document: Document) -> QuerySet[Review]:
    return (
        Review.objects.filter(document=document)
        .select_related("reviewer", "version")
        .order_by("created_at", "pk")
    )


@dataclass
class Workflow:
    """Where a draft stands: its versions, reviews, initials and approval of the latest."""

    versions: list[DraftVersion]
    reviews: list[Review]
    initials: list[Initial]
    approval: Approval | None
    latest: DraftVersion | None
    missing_initials: list[str] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return self.approval is not None


def workflow(document: Document) -> Workflow:
    """Only call with a document already checked visible."""
    vs = list(versions(document))
    latest = vs[-1] if vs else None
    initials = list(Initial.objects.filter(version=latest).select_related("user")) if latest else []
    approval = (
        Approval.objects.filter(version=latest).select_related("approver").first()
        if latest
        else None
    )
    done = {i.role for i in initials}
    return Workflow(
        versions=vs,
        reviews=list(reviews(document)),
        initials=initials,
        approval=approval,
        latest=latest,
        missing_initials=[r for r in InitialRole.values if r not in done] if latest else [],
    )


@dataclass
class RelationView:
    relation: DocumentRelation
    # The other document, only when the user may see it (else just the fact).
    other: Document | None


def relations(user: User, document: Document) -> list[RelationView]:
    """What happened to ``document`` (or, for a copy delivered inside the installation, to its
    source) and what it did to others. Only call with a document already checked visible."""
    about = Q(target=document) | Q(source=document)
    if document.source_document_id is not None:
        about |= Q(target_id=document.source_document_id)
    rows = list(
        DocumentRelation.objects.filter(about)
        .select_related("target", "source")
        .order_by("created_at", "pk")
    )
    mine = {document.pk, document.source_document_id}
    others = {r.source_id if r.target_id in mine else r.target_id for r in rows} - {None}
    visible = registry_selectors.visible_documents
    seen = {d.pk: d for d in visible(user, Document.objects.filter(pk__in=others))}
    # A recipient does not see the issuer's document, but may see its own delivered copy.
    for copy in visible(user, Document.objects.filter(source_document__in=others)):
        seen.setdefault(copy.source_document_id, copy)  # type: ignore[arg-type]
    views = []
    for r in rows:
        other_id = r.source_id if r.target_id in mine else r.target_id
        views.append(RelationView(r, seen.get(other_id) if other_id is not None else None))
    return views


def status_note(document: Document) -> str | None:
    """The note of one document (recalled, replaced, …), as the lists' annotation gives it."""
    note = getattr(document, "status_note", None)
    if note is not None or hasattr(document, "status_note"):
        return note
    return (
        Document.objects.filter(pk=document.pk)
        .annotate(note=notes.status_note())
        .values_list("note", flat=True)
        .first()
    )


NOTICE_TARGETS = 5000


def notices(user: User, *, days: int = 30) -> QuerySet[Document]:
    """Thông báo cho văn thư: incoming documents the user may see that were recalled, replaced,
    corrected or updated by their issuer in the last ``days`` days (newest first)."""
    since = timezone.now() - datetime.timedelta(days=days)
    # The recent targets and their delivered copies first, as a bounded list of ids: an
    # ``IN (…) OR source IN (…)`` over the documents table is planned as a filter over every
    # row (docs/benchmarks.md, Drafts).
    targets = list(
        DocumentRelation.objects.filter(created_at__gte=since)
        .order_by("-created_at", "-pk")
        .values_list("target_id", flat=True)[:NOTICE_TARGETS]
    )
    copies = Document.objects.filter(source_document__in=targets).values_list("pk", flat=True)
    ids = set(targets) | set(copies)
    changed = Document.objects.filter(direction=Direction.INCOMING, pk__in=ids)
    return (
        registry_selectors.visible_documents(user, changed)
        .annotate(status_note=notes.status_note())
        .select_related("document_type")
        .order_by("-updated_at", "-pk")
    )
