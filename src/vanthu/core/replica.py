"""Reads that tolerate lag on a PostgreSQL streaming replica (docs/deploy.md, "Read replica").

With ``VANTHU_REPLICA_DATABASE_URL`` set, settings add a ``replica`` database alias. Only the
reads that may be a moment behind the primary ask for it, explicitly, through :func:`alias`:
search (``vanthu.search.selectors``) and printed registers (``vanthu.reports.selectors``).
Everything else, and every write, stays on ``default``:

- :class:`Router` sends every write to ``default``, even the save of an object that was read
  from the replica (Django would otherwise write back where the object came from), and never
  migrates the replica (it is a copy of the primary, read-only);
- numbering, registration, access checks of a single object and anything a user expects to
  see right after saving it do not call :func:`alias`, so they read the primary.

Without the variable :func:`alias` is ``default`` and nothing changes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"


def enabled() -> bool:
    return REPLICA in settings.DATABASES


def alias() -> str:
    """The database alias for a read that tolerates replication lag."""
    return REPLICA if enabled() else DEFAULT_DB_ALIAS


class Router:
    """Writes and migrations on the primary; reads wherever the queryset says (``.using``)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        return None  # Django's default: the instance's own database, else ``default``.

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA
