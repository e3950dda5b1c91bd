"""Keeping the index in step with the documents (docs/search.md, "Index maintenance").

Services that change a document or its files call :func:`document_changed`; the entry is
rewritten right after their transaction commits, so a change is searchable within a second and a
rolled-back change never reaches the index. Calls for the same document in one transaction are
deduplicated (style.md: Mayan re-indexed 101 times for one rename).

The write after the commit is not durable by itself (the process may die first), so the same
transaction also records a :class:`~vanthu.search.models.PendingEntry`; the write removes it,
and :func:`index_pending` (Celery beat) writes the entries of those left behind.
"""

from __future__ import annotations

import datetime
import logging
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from vanthu.orgs.models import Organization
from vanthu.registry.models import Direction, Document, DocumentFile
from vanthu.search import access, backends
from vanthu.search.models import PendingEntry
from vanthu.search.query import MAX_TOKEN_CHARS, exact_tokens, folded_tokens, number_token

log = logging.getLogger(__name__)

# Text beyond this many characters per document is not indexed: an OCR'd book would otherwise
# make one entry larger than the rest of a small office's index.
MAX_INDEXED_CHARS = 500_000


# Words repeat across documents (syllables, issuers, type names): each space-separated piece
# is folded and tokenised once. Splitting on U+0020 gives exactly the tokens of the whole text:
# a space is never removed by nfc(), never part of a token or a tone-placement word, and NFC
# composes nothing across it (tests/legacy/test_search_entries.py checks this with hypothesis).
# Longer pieces (a line of OCR text without spaces) are not worth a cache slot.
_PIECE_CACHE = 1 << 16
_PIECE_CACHED_CHARS = 48
_ASCII_TOKEN = re.compile(r"[a-z0-9]+")
_pieces_seen: dict[str, tuple[list[str], list[str]]] = {}


def _plain_ascii(text: str) -> bool:
    return text.isascii() and text.isprintable()


def _ascii_tokens(text: str) -> list[str]:
    """folded_tokens() and exact_tokens() of printable ASCII (numbers, symbols, file names):
    nfc(), tone placement and diacritic folding change nothing there, so both keys are the
    lower-cased runs of letters and digits. Unique per row, so not worth a cache slot."""
    return [number_token(t) for t in _ASCII_TOKEN.findall(text.lower())]


def _piece_tokens(piece: str) -> tuple[list[str], list[str]]:
    """(folded, exact) tokens of one piece, tokens longer than MAX_TOKEN_CHARS left out."""
    found = _pieces_seen.get(piece)
    if found is None and _plain_ascii(piece):
        tokens = [t for t in _ascii_tokens(piece) if len(t) <= MAX_TOKEN_CHARS]
        return tokens, tokens
    if found is None:
        found = (
            [t for t in folded_tokens(piece) if len(t) <= MAX_TOKEN_CHARS],
            [t for t in exact_tokens(piece) if len(t) <= MAX_TOKEN_CHARS],
        )
        if len(piece) <= _PIECE_CACHED_CHARS:
            if len(_pieces_seen) >= _PIECE_CACHE:
                _pieces_seen.clear()
            _pieces_seen[piece] = found
    return found


def _tokens(texts: Iterable[str]) -> tuple[list[str], list[str]]:
    """(folded, exact) tokens of ``texts``, at most MAX_INDEXED_CHARS of text in all."""
    folded: list[str] = []
    exact: list[str] = []
    budget = MAX_INDEXED_CHARS
    for text in texts:
        if not text or budget <= 0:
            continue
        text = text[:budget]
        budget -= len(text)
        for piece in text.split(" "):
            if piece:
                f, e = _piece_tokens(piece)
                folded += f
                exact += e
    return folded, exact


def _entry(
    document: Document, file_texts: Sequence[str], sender_name: str | None
) -> backends.Entry:
    sender = [document.sender]
    if sender_name is not None:
        sender.append(sender_name)
    if document.direction != Direction.INCOMING:
        # The issuer of an outgoing or internal document is its own organisation.
        sender.append(document.organization.name)
    symbol = document.number_symbol
    folded, exact = _tokens(
        [
            document.summary,
            document.number_symbol,
            document.document_type.name,
            *sender,
            document.signer,
            document.notes,
            *file_texts,
        ]
    )
    return backends.Entry(
        document_id=document.pk,
        folded=folded,
        exact=exact,
        symbol=_ascii_tokens(symbol) if _plain_ascii(symbol) else folded_tokens(symbol),
        sender=_tokens(sender)[0],
        access=access.document_tokens(
            document.organization.path, document.organization.kind, document.secrecy
        ),
    )


def build_entry(document: Document, file_texts: Sequence[str]) -> backends.Entry:
    """What the index holds for one document: its register fields and its files' text."""
    organization = document.sender_organization
    return _entry(document, file_texts, organization.name if organization is not None else None)


