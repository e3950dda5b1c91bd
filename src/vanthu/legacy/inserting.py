"""Inserting a chunk of imported documents: Django's bulk_create, or one executemany on SQLite.

Django caps a SQLite INSERT at 999 parameters (38 documents of 27 columns), and composing those
statements is about 40 % of what bulk_create costs (measured on 10,000 documents). On SQLite
the rows are prepared exactly as bulk_create prepares them (each field's ``pre_save`` then
``get_db_prep_save``) and sent as one executemany; their ids are then read back from the
import's own register, which nothing else writes to: it was created closed in the same
transaction, and SQLite has one writer at a time, so ids grow in insertion order. PostgreSQL
keeps bulk_create (one statement per chunk, ids by RETURNING).
tests/legacy/test_search_entries.py compares the rows both ways store.
"""

# S608: the statements are built from the model's own table and column names (quoted by the
# backend); every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from vanthu.registry.models import Document, Register

# PostgreSQL takes at most 65,535 parameters in one statement.
PG_MAX_PARAMS = 65_535


def insert_documents(documents: Sequence[Document], register: Register) -> None:
    """Save ``documents`` (new, all in ``register``, in this order); each gets its pk."""
    if not documents:
        return
    if any(doc.pk is not None or doc.register_id != register.pk for doc in documents):
        raise ValueError("insert_documents: only new documents of the import's register")
    if connection.vendor != "sqlite":
        columns = len(Document._meta.concrete_fields)
        Document.objects.bulk_create(documents, batch_size=PG_MAX_PARAMS // columns)
        return
    meta = Document._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    for doc in documents:
        # What bulk_create does first: foreign keys from the related objects set on the row
        # (refusing an unsaved one). A Django model method that django-stubs does not declare.
        doc._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
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
        cursor.executemany(
            f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})",
            [
                [f.get_db_prep_save(f.pre_save(doc, True), connection) for f in fields]
                for doc in documents
            ],
        )
        cursor.execute(
            f"SELECT {quote(meta.pk.column)} FROM {quote(meta.db_table)} "
            f"WHERE {quote('register_id')} = %s AND {quote(meta.pk.column)} > %s "
            f"ORDER BY {quote(meta.pk.column)}",
            [register.pk, last],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) != len(documents):
        raise RuntimeError("insert_documents: the register's new rows do not match the chunk")
    for doc, pk in zip(documents, ids, strict=True):
        doc.pk = pk
        doc._state.adding = False
        doc._state.db = connection.alias
