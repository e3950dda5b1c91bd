"""Reads of documents: every one takes the acting user and goes through the access policy."""

from __future__ import annotations

from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from vanthu.access import policy
from vanthu.audit.models import Event
from vanthu.drafts.notes import status_note
from vanthu.orgs.models import User
from vanthu.registry.models import Direction, Document, DocumentFile, TextStatus
from vanthu.signatures.selectors import document_filter


def visible_documents(user: User, qs: QuerySet[Document] | None = None) -> QuerySet[Document]:
    """Documents ``user`` may see, one row each (the need-to-know join may repeat rows)."""
    base = qs if qs is not None else Document.objects.all()
    return Document.objects.filter(pk__in=policy.visible(user, base).values("pk"))


# The lists' order, walked backwards on doc_list_order (period_key, number, id). NULLS FIRST is
# PostgreSQL's own default for DESC, spelled out so that SQLite (whose default is NULLS LAST)
# orders unnumbered deliveries the same way and the keyset cursor means the same on both.
INCOMING_ORDER = ("-period_key", F("number").desc(nulls_first=True), "-pk")
OUTGOING_ORDER = ("-created_at", "-pk")


def visible_row_by_row(
    user: User, qs: QuerySet[Document], shortcut: Q | None = None
) -> QuerySet[Document]:
    """The rows of ``qs`` that ``user`` may see, the policy asked of each row the query reads.

    The same policy as ``visible_documents``, written as a correlated scalar subquery
    (``(SELECT id … WHERE id = outer.id AND <policy> LIMIT 1) IS NOT NULL``) instead of
    ``pk IN (…)``. PostgreSQL turns ``IN`` and ``EXISTS`` into a semi join, and for a capped
    count of a filtered list (``LIMIT 10001`` over ``year=`` or ``status=``) it chose a hash
    semi join that evaluates the policy over every matching row first: 1–4 s at 1,000,000
    documents. A scalar subquery is never turned into a join, so the policy is checked row by
    row as the list's index is walked and the walk stops at the limit (docs/registry.md,
    "Lists"; EXPLAIN in benchmarks/bench_registry.py). ``LIMIT 1``: the need-to-know join may
    repeat a row.

    ``shortcut`` (``policy.unclassified_in_scope``): rows the policy admits anyway, tested
    first on the row itself so that the subquery runs only for the others (SQLite evaluates
    ``OR`` left to right and stops at the first true term).
    """
    seen = policy.visible(user, Document.objects.filter(pk=OuterRef("pk"))).values("pk")[:1]
    asked = Q(_visible__isnull=False)
    return qs.alias(_visible=Subquery(seen)).filter(asked if shortcut is None else shortcut | asked)


def _listed(user: User, qs: QuerySet[Document], plain: Q) -> QuerySet[Document]:
    """The visible rows of ``qs.filter(plain)``, the plain filters on the outer query.

    The filters stay outside the access check so that the planner bounds the list index's walk
    with them: ``year=2020`` is entered at 2020 instead of walking from the newest year down
    (docs/benchmarks.md, "Registry"). On PostgreSQL the policy is asked row by row
    (``visible_row_by_row``). SQLite runs a correlated subquery again for every row it reads
    and has no hash semi join to avoid: there, for a short list of organisations (a clerk's, a
    subordinate leader's), ``pk IN (…)`` stays, materialised once and probed per row (a
    clerk's first page at 1,000,000 documents of 60 organisations: 253 ms against 1,342 ms
    row by row; docs/benchmarks.md). Without one (the whole installation) it is row by row too,
    behind ``policy.unclassified_in_scope``.
    """
    if connection.vendor == "postgresql":
        return visible_row_by_row(user, qs.filter(plain))
    # The organisations the user may see, on the outer query too (``policy.organization_bound``:
    # an empty Q for a scope of more than a few organisations).
    bound = policy.organization_bound(user)
    if bound:
        plain &= bound
        return visible_documents(user, qs.filter(plain)).filter(plain)
    # No short list: the whole installation (a root organisation's leader) or a large subtree.
    # ``pk IN (…)`` built that whole visible set before the first row (3.3 s of CPU for the
    # city leader's page 1 at 1,000,000 documents); asked row by row, an unclassified row of
    # the scope is admitted on the row itself and the policy's subquery runs only for the
    # classified ones (``policy.unclassified_in_scope``): 404 ms, a count 9 ms (docs/registry.md).
    return visible_row_by_row(
        user, qs.filter(plain), shortcut=policy.unclassified_in_scope(user, Document)
    )