def _file_texts(ids: Sequence[int]) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = {}
    for doc_id, text in (
        DocumentFile.objects.filter(document_id__in=ids)
        .exclude(text="")
        .order_by("document_id", "position", "pk")
        .values_list("document_id", "text")
    ):
        texts.setdefault(doc_id, []).append(text)
    return texts


def index_documents(document_ids: Sequence[int], *, clear_token: int | None = None) -> int:
    """Upsert the entries of ``document_ids``; ids whose document is gone are removed.

    With ``clear_token``, their pending rows written with that token go in the same commit.
    """
    ids = list(dict.fromkeys(document_ids))
    if not ids:
        return 0
    documents = list(
        Document.objects.filter(pk__in=ids)
        .select_related("document_type", "organization", "sender_organization")
        .order_by("pk")
    )
    texts = _file_texts(ids)
    found = {d.pk for d in documents}
    with transaction.atomic():
        backends.delete([i for i in ids if i not in found])
        backends.upsert([build_entry(d, texts.get(d.pk, [])) for d in documents])
        if clear_token is not None:
            clear_pending(ids, clear_token)
    return len(documents)


# --- the durable record of an entry still to write ----------------------------------------


# Written out rather than through the ORM: on every registration, and the ORM's upsert and
# delete cost 0.8 ms (SQLite) and 1.9 ms (PostgreSQL) of CPU a pair against 0.1 and 0.5 here
# (docs/search.md, "Index maintenance"). ON CONFLICT is the same on both databases.
_PENDING = PendingEntry._meta.db_table
_MARK = (
    # S608: the table's name; every value is a bound parameter.
    f"INSERT INTO {_PENDING} (document_id, token, since) VALUES {{rows}} "  # noqa: S608
    "ON CONFLICT (document_id) DO UPDATE SET token = excluded.token, since = excluded.since"
)


def mark_pending(document_ids: Sequence[int]) -> int:
    """Record, in the caller's transaction, that these documents' entries are to be written.

    One statement (an upsert). Returns the token that :func:`clear_pending` needs: a later
    change of the same document writes its own token, so an earlier write that read the
    document before that change cannot remove the later change's record.
    """
    token = secrets.randbits(62)
    ids = list(dict.fromkeys(document_ids))
    if ids:
        now = connection.ops.adapt_datetimefield_value(timezone.now())  # as the ORM stores it
        with connection.cursor() as cursor:
            cursor.execute(
                _MARK.format(rows=", ".join(["(%s, %s, %s)"] * len(ids))),
                [v for i in ids for v in (i, token, now)],
            )
    return token


def clear_pending(document_ids: Sequence[int], token: int) -> None:
    """Remove the pending rows of ``document_ids`` that still carry ``token`` (one statement)."""
    ids = list(document_ids)
    if not ids:
        return
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_PENDING} WHERE document_id IN ({marks}) AND token = %s",  # noqa: S608
            [*ids, token],
        )


def index_pending(*, older_than: float | None = None, batch: int = 500) -> int:
    """Write the entries that no process wrote after its commit; return how many.

    Only rows older than ``older_than`` seconds (default ``VANTHU_JOB_RESEND_SECONDS``) are
    taken, so the write right after a commit is not raced. The rows are read before the
    documents, so each entry written reflects at least the change that left its row; a row is
    removed only if no later change has claimed it meanwhile. Run by Celery beat
    (``vanthu.search.tasks.index_pending``) on the ``index`` queue.
    """
    if older_than is None:
        older_than = float(getattr(settings, "VANTHU_JOB_RESEND_SECONDS", 120))
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than)
    done = 0
    while True:
        rows = list(
            PendingEntry.objects.filter(since__lte=cutoff)
            .order_by("since", "document_id")
            .values_list("document_id", "token")[:batch]
        )
        if not rows:
            return done
        try:
            _write_pending(rows)
        except Exception:
            # One entry that cannot be built must not hold back the others: one at a time,
            # and a failing one goes to the back of the queue (its error logged each time).
            for row in rows:
                try:
                    _write_pending([row])
                except Exception:
                    log.exception("search: writing the pending entry of %s failed", row[0])
                    PendingEntry.objects.filter(document_id=row[0], token=row[1]).update(
                        since=timezone.now()
                    )
                    continue
                done += 1
        else:
            done += len(rows)
        if len(rows) < batch:
            return done


def _write_pending(rows: Sequence[tuple[int, int]]) -> None:
    with transaction.atomic():
        index_documents([i for i, _ in rows])
        PendingEntry.objects.filter(
            reduce(or_, (Q(document_id=i, token=t) for i, t in rows))
        ).delete()


def index_created(documents: Sequence[Document]) -> int:
    """Write the entries of ``documents`` created in the current transaction, in bulk.

    The same entries as :func:`index_documents` (tests/legacy/test_search_entries.py compares
    them), built from the objects in hand instead of re-reading each row: each document's
    ``document_type`` and ``organization`` must be loaded or cached (the bulk creator holds
    them); issuers' names and file texts are read in one query each. For bulk creators such as
    the legacy import, where re-reading every row was a quarter of the cost of indexing it.
    New documents have no entry yet, so the entries are appended (PostgreSQL: one COPY), built
    one by one as the rows go, so the server indexes the first while the next are built.
    """
    if not documents:
        return 0
    ids = [d.pk for d in documents]
    sender_ids = {d.sender_organization_id for d in documents} - {None}
    names = dict(Organization.objects.filter(pk__in=sender_ids).values_list("pk", "name"))
    texts = _file_texts(ids)
    entries = (
        _entry(
            d,
            texts.get(d.pk, []),
            names.get(d.sender_organization_id) if d.sender_organization_id else None,
        )
        for d in documents
    )
    with transaction.atomic():
        backends.append(entries)
    return len(documents)


def index_document(document_id: int) -> None:
    """Idempotent upsert of one document's entry; removes it if the document is gone."""
    index_documents([document_id])


@dataclass(frozen=True)
class _Reindex:
    """An on-commit callback that compares equal per document, so it is queued only once."""

    document_id: int
    token: int = field(default=0, compare=False)

    def __call__(self) -> None:
        try:
            index_documents([self.document_id], clear_token=self.token)
        except Exception:
            # The change and its pending row are committed: index_pending writes the entry.
            log.exception("search: indexing document %s failed", self.document_id)


def document_changed(document_id: int) -> None:
    """Index ``document_id`` right after the current transaction commits (now if none).

    The pending row is written now, in the caller's transaction (one statement, once per
    document and transaction); the write after the commit removes it.
    """
    if connection.in_atomic_block and any(
        entry[1] == _Reindex(document_id) for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(_Reindex(document_id, mark_pending([document_id])))


def refresh_access(organization_ids: Iterable[int] | None = None) -> int:
    """Rewrite the access tokens of every entry of ``organization_ids`` (None: of all).

    For what changes an entry's visibility without changing its document: an organisation
    moved under another parent (its subtree's paths change) or turned into, or out of, an
    internal department. One statement per (organisation, secrecy) pair; the text is kept.
    """
    orgs = Organization.objects.all()
    if organization_ids is not None:
        orgs = orgs.filter(pk__in=list(organization_ids))
    groups = (
        Document.objects.filter(organization__in=orgs)
        .values_list("organization_id", "secrecy")
        .distinct()
        .order_by()
    )
    kinds = {pk: (path, kind) for pk, path, kind in orgs.values_list("pk", "path", "kind")}
    updated = 0
    with transaction.atomic():
        for org_id, secrecy in list(groups):
            path, kind = kinds[org_id]
            updated += backends.set_access(
                access.document_tokens(path, kind, secrecy),
                Document.objects.filter(organization_id=org_id, secrecy=secrecy).values("pk"),
            )
    return updated


@dataclass(frozen=True)
class _RefreshAccess:
    """On-commit callback: re-derive the access tokens of one subtree's entries."""

    path: str

    def __call__(self) -> None:
        try:
            refresh_access(
                Organization.objects.filter(path__startswith=self.path).values_list("pk", flat=True)
            )
        except Exception:
            # The change is committed; every window is re-checked against the policy, so a
            # stale token hides a document at worst; `vanthu reindex` repairs it.
            log.exception("search: refreshing access tokens under %s failed", self.path)


def organization_changed(organization: Organization) -> None:
    """Re-derive the access tokens of ``organization``'s subtree after the transaction commits.

    Call after an organisation moves (new parent: every path below changes) or changes kind
    (department or not). Documents themselves call :func:`document_changed`.
    """
    callback = _RefreshAccess(organization.path)
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


def empty_if_unused(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Empty the index when there is no document: after ``flush`` (run on ``post_migrate``).

    The index is not a Django model (an FTS5 virtual table, or tsvector columns the ORM cannot
    describe), so ``flush`` — which every ``TransactionTestCase`` runs at its end — left its
    entries behind for the next tests to count (a document whose id restarts, as after a
    ``flush`` that resets sequences, would even inherit one). Django has no post-flush signal,
    but ``flush`` sends ``post_migrate``; after a real ``migrate`` of a used database this
    costs one ``EXISTS`` and changes nothing.
    """
    conn = connections[using]
    if backends.TABLE not in conn.introspection.table_names():
        return False  # the search app is migrated back before its index
    if Document.objects.using(using).exists():
        return False
    with conn.cursor() as cursor:
        cursor.execute(f"DELETE FROM {backends.TABLE}")  # noqa: S608 (a constant)
    return True
