"""Database copies by the database's own tools, consistent while the system is in use.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot while
other processes read and write (WAL). PostgreSQL: ``pg_dump -Fc`` inside an exported snapshot,
so that the row counts written to the manifest are those of the dump; ``pg_restore`` back.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

from vanthu.backup.parts import BackupError

# What restore must give back, counted in the same snapshot as the dump (manifest "counts").
COUNTED_TABLES = (
    "orgs_organization",
    "orgs_user",
    "registry_document",
    "registry_documentfile",
    "records_dossier",
    "audit_event",
)
# A target that holds a row in any of these is not an empty installation.
USER_DATA_TABLES = (
    "orgs_organization",
    "orgs_user",
    "registry_document",
    "audit_event",
)


def vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def dump_name(vendor_name: str) -> str:
    return "database.sqlite3" if vendor_name == "sqlite" else "database.pgdump"


def _pg_env(settings: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings.get(key):
            env[var] = str(settings[key])
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            [f"Không tìm thấy công cụ {name} (gói postgresql-client) để sao lưu PostgreSQL."]
        )
    return path


def _counts(cursor: Any, tables: tuple[str, ...], existing: set[str]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for table in tables:
        if table in existing:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed names
            counts[table] = int(cursor.fetchone()[0])
    heads: dict[str, list[Any]] = {}
    if "audit_chain" in existing:
        cursor.execute("SELECT key, last_seq, last_hash FROM audit_chain ORDER BY key")
        heads = {key: [int(seq), h] for key, seq, h in cursor.fetchall()}
    return {"rows": counts, "chain_heads": heads}


def dump(target: Path, alias: str = "default") -> dict[str, Any]:
    """Write the database to ``target``; return the counts of the copied snapshot."""
    conn = connections[alias]
    settings = conn.settings_dict
    if conn.vendor == "sqlite":
        source = sqlite3.connect(str(settings["NAME"]), timeout=30)
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)  # one step: a consistent snapshot
            cur = copy.cursor()
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            existing = {r[0] for r in cur.fetchall()}
            result = _counts(cur, COUNTED_TABLES, existing)
        finally:
            copy.close()
            source.close()
        return result
    if conn.vendor != "postgresql":
        raise BackupError([f"Cơ sở dữ liệu {conn.vendor} chưa được hỗ trợ."])
    pg_dump = _tool("pg_dump")
    # One REPEATABLE READ transaction exports its snapshot; pg_dump reads that same snapshot,
    # so the counts below are exactly what the dump holds, however busy the system is.
    import psycopg

    params = {
        "dbname": settings["NAME"],
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}) as pg:
        pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        pg_cur = pg.cursor()
        pg_cur.execute("SELECT pg_export_snapshot()")
        row = pg_cur.fetchone()
        if row is None:
            raise BackupError(["PostgreSQL không xuất được ảnh chụp (snapshot)."])
        snapshot = row[0]
        pg_cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        existing = {r[0] for r in pg_cur.fetchall()}
        result = _counts(pg_cur, COUNTED_TABLES, existing)
        done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [
                pg_dump,
                "-Fc",
                "--no-owner",
                f"--snapshot={snapshot}",
                "-f",
                str(target),
                str(settings["NAME"]),
            ],
            env=_pg_env(settings),
            capture_output=True,
            text=True,
            check=False,
        )
        pg.rollback()
    if done.returncode != 0:
        raise BackupError([f"pg_dump thất bại: {done.stderr.strip()}"])
    return result


def existing_user_data(alias: str = "default") -> list[str]:
    """The user-data tables of the target that hold rows (empty list = empty installation)."""
    conn = connections[alias]
    tables = set(conn.introspection.table_names())
    full = []
    with conn.cursor() as cur:
        for table in USER_DATA_TABLES:
            if table in tables:
                cur.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 - fixed names
                if cur.fetchone() is not None:
                    full.append(table)
    return full


def counts(alias: str = "default") -> dict[str, Any]:
    conn = connections[alias]
    existing = set(conn.introspection.table_names())
    with conn.cursor() as cur:
        return _counts(cur, COUNTED_TABLES, existing)


def load(source: Path, alias: str = "default") -> None:
    """Replace the (checked empty) target database with the dump at ``source``."""
    conn = connections[alias]
    settings = conn.settings_dict
    conn.close()
    if conn.vendor == "sqlite":
        copy = sqlite3.connect(str(source))
        target = sqlite3.connect(str(settings["NAME"]), timeout=30)
        try:
            copy.backup(target)
        finally:
            target.close()
            copy.close()
        return
    pg_restore = _tool("pg_restore")
    done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
        [
            pg_restore,
            "--no-owner",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            str(settings["NAME"]),
            str(source),
        ],
        env=_pg_env(settings),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError([f"pg_restore thất bại: {done.stderr.strip()}"])
