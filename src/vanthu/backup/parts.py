"""The pieces a backup run is made of: hashing copies, the manifest, the "complete" marker.

A run is a folder ``DEST/<UTC time>-full`` or ``-incr``::

    database.sqlite3 | database.pgdump   the database, by the database's own tools
    blobs/<aa>/<bb>/<sha256>             blobs new since the runs listed as "base"
    manifest.json                        SHA-256 and size of every part, base runs, counts
    COMPLETE                             SHA-256 of manifest.json, written last
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, BinaryIO

CHUNK = 1024 * 1024
FORMAT = "vanthu-backup-1"
MANIFEST = "manifest.json"
COMPLETE = "COMPLETE"
RUN_NAME = re.compile(r"^\d{8}T\d{6}Z(-\d+)?-(full|incr)$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BackupError(Exception):
    """A backup or restore that cannot go on; ``problems`` says exactly why (Vietnamese)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_of(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def copy_hashed(source: Path | BinaryIO, target: Path) -> tuple[str, int]:
    """Copy a file or an open stream in 1 MiB chunks, fsync, and return the SHA-256 and size
    of what was written."""
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    opened = source.open("rb") if isinstance(source, Path) else contextlib.nullcontext(source)
    with opened as src, target.open("xb") as out:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size


def blob_relpath(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def inside(root: Path, rel: str) -> Path | None:
    """``root/rel`` when it stays inside ``root`` (no ``..``, no absolute path), else None."""
    if not rel or rel.startswith("/") or "\\" in rel:
        return None
    base = root.resolve()
    path = (root / rel).resolve()
    return path if path.is_relative_to(base) and path != base else None


def write_manifest(run: Path, manifest: dict[str, Any]) -> None:
    """manifest.json, then COMPLETE holding its SHA-256: the marker is the very last write."""
    data = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False).encode()
    with (run / MANIFEST).open("xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    fsync_dir(run)
    with (run / COMPLETE).open("x") as fh:
        fh.write(hashlib.sha256(data).hexdigest() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    fsync_dir(run)


def read_manifest(run: Path) -> dict[str, Any]:
    """The run's manifest, after checking the marker: raises BackupError naming the fault."""
    if not (run / COMPLETE).is_file() and (RUN_NAME.match(run.name) or (run / MANIFEST).is_file()):
        raise BackupError(
            [f"{run.name}: bản sao lưu chưa hoàn tất (bị gián đoạn giữa chừng), không dùng được."]
        )
    if not (run / MANIFEST).is_file() and not (run / COMPLETE).is_file():
        raise BackupError([f"{run.name}: không phải một bản sao lưu (không có {MANIFEST})."])
    if not (run / COMPLETE).is_file():
        raise BackupError(
            [f"{run.name}: bản sao lưu chưa hoàn tất (bị gián đoạn giữa chừng), không dùng được."]
        )
    if not (run / MANIFEST).is_file():
        raise BackupError([f"{run.name}: thiếu {MANIFEST}."])
    data = (run / MANIFEST).read_bytes()
    expected = (run / COMPLETE).read_text().strip()
    if hashlib.sha256(data).hexdigest() != expected:
        raise BackupError([f"{run.name}: {MANIFEST} đã bị thay đổi (mã băm không khớp COMPLETE)."])
    try:
        manifest: dict[str, Any] = json.loads(data)
    except ValueError as exc:
        raise BackupError([f"{run.name}: {MANIFEST} không đọc được ({exc})."]) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError([f"{run.name}: định dạng {manifest.get('format')!r} không được hỗ trợ."])
    return manifest


def complete_runs(dest: Path) -> list[Path]:
    """Runs of ``dest`` that finished (have their marker), oldest first."""
    if not dest.is_dir():
        return []
    return sorted(
        p
        for p in dest.iterdir()
        if p.is_dir() and RUN_NAME.match(p.name) and (p / COMPLETE).is_file()
    )
