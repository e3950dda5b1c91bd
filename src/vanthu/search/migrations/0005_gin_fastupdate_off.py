"""PostgreSQL: the search GIN indexes without a pending list (``fastupdate = off``).

With ``fastupdate`` on (PostgreSQL's default) a new entry's lexemes go to an unordered pending
list that every search reads in full until a vacuum (or 4 MB of it) merges it into the index.
Each entry holds hundreds of lexemes, so a few hundred entries written since the last vacuum
fill it: measured on the benchmark's corpus, a leader's query read 16,400 buffers after 300
entries were rewritten, 161 before (docs/search.md, "Index maintenance"). Off, each write
costs more (5.7 against 2.0 ms of server CPU per entry) and every search stays as cheap as
right after a vacuum.

Safe on a big table: changing the option rewrites nothing (a brief lock on each index), and
``gin_clean_pending_list`` then moves what is pending into the index without blocking reads or
writes, each statement in its own transaction (``atomic = False``). SQLite: nothing to do.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

INDEXES = (
    "search_index_folded_access",
    "search_index_exact_access",
    "search_index_symbol",
    "search_index_sender",
)


def _set(schema_editor: BaseDatabaseSchemaEditor, value: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} SET (fastupdate = {value})")
        if value == "off":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT gin_clean_pending_list(c.oid) FROM pg_class c "
                    "WHERE c.relname = %s AND c.relkind = 'i'",
                    [name],
                )


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _set(schema_editor, "off")


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _set(schema_editor, "on")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("search", "0004_pending_entries")]

    operations = [migrations.RunPython(forwards, backwards)]