def _signature(value: str | None) -> Q:
    """``?signature=`` (docs/signatures.md, "Lists"): an EXISTS on the files' checks, kept in
    ``plain`` so that it is repeated outside the access subquery like the other filters."""
    return document_filter(value) if value else Q()


def incoming_list(
    user: User,
    *,
    year: str | None = None,
    status: str | None = None,
    q: str | None = None,
    signature: str | None = None,
) -> QuerySet[Document]:
    plain = Q(direction=Direction.INCOMING) & _signature(signature)
    if year:
        if not year.isdigit():
            return Document.objects.none()
        plain &= Q(period_key=year)
    if status:
        plain &= Q(status=status)
    if q:
        plain &= Q(summary__icontains=q) | Q(number_symbol__icontains=q)
    return (
        _listed(user, Document.objects.all(), plain)
        .select_related("document_type", "register")
        .annotate(status_note=status_note())
        .order_by(*INCOMING_ORDER)
    )


def outgoing_list(
    user: User, *, status: str | None = None, signature: str | None = None
) -> QuerySet[Document]:
    plain = Q(direction=Direction.OUTGOING) & _signature(signature)
    if status:
        plain &= Q(status=status)
    return (
        _listed(user, Document.objects.all(), plain)
        .select_related("document_type", "register")
        .annotate(status_note=status_note())
        .order_by(*OUTGOING_ORDER)
    )


def get_document(user: User, pk: int, direction: str | None = None) -> Document:
    """One document the user may see; missing and forbidden are the same 404."""
    qs = Document.objects.select_related("document_type", "organization", "register")
    qs = qs.annotate(status_note=status_note())
    if direction is not None:
        qs = qs.filter(direction=direction)
    return policy.get_visible_or_404(user, qs, pk=pk)


def just_registered(document: Document) -> Document:
    """The document a registration service just created and returned, ready for the detail
    serializers without a re-read: a document registered from a POST has no relations yet, so
    its status note is None (drafts.notes.status_note; the only source it could have is
    another document's, which ``POST /incoming/`` never sets)."""
    if document.source_document_id is not None:
        raise ValueError("only for documents registered directly, not delivered copies")
    document.status_note = None  # type: ignore[attr-defined]
    return document


def get_file(user: User, document_pk: int, file_pk: int) -> DocumentFile:
    document = get_document(user, document_pk)
    # The file is seen through its document, which the line above has checked.
    return get_object_or_404(DocumentFile, pk=file_pk, document=document)


def files_of(document: Document) -> list[DocumentFile]:
    """Only call with a document already checked visible."""
    return list(document.files.select_related("signature_check"))


def text_status(files: list[DocumentFile]) -> str:
    """The document's text state from its files' (contract 5 in docs/registry.md)."""
    states = {f.text_status for f in files}
    if not states or states == {TextStatus.DONE}:
        return TextStatus.DONE
    if TextStatus.FAILED in states:
        return TextStatus.FAILED
    if TextStatus.WORKING in states:
        return TextStatus.WORKING
    return TextStatus.WAITING


def history(document: Document) -> QuerySet[Event]:
    """Audit events about the document. Only call with a document already checked visible."""
    return Event.objects.filter(
        object_type=Document._meta.label_lower, object_id=str(document.pk)
    ).order_by("created_at", "pk")


def possible_duplicates(user: User, document: Document) -> list[int]:
    """Phụ lục VI (domain.md §9 item 6): the same số/ký hiệu, issuer and date already in the
    register. Only documents the user may see are named."""
    if not document.number_symbol:
        return []
    same = Document.objects.filter(
        organization=document.organization_id,
        direction=Direction.INCOMING,
        number_symbol__iexact=document.number_symbol,
        sender__iexact=document.sender,
        issued_date=document.issued_date,
    ).exclude(pk=document.pk)
    # Almost always none: ask first with one indexed query (doc_duplicate_symbol), and build the
    # access policy's query only when there is something to check. Nothing leaves unchecked.
    if not same.exists():
        return []
    return list(visible_documents(user, same).order_by("pk").values_list("pk", flat=True)[:20])
