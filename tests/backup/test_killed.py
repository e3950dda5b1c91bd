"""A backup process killed halfway (SIGKILL, no chance to clean up) leaves a run that is never
taken for a complete one: not as the base of the next incremental run, not by restore, not by
the check. The next run is whole and restores everything."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.backup.conftest import Target, _database_url, attach, snapshot_here
from vanthu.backup.parts import COMPLETE, MANIFEST, BackupError
from vanthu.backup.services import check_backup, complete_runs, make_backup

pytestmark = pytest.mark.slow

BIG = 16 * 1024 * 1024  # three of these take a noticeable moment to copy and hash


def _source_env(target: Target) -> dict[str, str]:
    """This installation (the test database, its blob store and keys) for a child process."""
    env = dict(target.env)
    env["VANTHU_STORAGE"] = str(django_settings.VANTHU_STORAGE)
    env["VANTHU_AUDIT_DIGEST_DIR"] = str(django_settings.VANTHU_AUDIT_DIGEST_DIR)
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = _database_url(str(connection.settings_dict["NAME"]))
    else:
        env["DATABASE_URL"] = f"sqlite:///{connection.settings_dict['NAME']}"
    return env


def _kill_once_blobs_are_being_copied(
    proc: subprocess.Popen[bytes], dest: Path, before: set[Path]
) -> bool:
    """SIGKILL the backup as soon as its run folder holds the database dump and the copy of the
    blobs has begun; False if it finished first (then there was nothing to interrupt)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        runs = [p for p in dest.iterdir() if p.is_dir() and p not in before]
        if runs and any((runs[0] / "blobs").glob("*")):
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            return True
        time.sleep(0.002)
    proc.kill()
    raise AssertionError("the backup never started copying files")


def test_a_backup_killed_halfway_is_never_used(
    committed_office: Any, empty_target: Target, tmp_path: Path
) -> None:
    sets = tmp_path / "set-K"
    full = make_backup(sets, full=True)
    assert full.blobs_copied == 3 and not full.problems

    # New files, then the nightly incremental run, killed while it copies them.
    doc = committed_office.document(summary="Về việc bổ sung hồ sơ")
    for i in range(3):
        attach(committed_office, doc, b"%PDF-1.7 " + os.urandom(BIG), f"moi{i}.pdf")
    env = _source_env(empty_target)
    proc = subprocess.Popen(
        [sys.executable, "-m", "vanthu.cli", "backup", str(sets)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    killed = _kill_once_blobs_are_being_copied(proc, sets, {full.run})
    assert killed, "the backup finished before it could be interrupted"
    assert proc.returncode == -signal.SIGKILL
    broken = [run for run in sets.iterdir() if run.is_dir() and run != full.run]
    assert len(broken) == 1
    assert not (broken[0] / COMPLETE).exists() and not (broken[0] / MANIFEST).exists()

    # The set's complete runs are still just the full one; checking the broken run says so.
    assert complete_runs(sets) == [full.run]
    with pytest.raises(BackupError, match="chưa hoàn tất \\(bị gián đoạn giữa chừng\\)"):
        check_backup(broken[0])

    # The next run does not build on the broken one and copies the three new files again.
    again = make_backup(sets)
    assert again.kind == "incr" and again.blobs_copied == 3 and again.blobs_skipped == 3
    assert not again.problems

    # Restore takes the newest complete run and gives back everything.
    expected = snapshot_here()
    restored = empty_target.run("restore", str(sets))
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert again.run.name in restored.stdout and broken[0].name not in restored.stdout
    verified = empty_target.run("verify", "--strict")
    assert verified.returncode == 0, verified.stderr + verified.stdout
    assert empty_target.snapshot() == expected
