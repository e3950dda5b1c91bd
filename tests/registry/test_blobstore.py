"""The content-addressed blob store (architecture.md invariant 2)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest

from vanthu.core import blobstore


@pytest.fixture(autouse=True)
def storage(settings: Any, tmp_path: Path) -> Path:
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")
    return tmp_path / "blobs"


def test_put_stores_under_the_sha256_and_reads_back(storage: Path) -> None:
    data = "Nghị quyết số 05-NQ/TU".encode() * 1000
    sha, size = blobstore.put(io.BytesIO(data))
    assert sha == hashlib.sha256(data).hexdigest()
    assert size == len(data)
    assert blobstore.path_of(sha) == storage / sha[:2] / sha[2:4] / sha
    assert blobstore.exists(sha)
    with blobstore.open_blob(sha) as fh:
        assert fh.read() == data


def test_same_bytes_twice_keep_one_blob_and_never_overwrite(storage: Path) -> None:
    sha, _ = blobstore.put_bytes(b"abc")
    path = blobstore.path_of(sha)
    inode = path.stat().st_ino
    assert blobstore.put_bytes(b"abc") == (sha, 3)
    assert path.stat().st_ino == inode
    leftovers = [p for p in storage.rglob("*") if p.is_file() and p != path]
    assert leftovers == []


def test_empty_stream_is_a_valid_blob() -> None:
    sha, size = blobstore.put_bytes(b"")
    assert size == 0
    assert sha == hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize("name", ["../../etc/passwd", "ABC", "", "0" * 63, "g" * 64])
def test_a_name_that_is_not_a_sha256_is_refused(name: str) -> None:
    with pytest.raises(ValueError):
        blobstore.path_of(name)
    with pytest.raises(ValueError):
        blobstore.exists(name)


def test_missing_blob_does_not_exist() -> None:
    assert not blobstore.exists("0" * 64)
