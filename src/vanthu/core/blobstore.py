"""The content-addressed blob store (docs/architecture.md, invariant 2).

Two backends, chosen by ``VANTHU_BLOB_BACKEND`` (docs/deploy.md, "Object storage"):

- ``local`` (default): a blob lives at ``<VANTHU_STORAGE>/<sha[:2]>/<sha[2:4]>/<sha>``. It is
  written to a temporary file ``<VANTHU_STORAGE>/tmp/blob-*``, fsynced, then hard-linked into
  place, so a reader never sees half a file. An existing blob is never overwritten: the same
  bytes have the same name, so the second writer just drops its temporary copy. A writer killed
  half way (``kill -9`` skips every cleanup) leaves its temporary in ``tmp/``; the sweep removes
  temporaries untouched for ``VANTHU_BLOB_TEMP_MAX_AGE_SECONDS`` (``remove_stale_temporaries``).
- ``s3``: the same names as object keys in an S3-compatible bucket (``core/blobstore_s3.py``);
  every read is verified against the name while it streams.

Callers use the functions below and never a path, except ``local_copy`` for tools that need a
file on disk (OCR, pikepdf).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from vanthu import config
from vanthu.core import crypto, scratch

CHUNK = 1024 * 1024
TEMP_PREFIX = "blob-"
# Django's TemporaryFileUploadHandler: NamedTemporaryFile(suffix=".upload" + extension).
UPLOAD_SPOOL = re.compile(r"tmp[A-Za-z0-9_]+\.upload(?:\.[^/]*)?")
# Scratch folders of this package's processes in the system temporary folder (a blob's local
# copy for OCR on object storage, a web export): ``vanthu-<what>-<owner tag>-<random>``.
SYSTEM_SCRATCH = re.compile(
    rf"vanthu-(?:{'|'.join(map(re.escape, scratch.KINDS))})-{scratch.OWNER}-[A-Za-z0-9_]+"
)
# A scratch folder of another machine (a shared temporary folder) is removed only after this.
FOREIGN_MAX_AGE = 7 * 24 * 3600
log = logging.getLogger(__name__)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


# What a user sees (UI and API); the details are logged for the administrators.
STORAGE_UNAVAILABLE = (
    "Kho lưu trữ tệp tạm thời không truy cập được, thao tác chưa được thực hiện. "
    "Hãy thử lại sau hoặc báo quản trị hệ thống."
)


class BlobStoreUnavailable(Exception):
    """The blob store cannot be used (unreachable endpoint, missing bucket, refused
    credentials). The message is Vietnamese, names the endpoint and bucket, never a secret.
    Not an ``OSError``: fixity must stop rather than report every blob as damaged."""


class BlobIntegrityError(crypto.TamperedError):
    """The bytes read do not hash to the blob's name: the stored object was changed.

    A ``TamperedError`` so that every reader that already raises the alarm for a failed tag
    (audit ``file.tampered``, the log, the administrators' notification) does so for this too.
    """


def backend() -> str:
    return str(getattr(settings, "VANTHU_BLOB_BACKEND", "local"))


def is_local() -> bool:
    return backend() == "local"


def check_name(sha256: str) -> str:
    if not _SHA256.match(sha256):
        # A name from outside (an API path, a row) must never walk out of the store.
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def root() -> Path:
    """The local store's folder (local backend only)."""
    if not is_local():
        raise RuntimeError("the blob store is not a local folder (VANTHU_BLOB_BACKEND=s3)")
    return Path(settings.VANTHU_STORAGE)


def path_of(sha256: str) -> Path:
    """Where a blob lives on disk (local backend only: use ``open_blob``/``local_copy``)."""
    check_name(sha256)
    return root() / sha256[:2] / sha256[2:4] / sha256


def describe() -> str:
    """Where the blobs are, for messages (never a credential)."""
    if is_local():
        return str(root())
    from vanthu.core import blobstore_s3

    return blobstore_s3.describe()


def exists(sha256: str) -> bool:
    if is_local():
        return path_of(sha256).is_file()
    from vanthu.core import blobstore_s3

    return blobstore_s3.exists(check_name(sha256))


def size(sha256: str) -> int:
    """Size in bytes; ``FileNotFoundError`` when the blob is missing."""
    if is_local():
        return path_of(sha256).stat().st_size
    from vanthu.core import blobstore_s3

    return blobstore_s3.size(check_name(sha256))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def put(stream: BinaryIO) -> tuple[str, int]:
    """Store the stream's bytes; return (sha256 hex, size). Durable when this returns."""
    if not is_local():
        from vanthu.core import blobstore_s3

        return blobstore_s3.put(stream)
    staging = root() / "tmp"
    staging.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix="blob-", dir=staging)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        final = path_of(sha)
        if final.is_file():
            tmp.unlink()
            return sha, size
        final.parent.mkdir(parents=True, exist_ok=True)
        # link() fails if the name exists: never overwrite a blob written meanwhile. Linked
        # straight from tmp/ (one file system): a kill leaves temporaries only in tmp/, which
        # the sweep looks at cheaply, never among a million blob folders.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, final)
        _fsync_dir(final.parent)
        tmp.unlink()
        return sha, size
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def put_bytes(data: bytes) -> tuple[str, int]:
    return put(io.BytesIO(data))


