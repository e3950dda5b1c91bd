"""Inserting a chunk of imported documents: one executemany on SQLite, one COPY on PostgreSQL.

The rows are prepared exactly as Django's ``bulk_create`` prepares them (each field's
``pre_save`` then ``get_db_prep_save``); tests/legacy/test_search_entries.py compares what both
ways store with what ``bulk_create`` stores, on both databases.

SQLite: Django caps an INSERT at 999 parameters (38 documents of 27 columns), and composing
those statements was about 40 % of what ``bulk_create`` cost (measured on 10,000 documents), so
the chunk goes as one executemany; the ids are then read back from the import's own register,
which nothing else writes to: it was created closed in the same transaction, and SQLite has one
writer at a time, so ids grow in insertion order.

PostgreSQL: the chunk's ids are taken from the table's sequence first (one statement; ids are
not registration numbers, so a rolled-back import's unused ids are of no concern), then the rows
go with their ids in one ``COPY`` (psycopg's ``cursor.copy``, values adapted by psycopg in C):
the server parses no statement and the client composes none, and the same constraints and
triggers apply as to an INSERT. Measured at 20,000 rows: docs/legacy-import.md, "Speed".
"""

# S608: the statements are built from the model's own table and column names (quoted by the
# backend); every value is a bound parameter or COPY data.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Field

from vanthu.registry.models import Document, Register


def insert_documents(documents: Sequence[Document], register: Register) -> None:
    """Save ``documents`` (new, all in ``register``, in this order); each gets its pk."""
    insert_prepared(documents, prepare(documents, register), register)


def prepare(documents: Sequence[Document], register: Register) -> list[list[Any]]:
    """The column values of ``documents`` as bulk_create prepares them. No database access:
    the import prepares a chunk while the previous one is being written (storing.py)."""
    if any(doc.pk is not None or doc.register_id != register.pk for doc in documents):
        raise ValueError("insert_documents: only new documents of the import's register")
    for doc in documents:
        # What bulk_create does first: foreign keys from the related objects set on the row
        # (refusing an unsaved one). A Django model method that django-stubs does not declare.
        doc._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
    fields = _fields()
    return [
        [f.get_db_prep_save(f.pre_save(doc, True), connection) for f in fields] for doc in documents
    ]


def insert_prepared(
    documents: Sequence[Document], rows: Sequence[Sequence[Any]], register: Register
) -> None:
    """Write ``rows`` (:func:`prepare` of ``documents``); each document gets its pk."""
    if len(rows) != len(documents):
        raise ValueError("insert_prepared: one row per document")
    if not documents:
        return
    if connection.vendor == "postgresql":
        ids = _copy_postgresql(rows)
    else:
        ids = _executemany_sqlite(rows, register)
    if len(ids) != len(documents):
        raise RuntimeError("insert_documents: the register's new rows do not match the chunk")
    for doc, pk in zip(documents, ids, strict=True):
        doc.pk = pk
        doc._state.adding = False
        doc._state.db = connection.alias


def _fields() -> list[Field[Any, Any]]:
    return [f for f in Document._meta.concrete_fields if not f.primary_key]


def _copy_postgresql(rows: Sequence[Sequence[Any]]) -> list[int]:
    meta = Document._meta
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in [meta.pk, *_fields()])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [int(row[0]) for row in cursor.fetchall()]
        # The psycopg cursor under Django's (COPY is no DB-API call), its errors raised as
        # Django's, as every other statement's are.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN") as copy,
        ):
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, *row])
    return ids


def _executemany_sqlite(rows: Sequence[Sequence[Any]], register: Register) -> list[int]:
    meta = Document._meta
    fields = _fields()
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(MAX({quote(meta.pk.column)}), 0) FROM {quote(meta.db_table)} "
            f"WHERE {quote('register_id')} = %s",
            [register.pk],
        )
        last = cursor.fetchone()[0]
        cursor.executemany(f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})", rows)
        cursor.execute(
            f"SELECT {quote(meta.pk.column)} FROM {quote(meta.db_table)} "
            f"WHERE {quote('register_id')} = %s AND {quote(meta.pk.column)} > %s "
            f"ORDER BY {quote(meta.pk.column)}",
            [register.pk, last],
        )
        return [int(row[0]) for row in cursor.fetchall()]
