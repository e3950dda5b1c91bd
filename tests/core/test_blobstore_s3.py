"""The blob store on S3-compatible object storage, against a real server on loopback."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from tests.core.conftest import S3, free_port, use_s3
from vanthu.core import blobstore, blobstore_s3
from vanthu.preservation import fixity
from vanthu.preservation.models import FixityCheck, Outcome

MB = 1024 * 1024


class Generated(io.RawIOBase):
    """``size`` bytes made up on the fly (never all in memory), not seekable: like an upload
    read through the encrypting reader."""

    def __init__(self, size: int, seed: bytes = b"vanthu") -> None:
        self.left = size
        self.seed = seed
        self.counter = 0
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = min(len(b), self.left, 64 * 1024)
        block = b""
        while len(block) < n:
            self.counter += 1
            block += hashlib.sha512(self.seed + self.counter.to_bytes(8, "big")).digest()
        block = block[:n]
        b[:n] = block
        self.sha.update(block)
        self.left -= n
        return n


def versions(s3: S3, key: str) -> list[Any]:
    page = s3.client.list_object_versions(Bucket=s3.bucket, Prefix=key)
    return [v for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]]


def test_a_multi_megabyte_file_goes_up_in_parts_and_reads_back_verified(s3: S3) -> None:
    data = (b"Nghi quyet so 05-NQ/TU " * 600_000)[: 12 * MB + 123]  # 3 parts of 5 MB
    sha, size = blobstore.put(io.BytesIO(data))
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data))
    head = s3.client.head_object(Bucket=s3.bucket, Key=s3.key(sha))
    assert head["Metadata"] == {"sha256": sha}
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-3"')  # a multipart upload of three parts
    assert blobstore.exists(sha) and blobstore.size(sha) == len(data)
    with blobstore.open_blob(sha) as fh:
        assert fh.read() == data
    assert blobstore.digest(sha) == (sha, len(data))
    assert blobstore.iter_shas() == [sha]


def test_a_small_file_is_one_request_with_its_sha256(s3: S3) -> None:
    data = "Công văn số 12-CV/VPTU về việc chuẩn bị hội nghị".encode()
    sha, _size = blobstore.put_bytes(data)
    head = s3.client.head_object(Bucket=s3.bucket, Key=s3.key(sha))
    assert head["Metadata"] == {"sha256": sha}
    assert "-" not in head["ETag"]
    with blobstore.open_blob(sha) as fh:
        assert fh.read() == data
    empty, zero = blobstore.put_bytes(b"")
    assert zero == 0
    with blobstore.open_blob(empty) as fh:
        assert fh.read() == b""


@pytest.mark.slow
def test_upload_memory_stays_bounded_by_the_part_size(s3: S3) -> None:
    source = Generated(40 * MB)
    tracemalloc.start()
    try:
        sha, size = blobstore.put(source)  # type: ignore[arg-type]
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (sha, size) == (source.sha.hexdigest(), 40 * MB)
    # A few copies of one 5 MB part (the HTTP layer's), never the 40 MB file.
    assert peak < 30 * MB, f"peak {peak / MB:.1f} MB"
    assert blobstore.digest(sha) == (sha, 40 * MB)


def test_the_same_bytes_twice_write_one_object_once(s3: S3) -> None:
    sha, _ = blobstore.put_bytes(b"abc")
    assert blobstore.put_bytes(b"abc") == (sha, 3)
    # The bucket is versioned: an overwrite would have left a second version.
    assert len(versions(s3, s3.key(sha))) == 1
    assert blobstore.iter_shas() == [sha]


def test_the_key_prefix_keeps_blobs_apart_from_other_objects(s3: S3, settings: Any) -> None:
    use_s3(settings, s3.endpoint, s3.bucket, prefix="vanthu/blobs/")
    sha, _ = blobstore.put_bytes(b"prefixed")
    s3.client.put_object(Bucket=s3.bucket, Key="other/readme.txt", Body=b"x")
    s3.client.put_object(Bucket=s3.bucket, Key="vanthu/blobs/tmp/not-a-blob", Body=b"x")
    assert s3.client.head_object(Bucket=s3.bucket, Key=s3.key(sha, "vanthu/blobs/"))
    assert blobstore.iter_shas() == [sha]


def tamper(s3: S3, sha: str, data: bytes) -> None:
    """Someone with access to the bucket writes other bytes under the blob's key."""
    s3.client.put_object(Bucket=s3.bucket, Key=s3.key(sha), Body=data)


def test_a_changed_object_is_refused_on_read_before_its_end_is_handed_out(s3: S3) -> None:
    data = bytes(range(256)) * (3 * 4096) + b"tail"  # 3 MiB and 4 bytes: four 1 MiB chunks
    sha, _ = blobstore.put_bytes(data)
    changed = bytearray(data)
    changed[-1] ^= 1
    tamper(s3, sha, bytes(changed))
    handed_out = b""
    with pytest.raises(blobstore.BlobIntegrityError) as err, blobstore.open_blob(sha) as fh:
        while chunk := fh.read(64 * 1024):
            handed_out += chunk
    assert sha in str(err.value) and "không khớp mã băm" in str(err.value)
    # The last chunk, where the change is, never left the store.
    assert len(handed_out) <= len(data) - len(b"tail")
    assert handed_out == data[: len(handed_out)]
    # A whole-file read refuses too; the error is the one every tamper alarm listens for.
    from vanthu.core import crypto

    with pytest.raises(crypto.TamperedError), blobstore.open_blob(sha) as fh:
        fh.read()


def test_fixity_reads_each_object_and_alerts_on_a_change(s3: S3, db: Any) -> None:
    from vanthu.audit.models import Event

    good, _ = blobstore.put_bytes(b"ban goc con nguyen")
    bad, _ = blobstore.put_bytes(b"ban goc se bi sua")
    tamper(s3, bad, b"ban goc DA bi sua")
    gone = hashlib.sha256(b"never stored").hexdigest()
    results = {sha: fixity.check_blob(sha) for sha in (good, bad, gone)}
    assert results[good].outcome == Outcome.PASS
    assert results[bad].outcome == Outcome.FAIL
    assert hashlib.sha256(b"ban goc DA bi sua").hexdigest() in results[bad].detail
    assert results[gone].outcome == Outcome.MISSING
    fixity.record_check(results[bad])
    assert FixityCheck.objects.get(sha256=bad).outcome == Outcome.FAIL
    event = Event.objects.get(action="fixity.failed")
    assert event.details["sha256"] == bad


def test_delete_removes_the_object_and_every_version(s3: S3) -> None:
    sha, _ = blobstore.put_bytes(b"tai lieu het gia tri")
    tamper(s3, sha, b"a second version")
    assert len(versions(s3, s3.key(sha))) == 2
    blobstore.delete(sha)
    assert not blobstore.exists(sha)
    assert versions(s3, s3.key(sha)) == []
    blobstore.delete(sha)  # already gone: not an error
    with pytest.raises(FileNotFoundError):
        blobstore.open_blob(sha)
    with pytest.raises(FileNotFoundError):
        blobstore.size(sha)


def test_local_copy_is_a_verified_private_file_removed_afterwards(s3: S3) -> None:
    data = b"%PDF-1.4 scan" * 1000
    sha, _ = blobstore.put_bytes(data)
    with blobstore.local_copy(sha) as path:
        assert path.read_bytes() == data
        assert path.stat().st_mode & 0o077 == 0
    assert not path.exists()
    tamper(s3, sha, b"changed")
    with pytest.raises(blobstore.BlobIntegrityError), blobstore.local_copy(sha):
        pass


