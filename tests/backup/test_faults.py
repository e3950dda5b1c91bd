"""Every fault of a backup is detected and reported before anything is touched; a restore into
an installation that holds data is refused; a source blob that lost its bytes is not copied."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.backup.conftest import snapshot_here
from vanthu.backup.parts import COMPLETE, MANIFEST
from vanthu.backup.services import iter_blobs, make_backup
from vanthu.core import blobstore

pytestmark = pytest.mark.slow


def _restore(src: Path) -> tuple[int, str]:
    err = StringIO()
    try:
        call_command("restore", str(src), stdout=StringIO(), stderr=err)
    except CommandError as exc:
        return exc.returncode, err.getvalue()
    return 0, err.getvalue()


def _rewrite_manifest(run: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Edit the manifest and re-seal it, as a forger who knows the format would."""
    manifest = json.loads((run / MANIFEST).read_text())
    change(manifest)
    data = json.dumps(manifest).encode()
    (run / MANIFEST).write_bytes(data)
    (run / COMPLETE).write_text(hashlib.sha256(data).hexdigest())


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_each_fault_is_named_and_nothing_changes(committed_office: Any, tmp_path: Path) -> None:
    sets = tmp_path / "set"
    full = make_backup(sets, full=True)
    incremental = make_backup(sets)
    manifest = json.loads((full.run / MANIFEST).read_text())
    a_blob = sorted(manifest["blobs"])[0]
    before, blobs_before = snapshot_here(), sorted(iter_blobs(blobstore.root()))

    def one_byte(run: Path) -> None:
        _flip_byte(run / "blobs" / a_blob[:2] / a_blob[2:4] / a_blob)

    def deleted_blob(run: Path) -> None:
        (run / "blobs" / a_blob[:2] / a_blob[2:4] / a_blob).unlink()

    def database_byte(run: Path) -> None:
        _flip_byte(next(run.glob("database.*")))

    def manifest_edited(run: Path) -> None:
        text = (run / MANIFEST).read_text().replace('"full"', '"incr"')
        (run / MANIFEST).write_text(text)

    def climbing(run: Path) -> None:
        _rewrite_manifest(run, lambda m: m["database"].update(path="../../etc/passwd"))

    def interrupted(run: Path) -> None:
        (run / COMPLETE).unlink()

    cases: list[tuple[str, Callable[[Path], None], str]] = [
        ("one byte of a blob", one_byte, f"blob {a_blob} đã bị thay đổi"),
        ("a deleted blob", deleted_blob, f"thiếu blob {a_blob}"),
        ("one byte of the database", database_byte, "sai mã băm SHA-256"),
        ("an edited manifest", manifest_edited, "đã bị thay đổi (mã băm không khớp COMPLETE)"),
        ("a path out of the folder", climbing, "ra ngoài"),
        ("an interrupted run", interrupted, "chưa hoàn tất (bị gián đoạn"),
    ]
    for label, tamper, expected in cases:
        copy = tmp_path / f"case-{cases.index((label, tamper, expected))}"
        shutil.copytree(full.run, copy / full.run.name)
        tamper(copy / full.run.name)
        code, report = _restore(copy / full.run.name)
        assert code == 1, label
        assert expected in report, (label, report)
        assert "TỪ CHỐI" in report, label

    # An incremental run whose full base is gone.
    lonely = tmp_path / "lonely"
    shutil.copytree(incremental.run, lonely / incremental.run.name)
    code, report = _restore(lonely / incremental.run.name)
    assert code == 1 and f"thiếu bản sao lưu nền {full.run.name!r}" in report

    # A sound backup into this installation, which holds data: refused, nothing overwritten.
    code, report = _restore(sets)
    assert code == 1 and "không trống" in report and "Kho tệp đích" in report
    assert snapshot_here() == before
    assert sorted(iter_blobs(blobstore.root())) == blobs_before


def test_source_blob_with_wrong_bytes_is_reported_not_copied(
    committed_office: Any, tmp_path: Path
) -> None:
    (bad, *_rest) = sorted(iter_blobs(blobstore.root()))
    _flip_byte(blobstore.path_of(bad))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("backup", str(tmp_path / "set"), "--full", stdout=out, stderr=err)
    assert exc.value.returncode == 1
    assert f"blob {bad} không khớp mã băm" in err.getvalue()
    (run,) = (tmp_path / "set").iterdir()
    manifest = json.loads((run / MANIFEST).read_text())
    assert bad not in manifest["blobs"] and len(manifest["blobs"]) == 2
    assert not (run / "blobs" / bad[:2] / bad[2:4] / bad).exists()


def test_restore_of_a_missing_folder_is_a_clear_error(db: Any, tmp_path: Path) -> None:
    code, report = _restore(tmp_path / "nowhere")
    assert code == 1 and "Không có thư mục sao lưu" in report
    (tmp_path / "empty-set").mkdir()
    code, report = _restore(tmp_path / "empty-set")
    assert code == 1 and "không có bản sao lưu hoàn tất" in report
