"""Searching documents as one user: the access policy is part of the query (docs/search.md).

Each match of the index is checked against the policy (``_scoped``: ``visible()`` split on
secrecy) inside the engine's own SQL statement, so counts and ranks only ever include what the
user may see; the page is then re-read through ``visible()`` before it leaves
(architecture.md, "Search and access").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import DatabaseError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from vanthu.access.policy import organization_scope, visible
from vanthu.core import replica
from vanthu.core.enums import Secrecy
from vanthu.core.text import fold
from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.registry.models import Document, DocumentFile
from vanthu.search import access, backends, snippets
from vanthu.search.query import ParsedQuery, QueryError, parse


@dataclass(frozen=True)
class Filters:
    document_type: int | None = None
    direction: str | None = None
    # This organisation and everything below it.
    organization: Organization | None = None
    # On the document's own date (ngày văn bản), inclusive.
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    secrecy: str | None = None


@dataclass(frozen=True)
class Hit:
    document: Document
    score: float
    snippet: str


@dataclass(frozen=True)
class SearchPage:
    # Exact when ``count_exact``; otherwise a lower bound (shown as "hơn N").
    count: int
    hits: list[Hit]
    count_exact: bool = True


def _type_ids(codes: tuple[str, ...]) -> set[int]:
    """Document types named by ``loai:`` (abbreviation, code or name; diacritics ignored)."""
    ids: set[int] = set()
    for pk, code, abbreviation, name in DocumentType.objects.values_list(
        "pk", "code", "abbreviation", "name"
    ):
        keys = {fold(code), fold(abbreviation), fold(name)}
        if any(c in keys for c in codes):
            ids.add(pk)
    return ids


def _base(parsed: ParsedQuery, filters: Filters) -> QuerySet[Document]:
    qs = Document.objects.using(replica.alias())
    if filters.document_type is not None:
        qs = qs.filter(document_type_id=filters.document_type)
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.organization is not None:
        qs = qs.filter(filters.organization.subtree_q("organization"))
    if filters.date_from is not None:
        qs = qs.filter(issued_date__gte=filters.date_from)
    if filters.date_to is not None:
        qs = qs.filter(issued_date__lte=filters.date_to)
    if filters.secrecy:
        qs = qs.filter(secrecy=filters.secrecy)
    if parsed.types or parsed.excluded_types:
        wanted = _type_ids(parsed.types) if parsed.types else None
        unwanted = _type_ids(parsed.excluded_types)
        if wanted is not None:
            qs = qs.filter(document_type_id__in=wanted - unwanted)
        elif unwanted:
            qs = qs.exclude(document_type_id__in=unwanted)
    return qs


def visible_ids(user: User, qs: QuerySet[Document]) -> QuerySet[Document, Any]:
    """The ids of ``qs`` that ``user`` may see, as a subquery (no duplicate rows from joins)."""
    return visible(user, qs).values("pk")


def _scoped(user: User, qs: QuerySet[Document]) -> QuerySet[Document]:
    """``visible(user, qs)``, written so that an unclassified document costs one row lookup.

    The same rule as the policy, split on secrecy: an unclassified document is visible exactly
    when its organisation is in the user's scope (``organization_scope``; every clearance
    includes "none"), so it is checked against the short list of organisations; a classified
    one goes through ``visible()`` itself (clearance, need-to-know, grants), per document.
    """
    orgs = Organization.objects.filter(organization_scope(user)).values("pk")
    classified = visible(user, Document.objects.filter(pk=OuterRef("pk")))
    return qs.filter(
        Q(secrecy=Secrecy.NONE, organization_id__in=orgs)
        | (~Q(secrecy=Secrecy.NONE) & Exists(classified))
    )


def _run(
    user: User, parsed: ParsedQuery, filters: Filters, offset: int, limit: int
) -> backends.Matches:
    levels = [Secrecy.NONE, *access.user_classified_levels(user)]
    if filters.secrecy:
        levels = [level for level in levels if level == filters.secrecy]
    tokens = access.user_scope_tokens(user)
    if not tokens or not levels:
        # No current position (nothing in scope), or a secrecy beyond the user's clearance.
        return backends.Matches(count=0, exact=True, rows=[])
    scoped = _scoped(user, _base(parsed, filters))
    column = f"{backends.TABLE}.{backends.id_column()}"
    try:
        # The index entry's id, from the enclosing statement (a constant of backends).
        probe = scoped.filter(pk=RawSQL(column, ())).values("pk")  # noqa: S611
        probe_sql, probe_params = probe.query.sql_with_params()
    except EmptyResultSet:
        # A filter that selects nothing: the ORM refuses to compile an empty IN.
        return backends.Matches(count=0, exact=True, rows=[])
    scope = backends.Scope(
        tokens=access.any_of(tokens),
        secrecy=[access.secrecy_token(level) for level in levels],
        probe_sql=probe_sql,
        probe_params=probe_params,
    )
    return backends.run(
        backends.compile_query(parsed),
        scope,
        limit=limit,
        offset=offset,
        using=replica.alias(),
    )


def parse_or_400(q: str) -> ParsedQuery:
    try:
        return parse(q)
    except QueryError as exc:
        raise ValidationError({"q": [str(exc)]}) from exc


def search_documents(
    user: User,
    q: str,
    *,
    filters: Filters | None = None,
    offset: int = 0,
    limit: int = 50,
) -> SearchPage:
    """One ranked page of the documents ``user`` may see that match ``q``, with the count."""
    parsed = parse_or_400(q)
    filters = filters or Filters()
    if parsed.has_text:
        try:
            found = _run(user, parsed, filters, offset, limit)
        except DatabaseError as exc:
            # Never expected (every token is quoted); answer as a query the engine refused.
            raise ValidationError({"q": [_("Không hiểu câu tìm kiếm này.")]}) from exc
        return SearchPage(
            count=found.count, hits=_hits(user, parsed, found.rows), count_exact=found.exact
        )
    listed = Document.objects.filter(pk__in=visible_ids(user, _base(parsed, filters)))
    count = listed.count()
    rows = (
        [
            (pk, 0.0)
            for pk in listed.order_by("-pk").values_list("pk", flat=True)[offset : offset + limit]
        ]
        if count > offset
        else []
    )
    return SearchPage(count=count, hits=_hits(user, parsed, rows))


def _hits(user: User, parsed: ParsedQuery, rows: list[tuple[int, float]]) -> list[Hit]:
    if not rows:
        return []
    ids = [pk for pk, _score in rows]
    # Re-checked against the policy before it leaves: whatever changed since the count (a
    # grant revoked, a secrecy raised) is dropped here. On the primary, never the replica.
    page = Document.objects.filter(pk__in=visible_ids(user, Document.objects.filter(pk__in=ids)))
    documents = {d.pk: d for d in page}
    marks = snippets.pattern(parsed.clauses)
    found: dict[int, str] = {}
    for pk, doc in documents.items():
        text = snippets.highlight(doc.summary, marks)
        if text is not None:
            found[pk] = text
    missing = [pk for pk in documents if pk not in found]
    if missing and marks is not None:
        for doc_id, text in (
            DocumentFile.objects.using(replica.alias())
            .filter(document_id__in=missing)
            .exclude(text="")
            .order_by("document_id", "position", "pk")
            .annotate(head=Substr("text", 1, snippets.MAX_SCAN_CHARS))
            .values_list("document_id", "head")
        ):
            if doc_id not in found:
                marked = snippets.highlight(text, marks)
                if marked is not None:
                    found[doc_id] = marked
    return [
        Hit(
            document=documents[pk],
            score=round(score, 4),
            snippet=found.get(pk) or snippets.plain(documents[pk].summary),
        )
        for pk, score in rows
        if pk in documents
    ]