@pytest.mark.parametrize("name", ["../../etc/passwd", "ABC", "", "g" * 64])
def test_a_name_that_is_not_a_sha256_is_refused_before_any_request(s3: S3, name: str) -> None:
    for call in (blobstore.exists, blobstore.open_blob, blobstore.delete, blobstore.size):
        with pytest.raises(ValueError):
            call(name)


def test_path_of_is_refused_on_object_storage(s3: S3) -> None:
    with pytest.raises(RuntimeError):
        blobstore.path_of("0" * 64)


def test_a_wrong_endpoint_is_a_clear_error_not_a_traceback(settings: Any) -> None:
    use_s3(settings, f"http://127.0.0.1:{free_port()}", "vanthu-nowhere")
    settings.VANTHU_S3_TIMEOUT_SECONDS = 1
    with pytest.raises(blobstore.BlobStoreUnavailable) as err:
        blobstore.put_bytes(b"x")
    assert "không kết nối được tới máy chủ" in str(err.value)
    assert "vanthu-nowhere" in str(err.value)
    assert "vanthu-test-secret" not in str(err.value)
    with pytest.raises(blobstore.BlobStoreUnavailable):
        blobstore.exists("0" * 64)
    from vanthu.core.checks import blob_store_answers

    [error] = blob_store_answers()
    assert error.id == "vanthu.storage.E001"


def test_a_missing_bucket_is_named_in_the_error(s3: S3, settings: Any) -> None:
    use_s3(settings, s3.endpoint, "vanthu-no-such-bucket")
    with pytest.raises(blobstore.BlobStoreUnavailable) as err:
        blobstore.put_bytes(b"x")
    assert "không có bucket này" in str(err.value)
    with pytest.raises(blobstore.BlobStoreUnavailable):
        blobstore.iter_shas()
    from vanthu.core.checks import blob_store_answers

    [error] = blob_store_answers()
    assert "vanthu-no-such-bucket" in error.msg and "không có bucket này" in error.msg


def test_the_start_up_check_passes_on_a_good_bucket_and_on_local(s3: S3, settings: Any) -> None:
    from vanthu.core.checks import blob_store_answers

    assert blob_store_answers() == []
    blobstore_s3.check_bucket()
    settings.VANTHU_BLOB_BACKEND = "local"
    assert blob_store_answers() == []


def _vanthu(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    child = {k: v for k, v in os.environ.items() if not k.startswith(("VANTHU_", "DJANGO_"))}
    child.update(
        DJANGO_SETTINGS_MODULE="vanthu.settings",
        VANTHU_DATA_DIR=str(tmp_path / "child-data"),  # the child's own data folder
        VANTHU_SECURITY_ZONE="isolated",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "vanthu.cli", *args],
        env=child,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_bad_configuration_stops_start_up_with_a_clear_message(tmp_path: Path) -> None:
    no_bucket = _vanthu(tmp_path, "check", VANTHU_BLOB_BACKEND="s3")
    assert no_bucket.returncode != 0
    assert "VANTHU_BLOB_BACKEND=s3 cần VANTHU_S3_BUCKET" in no_bucket.stderr
    unknown = _vanthu(tmp_path, "check", VANTHU_BLOB_BACKEND="nfs")
    assert unknown.returncode != 0 and "chỉ nhận 'local' hoặc 's3'" in unknown.stderr
    unreachable = _vanthu(
        tmp_path,
        "check",
        "--deploy",
        "--tag",
        "vanthu_storage",
        VANTHU_BLOB_BACKEND="s3",
        VANTHU_S3_BUCKET="vanthu-archive",
        VANTHU_S3_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}",
        VANTHU_S3_TIMEOUT_SECONDS="1",
        VANTHU_S3_ACCESS_KEY_ID="k",
        VANTHU_S3_SECRET_ACCESS_KEY="very-secret-value",
    )
    assert unreachable.returncode != 0
    assert "vanthu.storage.E001" in unreachable.stderr
    assert "không kết nối được tới máy chủ" in unreachable.stderr
    assert "very-secret-value" not in unreachable.stderr + unreachable.stdout
