"""``vanthu backup`` and ``vanthu restore`` (docs/backup.md).

Order matters for consistency while the system is in use: the database is copied first, then
the blob store. A blob is written and fsynced before the transaction that refers to it commits
(architecture.md invariant 2) and is never changed, so every blob the copied database refers to
is already in the store when the blob copy starts.

Keys are not in the backup, by design: the installation key (core/crypto.py,
``VANTHU_ENCRYPTION_KEY`` or ``<data>/encryption_key``) and the Django secret key are kept and
restored separately; the manifest names the key by its public id only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from vanthu.backup import database
from vanthu.backup.parts import (
    COMPLETE,
    FORMAT,
    MANIFEST,
    RUN_NAME,
    BackupError,
    blob_relpath,
    complete_runs,
    copy_hashed,
    fsync_dir,
    inside,
    read_manifest,
    sha256_of,
    write_manifest,
)
from vanthu.core import blobstore, crypto


@dataclass
class BackupResult:
    run: Path
    kind: str
    blobs_copied: int = 0
    bytes_copied: int = 0
    blobs_skipped: int = 0
    problems: list[str] = field(default_factory=list)


def iter_blobs(store: Path) -> list[str]:
    """Names of the blobs in a local store (``aa/bb/<sha>``), leaving out temporary files."""
    return blobstore.list_local(store)


def _run_folder(dest: Path, kind: str) -> Path:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    for n in range(100):
        name = f"{stamp}-{kind}" if n == 0 else f"{stamp}-{n}-{kind}"
        try:
            (dest / name).mkdir()
        except FileExistsError:
            continue
        return dest / name
    raise BackupError([f"Không tạo được thư mục sao lưu mới trong {dest}."])


def _chain_since_full(dest: Path) -> tuple[list[str], set[str]]:
    """The complete runs since (and including) the last full one, and the blobs they hold."""
    runs = complete_runs(dest)
    names: list[str] = []
    held: set[str] = set()
    for run in reversed(runs):
        manifest = read_manifest(run)
        names.insert(0, run.name)
        held |= set(manifest.get("blobs", {}))
        if manifest.get("kind") == "full":
            return names, held
    return [], set()


def make_backup(dest: Path, *, full: bool = False) -> BackupResult:
    """One backup run into ``dest`` (created if need be): full, or incremental when a full run
    exists and ``full`` is not asked. The COMPLETE marker is written last."""
    dest.mkdir(parents=True, exist_ok=True)
    base, held = ([], set()) if full else _chain_since_full(dest)
    kind = "incr" if base else "full"
    run = _run_folder(dest, kind)
    result = BackupResult(run=run, kind=kind)
    vendor = database.vendor()
    dump_path = run / database.dump_name(vendor)
    counts = database.dump(dump_path)
    dump_sha, dump_size = sha256_of(dump_path)

    copied: dict[str, int] = {}
    # Local folder or S3 bucket alike (docs/deploy.md, "Object storage"): the stored bytes are
    # copied and hashed here, never trusted.
    for sha in blobstore.iter_shas():
        if sha in held:
            result.blobs_skipped += 1
            continue
        target = run / blob_relpath(sha)
        with blobstore.open_raw(sha) as source:
            actual, size = copy_hashed(source, target)
        if actual != sha:
            # Never back up bytes that are not what their name promises: say so instead.
            target.unlink()
            result.problems.append(f"blob {sha} không khớp mã băm (thực tế {actual}): bỏ qua")
            continue
        copied[sha] = size
        result.bytes_copied += size
    result.blobs_copied = len(copied)
    fsync_dir(run)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "name": run.name,
        "kind": kind,
        "created_at": timezone.now().isoformat(),
        "vendor": vendor,
        "database": {"path": dump_path.name, "sha256": dump_sha, "size": dump_size},
        "base": base,
        "blobs": copied,
        "counts": counts,
        "problems": result.problems,
        # The public id of the installation key, never the key (docs/backup.md, "Keys").
        "key_id": _key_id(),
    }
    write_manifest(run, manifest)
    return result


def _key_id() -> str:
    try:
        return crypto.keyring().current_id
    except crypto.CryptoError:
        return ""


@dataclass
class Checked:
    run: Path
    manifest: dict[str, Any]
    dump: Path
    blobs: dict[str, Path]


def check_backup(src: Path) -> Checked:
    """Everything a restore needs, verified byte for byte before anything is touched."""
    run = _pick_run(src)
    manifest = read_manifest(run)
    problems: list[str] = []
    db = manifest.get("database") or {}
    dump = inside(run, str(db.get("path", "")))
    if dump is None:
        raise BackupError([f"{run.name}: đường dẫn cơ sở dữ liệu {db.get('path')!r} ra ngoài."])
    if not dump.is_file():
        problems.append(f"{run.name}: thiếu tệp cơ sở dữ liệu {dump.name}.")
    elif sha256_of(dump) != (db.get("sha256"), db.get("size")):
        problems.append(f"{run.name}: tệp cơ sở dữ liệu {dump.name} sai mã băm SHA-256.")
    blobs: dict[str, Path] = {}
    for name in [*manifest.get("base", []), run.name]:
        part = run.parent / name if name != run.name else run
        if inside(run.parent, name) is None or not part.is_dir():
            problems.append(f"thiếu bản sao lưu nền {name!r} mà {run.name} cần.")
            continue
        part_manifest = manifest if part == run else read_manifest(part)
        for sha, size in part_manifest.get("blobs", {}).items():
            try:
                path = part / blob_relpath(sha)
            except ValueError:
                problems.append(f"{name}: tên blob không hợp lệ {sha!r}.")
                continue
            if not path.is_file():
                problems.append(f"{name}: thiếu blob {sha}.")
            elif sha256_of(path) != (sha, size):
                problems.append(f"{name}: blob {sha} đã bị thay đổi (sai mã băm).")
            else:
                blobs[sha] = path
    if problems:
        raise BackupError(problems)
    return Checked(run=run, manifest=manifest, dump=dump, blobs=blobs)


def _pick_run(src: Path) -> Path:
    """SRC is one run, or a backup folder: then its newest complete run."""
    if not src.is_dir():
        raise BackupError([f"Không có thư mục sao lưu {src}."])
    if (src / MANIFEST).exists() or (src / COMPLETE).exists() or RUN_NAME.match(src.name):
        return src  # one run (read_manifest says if it never finished)
    runs = complete_runs(src)
    if not runs:
        started = [p.name for p in src.iterdir() if p.is_dir()]
        detail = f" (chỉ có bản chưa hoàn tất: {', '.join(sorted(started))})" if started else ""
        raise BackupError([f"{src}: không có bản sao lưu hoàn tất nào{detail}."])
    return runs[-1]


def restore_backup(src: Path) -> Checked:
    """Restore into an empty installation: check the backup, refuse a non-empty target, copy
    the blobs, load the database, and compare what came back with the manifest's counts."""
    checked = check_backup(src)
    vendor = database.vendor()
    if checked.manifest.get("vendor") != vendor:
        raise BackupError(
            [f"Bản sao lưu là của {checked.manifest.get('vendor')}, cài đặt này dùng {vendor}."]
        )
    refusals = [
        f"Cơ sở dữ liệu đích không trống (bảng {t} đã có dữ liệu): không ghi đè."
        for t in database.existing_user_data()
    ]
    if blobstore.iter_shas():
        refusals.append(f"Kho tệp đích {blobstore.describe()} không trống: không ghi đè.")
    if refusals:
        raise BackupError(refusals)
    for sha, path in checked.blobs.items():
        if not blobstore.is_local():
            with path.open("rb") as fh:
                stored, _size = blobstore.put(fh)  # put never overwrites a key
            if stored != sha:
                raise BackupError([f"blob {sha} đổi nội dung trong khi khôi phục ({stored})."])
            continue
        target = blobstore.path_of(sha)
        tmp = target.parent / f".restore-{sha}"
        copy_hashed(path, tmp)
        os.link(tmp, target)  # fails rather than overwrite
        tmp.unlink()
    database.load(checked.dump)
    after = database.counts()
    expected = checked.manifest.get("counts", {})
    problems = []
    for table, n in expected.get("rows", {}).items():
        got = after["rows"].get(table)
        if got != n:
            problems.append(f"Bảng {table}: sao lưu có {n} dòng, khôi phục được {got}.")
    if after["chain_heads"] != expected.get("chain_heads", {}):
        problems.append("Đầu các chuỗi nhật ký sau khi khôi phục khác với bản sao lưu.")
    if problems:
        raise BackupError(problems)
    return checked


__all__ = ["BackupError", "BackupResult", "check_backup", "make_backup", "restore_backup"]
