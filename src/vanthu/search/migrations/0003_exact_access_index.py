"""PostgreSQL: a GIN index over ``(exact, access)`` (docs/search.md, "Counts and ranking").

The exact-spelling pass of a query typed with diacritics (``mật``: the newest matches holding
"mật" itself, ranked first) otherwise re-reads the ``exact`` vector of every folded match;
with this index the engine intersects the exact spelling and the user's access tokens in one
index scan, as ``search_index_folded_access`` does for the folded text. SQLite: nothing to do,
FTS5 indexes every column.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

FORWARDS = (
    "CREATE INDEX IF NOT EXISTS search_index_exact_access ON search_index USING gin (exact, access)"
)
BACKWARDS = "DROP INDEX IF EXISTS search_index_exact_access"


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_access_tokens")]

    operations = [migrations.RunPython(forwards, backwards)]
