"""Reads that tolerate lag go to a real streaming replica; registration never does (issue #11).

A primary and a hot standby (``pg_basebackup -R``) are started here, each in a temporary folder
on a port of its own. A child process with the production settings, ``DATABASE_URL`` on the
primary and ``VANTHU_REPLICA_DATABASE_URL`` on the standby, registers a document, searches for
it and reads its register, recording which alias each statement went to.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults import pg
from tests.faults.stack import seed
from tests.production.stack import BIN, REPO

pytestmark = [pytest.mark.slow, pytest.mark.once]


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[pg.Cluster, pg.Cluster]]:
    reason = pg.available()
    if reason:
        if os.environ.get("VANTHU_TEST_POSTGRES") == "1":
            pytest.fail(f"a private PostgreSQL is required but cannot start: {reason}")
        pytest.skip(reason)
    # Not under pytest's temporary root: a parallel pytest run may prune it while we run.
    folder = tempfile.TemporaryDirectory(prefix="vanthu-replica-")
    root = Path(folder.name)
    primary = standby = None
    try:
        primary = pg.primary(root / "primary")
        primary.psql("CREATE DATABASE vanthu")
        standby = pg.standby(primary, root / "standby")
        yield primary, standby
    finally:
        pg.stop_quietly(standby)
        pg.stop_quietly(primary)
        folder.cleanup()


def _env(tmp: Path, primary: pg.Cluster, standby: pg.Cluster | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VANTHU_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="vanthu.settings",
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
        DATABASE_URL=primary.url("vanthu"),
        VANTHU_DATA_DIR=str(tmp),
        VANTHU_SECURITY_ZONE="isolated",
        VANTHU_TASKS_EAGER="1",
        VANTHU_LOG_LEVEL="WARNING",
    )
    if standby is not None:
        env["VANTHU_REPLICA_DATABASE_URL"] = standby.url("vanthu")
    return env


def _run(argv: list[str], env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


def test_search_and_registers_read_the_replica_registration_never(
    pair: tuple[pg.Cluster, pg.Cluster], tmp_path: Path
) -> None:
    primary, standby = pair
    env = _env(tmp_path, primary, standby)
    # Migrating with the replica configured: the router keeps it away from the standby.
    _run([str(BIN / "vanthu"), "migrate", "--noinput"], env, tmp_path)
    seed(env, tmp_path)
    child = Path(__file__).with_name("replica_child.py")
    out = json.loads(_run([sys.executable, str(child)], env, tmp_path).splitlines()[-1])

    # Registration (numbering included) ran on the primary only.
    assert out["number"], out
    assert out["register"]["replica"] == []
    assert any(q.startswith("INSERT") for q in out["register"]["default"])
    assert any("registry_counter" in q or "FOR UPDATE" in q for q in out["register"]["default"])

    # The search found the new document, through the replica: the full-text count and rank
    # and the listing ran there; only the final access re-check reads the primary.
    assert out["found"], out["search"]
    replica_sql = " ".join(out["search"]["replica"])
    assert "search_index" in replica_sql and "registry_document" in replica_sql, replica_sql
    assert "search_index" not in " ".join(out["search"]["default"])
    assert not any(q.startswith(("INSERT", "UPDATE", "DELETE")) for q in out["search"]["replica"])

    # The printed register's entries came from the replica.
    assert out["in_register"]
    assert any("registry_document" in q for q in out["report"]["replica"])
    assert not any('FROM "registry_document"' in q for q in out["report"]["default"])

    # And it is a real hot standby: a write sent there by mistake is refused.
    assert "read-only transaction" in out["replica_write"], out["replica_write"]


def test_without_the_setting_everything_reads_the_primary(
    pair: tuple[pg.Cluster, pg.Cluster], tmp_path: Path
) -> None:
    primary, _standby = pair
    env = _env(tmp_path, primary, None)
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from vanthu.core import replica\n"
        "print(sorted(settings.DATABASES), replica.alias())\n"
    )
    assert _run([sys.executable, "-c", code], env, tmp_path).split() == ["['default']", "default"]


def test_a_bad_replica_url_is_a_clear_error_and_nothing_is_written(
    pair: tuple[pg.Cluster, pg.Cluster], tmp_path: Path
) -> None:
    primary, _standby = pair
    env = _env(tmp_path, primary, None)
    env["VANTHU_REPLICA_DATABASE_URL"] = f"nosuchdb://x/{uuid.uuid4().hex}"
    done = subprocess.run(
        [str(BIN / "vanthu"), "check"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "nosuchdb" in done.stderr
