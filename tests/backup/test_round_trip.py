"""backup → restore into an empty second installation → verify gives back everything."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.backup.conftest import Target, attach, snapshot_here
from vanthu.backup.parts import COMPLETE, MANIFEST
from vanthu.backup.services import make_backup

pytestmark = pytest.mark.slow


def test_full_then_incremental_restores_every_document_file_and_event(
    committed_office: Any, empty_target: Target, tmp_path: Path
) -> None:
    sets = tmp_path / "set-A"
    full = make_backup(sets, full=True)
    assert full.kind == "full" and full.blobs_copied == 3 and not full.problems
    # The system goes on: one more document and file, then the nightly incremental run.
    doc = committed_office.document(summary="Về việc tổng kết công tác năm")
    new_file = attach(committed_office, doc, b"%PDF-1.7 moi " + b"Z" * 5000, "moi.pdf")
    incremental = make_backup(sets)
    assert incremental.kind == "incr"
    assert incremental.blobs_copied == 1 and incremental.blobs_skipped == 3
    manifest = json.loads((incremental.run / MANIFEST).read_text())
    assert list(manifest["blobs"]) == [new_file.sha256]
    assert manifest["base"] == [full.run.name]

    expected = snapshot_here()
    restored = empty_target.run("restore", str(sets))  # the newest complete run of the set
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert incremental.run.name in restored.stdout
    assert "không có vấn đề" in restored.stdout

    verified = empty_target.run("verify", "--strict")
    assert verified.returncode == 0, verified.stderr + verified.stdout
    got = empty_target.snapshot()
    assert got == expected
    assert len(got["files"]) == 4 and any(f[3] for f in got["files"])  # one encrypted file
    assert got["events"] and got["digests"]

    # Restoring again into the now-filled installation is refused and changes nothing.
    again = empty_target.run("restore", str(full.run))
    assert again.returncode == 1
    assert "không trống" in again.stderr and "không ghi đè" in again.stderr
    assert empty_target.snapshot() == expected


def test_interrupted_run_is_never_used(committed_office: Any, tmp_path: Path) -> None:
    sets = tmp_path / "set-B"
    full = make_backup(sets, full=True)
    broken = make_backup(sets)
    # What a crash halfway leaves: the parts without the manifest and its marker.
    (broken.run / COMPLETE).unlink()
    (broken.run / MANIFEST).unlink()
    next_run = make_backup(sets)
    manifest = json.loads((next_run.run / MANIFEST).read_text())
    assert manifest["base"] == [full.run.name]  # the broken run is not a base
    assert next_run.blobs_skipped == 3