def open_blob(sha256: str) -> BinaryIO:
    """The blob's bytes as a stream (``FileNotFoundError`` when missing).

    On object storage the stream is verified as it is read: the last chunk is handed out only
    after the whole object hashed to its name, else ``BlobIntegrityError``."""
    if is_local():
        return path_of(sha256).open("rb")
    from vanthu.core import blobstore_s3

    return blobstore_s3.open_verified(check_name(sha256))


def open_raw(sha256: str) -> BinaryIO:
    """The stored bytes unverified, for code that hashes them itself (fixity, backup)."""
    if is_local():
        return path_of(sha256).open("rb")
    from vanthu.core import blobstore_s3

    return blobstore_s3.open_raw(check_name(sha256))


def digest(sha256: str) -> tuple[str, int]:
    """SHA-256 and size of the bytes stored under a name, read in 1 MiB chunks."""
    hasher = hashlib.sha256()
    total = 0
    with open_raw(sha256) as fh:
        while chunk := fh.read(CHUNK):
            hasher.update(chunk)
            total += len(chunk)
    return hasher.hexdigest(), total


def delete(sha256: str) -> None:
    """Really delete a blob (approved disposal only; a missing blob is not an error)."""
    if is_local():
        path_of(sha256).unlink(missing_ok=True)
        return
    from vanthu.core import blobstore_s3

    blobstore_s3.delete(check_name(sha256))


def list_local(store: Path) -> list[str]:
    """Names of the blobs in a local store (``aa/bb/<sha>``), leaving out temporary files."""
    names: list[str] = []
    if not store.is_dir():
        return names
    for first in sorted(os.scandir(store), key=lambda e: e.name):
        if len(first.name) != 2 or not first.is_dir():
            continue
        for second in sorted(os.scandir(first.path), key=lambda e: e.name):
            if len(second.name) != 2 or not second.is_dir():
                continue
            for entry in os.scandir(second.path):
                if entry.is_file() and len(entry.name) == 64 and not entry.name.startswith("."):
                    names.append(entry.name)
    return names


def iter_shas() -> list[str]:
    """Names of every blob in the store."""
    if is_local():
        return list_local(root())
    from vanthu.core import blobstore_s3

    return blobstore_s3.list_shas()


@contextlib.contextmanager
def local_copy(sha256: str) -> Iterator[Path]:
    """A path holding the blob's bytes, for tools that need a file (OCR, pikepdf).

    Local: the blob itself (read only). Object storage: a verified copy in a private
    temporary folder, removed when the block ends."""
    if is_local():
        path = path_of(sha256)
        if not path.is_file():
            raise FileNotFoundError(f"Không tìm thấy blob {sha256} trong kho.")
        yield path
        return
    # The owner's tag in the name: the sweep removes the copy of a killed process (scratch.py).
    with tempfile.TemporaryDirectory(prefix=f"vanthu-blob-{scratch.owner_tag()}-") as work:
        target = Path(work) / sha256
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, open_blob(sha256) as src:
            while chunk := src.read(CHUNK):
                out.write(chunk)
        yield target


def temp_max_age() -> float:
    """``VANTHU_BLOB_TEMP_MAX_AGE_SECONDS``: a temporary untouched this long has no writer."""
    value = getattr(settings, "VANTHU_BLOB_TEMP_MAX_AGE_SECONDS", 3600)
    return config.seconds("VANTHU_BLOB_TEMP_MAX_AGE_SECONDS", value, "3600")


