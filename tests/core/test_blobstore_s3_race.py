"""Two writers putting a blob into the bucket at the same moment (issue #11).

Each writer's stream waits at its end for the other (a barrier), so both have hashed their
bytes and both ask the bucket whether the key exists at the same moment: both are told no and
both upload. Content addressing and ``If-None-Match: *`` must make that harmless: both calls
return, one object holds the bytes under their hash, and no multipart upload is left behind.

The test server (moto) checks ``If-None-Match`` and then writes, in two steps: two completions
of a multipart upload at the same moment may both pass the check, leaving a second version of
the same bytes on a versioned bucket (AWS and MinIO refuse the later one with 412, or answer
409 ``ConditionalRequestConflict``, which ``put`` retries: the last test here). So every
version is read and hashed, rather than counted.
"""

from __future__ import annotations

import hashlib
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO, cast

import pytest

from tests.core.conftest import S3
from vanthu.core import blobstore

MB = 1024 * 1024
SMALL = "Công văn số 12-CV/VPTU gửi cùng lúc từ hai nơi".encode() * 100
LARGE = (b"Nghi quyet so 05-NQ/TU " * 600_000)[: 12 * MB + 77]  # 3 parts of 5 MB


class Meeting(io.RawIOBase):
    """``data``, then a wait for the other writers before the end of the stream is reported."""

    def __init__(self, data: bytes, barrier: threading.Barrier) -> None:
        self.data = memoryview(data)
        self.barrier = barrier
        self.offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if self.offset >= len(self.data):
            self.barrier.wait(timeout=60)
            return 0
        n = min(len(b), len(self.data) - self.offset)
        b[:n] = self.data[self.offset : self.offset + n]
        self.offset += n
        return n


def _at_once(contents: list[bytes]) -> list[tuple[str, int]]:
    barrier = threading.Barrier(len(contents))
    with ThreadPoolExecutor(len(contents)) as pool:
        streams = [cast(BinaryIO, Meeting(c, barrier)) for c in contents]
        futures = [pool.submit(blobstore.put, stream) for stream in streams]
        return [f.result(timeout=120) for f in futures]


def _objects(s3: S3) -> dict[str, list[Any]]:
    page = s3.client.list_object_versions(Bucket=s3.bucket)
    found: dict[str, list[Any]] = {}
    for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
        found.setdefault(v["Key"], []).append(v)
    return found


def _assert_whole(s3: S3, data: bytes) -> None:
    sha = hashlib.sha256(data).hexdigest()
    head = s3.client.head_object(Bucket=s3.bucket, Key=s3.key(sha))
    assert head["ContentLength"] == len(data)
    assert head["Metadata"] == {"sha256": sha}
    for version in _objects(s3)[s3.key(sha)]:
        assert "VersionId" in version and version.get("Size") == len(data)  # no delete marker
        body = s3.client.get_object(
            Bucket=s3.bucket, Key=s3.key(sha), VersionId=version["VersionId"]
        )["Body"].read()
        assert hashlib.sha256(body).hexdigest() == sha
    with blobstore.open_blob(sha) as fh:  # read back verified against the name
        assert fh.read() == data


def _assert_no_upload_left(s3: S3) -> None:
    assert s3.client.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", []) == []


@pytest.mark.parametrize("data", [SMALL, LARGE], ids=["one-request", "multipart"])
def test_the_same_bytes_put_twice_at_once_make_one_object(s3: S3, data: bytes) -> None:
    sha = hashlib.sha256(data).hexdigest()
    assert _at_once([data, data]) == [(sha, len(data))] * 2
    objects = _objects(s3)
    assert list(objects) == [s3.key(sha)]
    _assert_whole(s3, data)
    _assert_no_upload_left(s3)
    assert blobstore.iter_shas() == [sha]


@pytest.mark.parametrize("size", [len(SMALL), len(LARGE)], ids=["one-request", "multipart"])
def test_different_bytes_put_at_once_make_one_object_each(s3: S3, size: int) -> None:
    first = LARGE[:size]
    second = bytes(reversed(first))
    results = _at_once([first, second])
    assert results == [(hashlib.sha256(c).hexdigest(), size) for c in (first, second)]
    objects = _objects(s3)
    assert sorted(objects) == sorted(s3.key(sha) for sha, _ in results)
    assert all(len(v) == 1 for v in objects.values())  # nobody wrote over the other
    _assert_whole(s3, first)
    _assert_whole(s3, second)
    _assert_no_upload_left(s3)


class Conflict:
    """The bucket answering the first conditional write with 409 ConditionalRequestConflict,
    as AWS does while another writer's multipart upload of the same key completes."""

    def __init__(self, client: Any, times: int = 1) -> None:
        self.client, self.left, self.seen = client, times, 0

    def __call__(self, request: Any, **kwargs: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        if request.headers.get("If-None-Match") not in (b"*", "*"):
            return None
        self.seen += 1
        if self.left <= 0:
            return None
        self.left -= 1
        body = (
            b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>ConditionalRequestConflict"
            b"</Code><Message>A conflicting operation is in progress</Message></Error>"
        )
        raw = _Raw(body)
        return AWSResponse(request.url, 409, {"Content-Type": "application/xml"}, raw)

    def __enter__(self) -> Conflict:
        self.client.meta.events.register_first("before-send.s3", self)
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.meta.events.unregister("before-send.s3", self)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **kwargs: Any) -> Any:
        yield self.body


@pytest.mark.parametrize("data", [SMALL, LARGE], ids=["one-request", "multipart"])
def test_a_409_conflict_is_tried_again_and_the_object_written(s3: S3, data: bytes) -> None:
    from vanthu.core import blobstore_s3

    _config, client = blobstore_s3._client()
    sha = hashlib.sha256(data).hexdigest()
    with Conflict(client) as conflict:
        assert blobstore.put(io.BytesIO(data)) == (sha, len(data))
    assert conflict.seen == 2  # refused once, written the second time
    _assert_whole(s3, data)
    assert len(_objects(s3)[s3.key(sha)]) == 1
    _assert_no_upload_left(s3)


def test_conflicts_that_do_not_settle_are_a_clear_error_and_leave_nothing(s3: S3) -> None:
    from vanthu.core import blobstore_s3
    from vanthu.core.blobstore import BlobStoreUnavailable

    _config, client = blobstore_s3._client()
    with (
        Conflict(client, times=10),
        pytest.raises(BlobStoreUnavailable, match="ConditionalRequestConflict"),
    ):
        blobstore.put(io.BytesIO(LARGE))
    assert _objects(s3) == {}
    _assert_no_upload_left(s3)
