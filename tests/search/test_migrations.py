"""Migrations ``search.0002_access_tokens`` and ``0003_exact_access_index`` on a database that
already has search entries: the entries written by 0001 (four columns, no access tokens) are
kept and get their tokens, so search finds them right after ``migrate``, each only for the
users the policy lets see it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from vanthu.access.policy import visible
from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.registry.models import Document
from vanthu.search import access, backends, indexing
from vanthu.search.selectors import search_documents

# Schema changes cannot run inside the test's transaction (SQLite refuses to alter a schema
# there with foreign keys on): these tests commit, and clean up the index themselves.
pytestmark = pytest.mark.django_db(transaction=True)


def _latest() -> str:
    executor = MigrationExecutor(connection)
    leaves = [name for app, name in executor.loader.graph.leaf_nodes() if app == "search"]
    assert len(leaves) == 1
    return leaves[0]


@pytest.fixture
def at_0001() -> Iterator[None]:
    """The search app migrated back to 0001, and forward again afterwards."""
    latest = _latest()
    # The index starts empty: the flush after each committing test empties it too
    # (indexing.empty_if_unused), so the counts below are this test's own.
    assert backends.entry_count() == 0
    call_command("migrate", "search", "0001", verbosity=0)
    try:
        yield
    finally:
        call_command("migrate", "search", latest, verbosity=0)


def _write_0001_entry(document: Document) -> None:
    """An entry as 0001's schema holds it: four text columns, no access column."""
    entry = indexing.build_entry(document, [])
    columns = (entry.folded, entry.exact, entry.symbol, entry.sender)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {backends.TABLE} (document_id, folded, exact, symbol, sender) "  # noqa: S608
                "VALUES (%s, %s::tsvector, %s::tsvector, %s::tsvector, %s::tsvector)",
                [document.pk, *(backends.tsvector(c) for c in columns)],
            )
        else:
            cursor.execute(
                f"INSERT INTO {backends.TABLE} (rowid, folded, exact, symbol, sender) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s)",
                [document.pk, *(" ".join(c) for c in columns)],
            )


def _columns() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                [backends.TABLE],
            )
            return {r[0] for r in cursor.fetchall()}
        cursor.execute(f"SELECT * FROM {backends.TABLE} LIMIT 0")  # noqa: S608
        return {d[0] for d in cursor.description}


def _tokens(document: Document) -> set[str]:
    postgres = connection.vendor == "postgresql"
    column = "array_to_string(tsvector_to_array(access), ' ')" if postgres else "access"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {backends.TABLE} WHERE {backends.id_column()} = %s",  # noqa: S608
            [document.pk],
        )
        (value,) = cursor.fetchone()
    return set(value.split())


def _doc(organization: Organization, summary: str, secrecy: str = "none") -> Document:
    # Created without document_changed: the index is written by hand, as 0001 left it.
    return Document.objects.create(
        direction="incoming",
        organization=organization,
        document_type=DocumentType.objects.get(code="NQ"),
        summary=summary,
        secrecy=secrecy,
        status="new",
    )


def _found(user: User, q: str) -> set[int]:
    page = search_documents(user, q, limit=50)
    assert page.count == len(page.hits)
    return {h.document.pk for h in page.hits}


def test_0002_keeps_and_converts_existing_entries(city: Any, make_user: Any, at_0001: None) -> None:
    assert "access" not in _columns()
    cell = _doc(city.cb1, "Kế hoạch kiểm tra chi bộ")
    sibling = _doc(city.du2, "Kế hoạch kiểm tra đảng ủy")
    classified = _doc(city.du1, "Kế hoạch kiểm tra nhân sự", secrecy="secret")
    for document in (cell, sibling, classified):
        _write_0001_entry(document)

    call_command("migrate", "search", _latest(), verbosity=0)

    assert "access" in _columns()
    assert backends.entry_count() == 3
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s", [backends.TABLE]
            )
            indexes = {r[0] for r in cursor.fetchall()}
        # 0002's GIN over (folded, access) replaces the one on folded; 0003 adds (exact, access).
        assert {"search_index_folded_access", "search_index_exact_access"} <= indexes
        assert "search_index_folded" not in indexes
    for document in (cell, sibling, classified):
        org = document.organization
        want = access.document_tokens(org.path, org.kind, document.secrecy)
        assert _tokens(document) == set(want)
    leader = make_user(organization=city.du1, roles=["leader"], clearance="secret")
    plain_leader = make_user(organization=city.du1, roles=["leader"])
    other = make_user(organization=city.du2, roles=["leader"], clearance="secret")
    # The leader of du1 sees its subtree (the cell) but not the sibling committee; the secret
    # document only with clearance and need-to-know (here: directing it).
    assert _found(leader, "kế hoạch kiểm tra") == {cell.pk}
    Document.objects.filter(pk=classified.pk).update(directed_by=leader)
    assert _found(leader, "kế hoạch kiểm tra") == {cell.pk, classified.pk}
    assert _found(plain_leader, "kế hoạch kiểm tra") == {cell.pk}
    assert _found(other, "kế hoạch kiểm tra") == {sibling.pk}
    for user in (leader, plain_leader, other):
        everything = Document.objects.all()
        assert _found(user, "kế hoạch") == set(
            visible(user, everything).values_list("pk", flat=True)
        )


def _fastupdate() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, coalesce(array_to_string(c.reloptions, ','), '') FROM pg_class c "
            "JOIN pg_index i ON i.indexrelid = c.oid JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_am a ON a.oid = c.relam WHERE t.relname = %s AND a.amname = 'gin'",
            [backends.TABLE],
        )
        return {name: options for name, options in cursor.fetchall()}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: FTS5 has no pending list"
)
def test_0005_turns_the_pending_list_off_and_keeps_pending_entries(
    city: Any, make_user: Any, at_0001: None
) -> None:
    """Entries written while the GIN indexes still had a pending list are merged into them and
    found after the migration; every search GIN then has ``fastupdate=off``."""
    call_command("migrate", "search", "0004", verbosity=0)
    assert not any("fastupdate=off" in o for o in _fastupdate().values())
    docs = [_doc(city.du1, f"Kế hoạch kiểm tra số {n}") for n in range(3)]
    indexing.index_documents([d.pk for d in docs])

    call_command("migrate", "search", _latest(), verbosity=0)

    options = _fastupdate()
    assert set(options) >= {"search_index_folded_access", "search_index_exact_access"}
    assert all("fastupdate=off" in o for o in options.values()), options
    clerk = make_user(organization=city.du1, roles=["clerk"])
    assert _found(clerk, "kế hoạch kiểm tra") == {d.pk for d in docs}
    assert _found(make_user(organization=city.du2, roles=["clerk"]), "kế hoạch") == set()
    call_command("migrate", "search", "0004", verbosity=0)
    assert not any("fastupdate=off" in o for o in _fastupdate().values())