def _stale_in(folder: str, prefix: str, cutoff: float) -> Iterator[Path]:
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                yield Path(entry.path)
        except FileNotFoundError:
            continue  # its writer finished meanwhile


def stale_temporaries(*, top: list[str] | None = None, now: float | None = None) -> list[Path]:
    """Temporaries of killed writers in the local store, untouched for longer than
    ``temp_max_age()``: ``tmp/blob-*``, and the ``.blob-*`` names that writers before 11/2026
    put next to the blob, in the two-hex-digit folders ``top`` (every one when None).

    A writer still at work keeps its file's modification time fresh (it writes, then links
    within milliseconds), so it is never taken: a writer stalled for longer than the limit
    finds its temporary gone and fails cleanly, having stored nothing."""
    store = root()
    cutoff = (time.time() if now is None else now) - temp_max_age()
    found = list(_stale_in(str(store / "tmp"), TEMP_PREFIX, cutoff))
    if top is None:
        try:
            top = sorted(e.name for e in os.scandir(store) if len(e.name) == 2 and e.is_dir())
        except FileNotFoundError:
            top = []
    for first in top:
        try:
            seconds = [e.path for e in os.scandir(store / first) if len(e.name) == 2]
        except (FileNotFoundError, NotADirectoryError):
            continue
        for second in seconds:
            found += _stale_in(second, f".{TEMP_PREFIX}", cutoff)
    return found


def stale_uploads(now: float | None = None) -> list[Path]:
    """Django's spooled uploads (``tmp*.upload*`` in ``FILE_UPLOAD_TEMP_DIR``) untouched for
    longer than ``temp_max_age()``: a web process killed in the middle of an upload left them
    (Django deletes them at the end of every request it finishes). An upload still arriving
    writes to its file, so its modification time stays fresh."""
    folder = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if not folder:
        return []  # the system's temporary folder: not ours to clean
    cutoff = (time.time() if now is None else now) - temp_max_age()
    return [p for p in _stale_in(str(folder), "tmp", cutoff) if UPLOAD_SPOOL.fullmatch(p.name)]


def system_scratch_leftovers(now: float | None = None) -> list[scratch.Leftover]:
    """Blob copies and web exports in this machine's temporary folder whose process is gone."""
    folder = Path(tempfile.gettempdir())
    return list(scratch.leftovers(folder, SYSTEM_SCRATCH, foreign_max_age=FOREIGN_MAX_AGE, now=now))


def remove_stale_temporaries(now: float | None = None) -> dict[str, int]:
    """The sweep's cleanup of what killed writers left: cheap enough for every run.

    - local store: ``tmp/`` (one folder) and one of the 256 top folders per minute of the clock
      (the whole store in about four hours; ``vanthu verify`` lists every one at once);
    - object storage: multipart uploads started longer ago than the limit are aborted (a killed
      upload leaves its parts on the server, invisible and billed);
    - uploads Django spooled to ``FILE_UPLOAD_TEMP_DIR`` (the data folder's ``uploads/``) and
      left by a web process killed in the middle of them;
    - this machine's temporary folder: scratch folders of processes that no longer exist.
    """
    now = time.time() if now is None else now
    counts = {"temporaries": 0, "uploads": 0, "uploads_spooled": 0, "scratch": 0}
    if is_local():
        slice_ = f"{int(now // 60) % 256:02x}"
        for path in stale_temporaries(top=[slice_], now=now):
            path.unlink(missing_ok=True)
            log.warning("removed a blob temporary left by a stopped writer: %s", path.name)
            counts["temporaries"] += 1
    else:
        from vanthu.core import blobstore_s3

        counts["uploads"] = blobstore_s3.abort_stale_uploads(now - temp_max_age())
    for path in stale_uploads(now):
        path.unlink(missing_ok=True)
        log.warning("removed an upload left by a stopped web process: %s", path.name)
        counts["uploads_spooled"] += 1
    for leftover in system_scratch_leftovers(now):
        scratch.remove(leftover.path)
        log.warning("removed %s: %s", leftover.path.name, leftover.reason)
        counts["scratch"] += 1
    return counts
