"""The content-addressed blob store (docs/architecture.md, invariant 2).

A blob lives at ``<VANTHU_STORAGE>/<sha[:2]>/<sha[2:4]>/<sha>``. It is written to a temporary
file in the same folder, fsynced, then renamed into place, so a reader never sees half a file
and a crash leaves at most a stray temporary file. An existing blob is never overwritten: the
same bytes have the same name, so the second writer just drops its temporary copy.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

CHUNK = 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def root() -> Path:
    return Path(settings.VANTHU_STORAGE)


def path_of(sha256: str) -> Path:
    if not _SHA256.match(sha256):
        # A name from outside (an API path, a row) must never walk out of the store.
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return root() / sha256[:2] / sha256[2:4] / sha256


def exists(sha256: str) -> bool:
    return path_of(sha256).is_file()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def put(stream: BinaryIO) -> tuple[str, int]:
    """Store the stream's bytes; return (sha256 hex, size). Durable when this returns."""
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
        # Same file system (both under root), so rename is atomic; move the temporary file
        # into the blob's own folder first so that the rename stays within one directory.
        local_tmp = final.parent / f".{tmp.name}"
        os.replace(tmp, local_tmp)
        try:
            # link() fails if the name exists: never overwrite a blob written meanwhile.
            os.link(local_tmp, final)
        except FileExistsError:
            pass
        finally:
            local_tmp.unlink()
        _fsync_dir(final.parent)
        return sha, size
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def put_bytes(data: bytes) -> tuple[str, int]:
    return put(io.BytesIO(data))


def open_blob(sha256: str) -> BinaryIO:
    return path_of(sha256).open("rb")
