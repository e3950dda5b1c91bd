"""Access tokens in the index (docs/search.md, "Access"): a fifth column, ``access``.

SQLite: an FTS5 table cannot gain a column, so the table is rebuilt with five columns and the
entries copied. PostgreSQL: a ``tsvector`` column and one GIN index over (folded, access), so a
text match and a user's scope are intersected in one index scan; it replaces the GIN on folded.
The tokens of existing entries are then derived here from the documents and organisations, one
statement per (organisation, secrecy) pair: search keeps working right after ``migrate``
(``vanthu reindex`` writes the same tokens). The rule is written out here, not imported, so
that this migration never changes; ``search/access.py`` is the one the application uses.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SEGMENT = 10

SQLITE = [
    "CREATE VIRTUAL TABLE search_index_v2 USING fts5("
    "folded, exact, symbol, sender, access, tokenize = 'unicode61 remove_diacritics 0')",
    "INSERT INTO search_index_v2 (rowid, folded, exact, symbol, sender, access) "
    "SELECT rowid, folded, exact, symbol, sender, '' FROM search_index",
    "DROP TABLE search_index",
    "ALTER TABLE search_index_v2 RENAME TO search_index",
]
SQLITE_BACK = [
    "CREATE VIRTUAL TABLE search_index_v1 USING fts5("
    "folded, exact, symbol, sender, tokenize = 'unicode61 remove_diacritics 0')",
    "INSERT INTO search_index_v1 (rowid, folded, exact, symbol, sender) "
    "SELECT rowid, folded, exact, symbol, sender FROM search_index",
    "DROP TABLE search_index",
    "ALTER TABLE search_index_v1 RENAME TO search_index",
]
POSTGRESQL = [
    "ALTER TABLE search_index ADD COLUMN access tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX search_index_folded_access ON search_index USING gin (folded, access)",
    "DROP INDEX IF EXISTS search_index_folded",
]
POSTGRESQL_BACK = [
    "CREATE INDEX IF NOT EXISTS search_index_folded ON search_index USING gin (folded)",
    "DROP INDEX IF EXISTS search_index_folded_access",
    "ALTER TABLE search_index DROP COLUMN access",
]


def _tokens(path: str, kind: str, secrecy: str) -> list[str]:
    ids = [int(path[i : i + SEGMENT]) for i in range(0, len(path), SEGMENT)]
    if not ids:
        return []
    tokens = [f"o{ids[-1]}", *(f"t{i}" for i in ids)]
    if kind == "department":
        tokens += [f"d{i}" for i in ids]
    return [*tokens, "s" + secrecy.replace("_", "")]


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    pg = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRESQL if pg else SQLITE:
        schema_editor.execute(sql)
    organization = apps.get_model("orgs", "Organization")
    document = apps.get_model("registry", "Document")
    orgs = {pk: (path, kind) for pk, path, kind in organization.objects.values_list("pk", "path", "kind")}
    pairs = document.objects.values_list("organization_id", "secrecy").distinct().order_by()
    column = "document_id" if pg else "rowid"
    table = document._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        for org_id, secrecy in list(pairs):
            path, kind = orgs[org_id]
            tokens = _tokens(path, kind, secrecy)
            if pg:
                value = " ".join(f"'{t}'" for t in tokens)
            else:
                value = " ".join(tokens)
            cursor.execute(
                f"UPDATE search_index SET access = %s{'::tsvector' if pg else ''} "  # noqa: S608
                f"WHERE {column} IN (SELECT id FROM {table} "
                "WHERE organization_id = %s AND secrecy = %s)",
                [value, org_id, secrecy],
            )


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    pg = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRESQL_BACK if pg else SQLITE_BACK:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_index"),
        ("orgs", "0001_initial"),
        ("registry", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
