"""Keeping the index in step with the documents (docs/search.md, "Index maintenance").

Services that change a document or its files call :func:`document_changed`; the entry is
rewritten right after their transaction commits, so a change is searchable within a second and a
rolled-back change never reaches the index. Calls for the same document in one transaction are
deduplicated (style.md: Mayan re-indexed 101 times for one rename).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from vanthu.registry.models import Direction, Document, DocumentFile
from vanthu.search import backends
from vanthu.search.query import MAX_TOKEN_CHARS, exact_tokens, folded_tokens

log = logging.getLogger(__name__)

# Text beyond this many characters per document is not indexed: an OCR'd book would otherwise
# make one entry larger than the rest of a small office's index.
MAX_INDEXED_CHARS = 500_000


def _tokens(make: Callable[[str], list[str]], texts: Iterable[str]) -> list[str]:
    out: list[str] = []
    budget = MAX_INDEXED_CHARS
    for text in texts:
        if not text or budget <= 0:
            continue
        text = text[:budget]
        budget -= len(text)
        out.extend(t for t in make(text) if len(t) <= MAX_TOKEN_CHARS)
    return out


def build_entry(document: Document, file_texts: Sequence[str]) -> backends.Entry:
    """What the index holds for one document: its register fields and its files' text."""
    sender = [document.sender]
    if document.sender_organization is not None:
        sender.append(document.sender_organization.name)
    if document.direction != Direction.INCOMING:
        # The issuer of an outgoing or internal document is its own organisation.
        sender.append(document.organization.name)
    texts = [
        document.summary,
        document.number_symbol,
        document.document_type.name,
        *sender,
        document.signer,
        document.notes,
        *file_texts,
    ]
    return backends.Entry(
        document_id=document.pk,
        folded=_tokens(folded_tokens, texts),
        exact=_tokens(exact_tokens, texts),
        symbol=folded_tokens(document.number_symbol),
        sender=_tokens(folded_tokens, sender),
    )


def index_documents(document_ids: Sequence[int]) -> int:
    """Upsert the entries of ``document_ids``; ids whose document is gone are removed."""
    ids = list(dict.fromkeys(document_ids))
    if not ids:
        return 0
    documents = list(
        Document.objects.filter(pk__in=ids)
        .select_related("document_type", "organization", "sender_organization")
        .order_by("pk")
    )
    texts: dict[int, list[str]] = {}
    for doc_id, text in (
        DocumentFile.objects.filter(document_id__in=ids)
        .exclude(text="")
        .order_by("document_id", "position", "pk")
        .values_list("document_id", "text")
    ):
        texts.setdefault(doc_id, []).append(text)
    found = {d.pk for d in documents}
    with transaction.atomic():
        backends.delete([i for i in ids if i not in found])
        backends.upsert([build_entry(d, texts.get(d.pk, [])) for d in documents])
    return len(documents)


def index_document(document_id: int) -> None:
    """Idempotent upsert of one document's entry; removes it if the document is gone."""
    index_documents([document_id])


@dataclass(frozen=True)
class _Reindex:
    """An on-commit callback that compares equal per document, so it is queued only once."""

    document_id: int

    def __call__(self) -> None:
        try:
            index_document(self.document_id)
        except Exception:
            # The change itself is committed; `vanthu reindex` repairs a missed entry.
            log.exception("search: indexing document %s failed", self.document_id)


def document_changed(document_id: int) -> None:
    """Index ``document_id`` right after the current transaction commits (now if none)."""
    callback = _Reindex(document_id)
    if connection.in_atomic_block and any(
        entry[1] == callback for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(callback)


def reindex(
    *,
    batch: int = 500,
    start_after: int = 0,
    progress: Callable[[int, int, int], None] | None = None,
) -> int:
    """Rebuild every entry in batches of ``batch`` documents, in id order; resumable.

    Memory holds one batch at a time; each batch commits on its own, so an interrupted run
    resumes with ``start_after`` = the last id reported. Entries of deleted documents go last.
    """
    total = Document.objects.filter(pk__gt=start_after).count()
    done = 0
    last = start_after
    while True:
        ids = list(
            Document.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            break
        index_documents(ids)
        done += len(ids)
        last = ids[-1]
        if progress is not None:
            progress(done, total, last)
    backends.remove_orphans(Document._meta.db_table)
    return done
