"""The blob store on S3-compatible object storage, through boto3 (docs/deploy.md).

The key of a blob is its content address, ``<prefix><sha[:2]>/<sha[2:4]>/<sha>``, the same
layout as the local store. boto3's low-level client is used rather than django-storages or
boto3's managed transfer: we need a conditional write (``If-None-Match: *``, so an existing
key is never overwritten), our own SHA-256 as the object's checksum and metadata, and a read
verified while it streams; django-storages' ``S3Storage`` offers none of these (it renames or
overwrites on a clash and spools reads to a temporary file), and s3transfer refuses
``IfNoneMatch`` in its upload arguments.

Writes spool the stream to a temporary file (bounded memory) to learn its SHA-256 before the
key is chosen, then upload it in one request or, above ``VANTHU_S3_PART_MB``, as a multipart
upload of parts of that size, each with its own SHA-256 checksum.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import re
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import IO, Any, BinaryIO

from django.conf import settings

from vanthu.core.blobstore import CHUNK, BlobIntegrityError, BlobStoreUnavailable

SPOOL_IN_MEMORY = 1024 * 1024  # bytes of an upload kept in memory before spooling to disk
_lock = threading.Lock()


@dataclass(frozen=True)
class S3Config:
    endpoint_url: str
    bucket: str
    region: str
    access_key_id: str
    secret_access_key: str
    prefix: str
    addressing_style: str
    part_size: int
    connect_timeout: float

    @classmethod
    def current(cls) -> S3Config:
        return cls(
            endpoint_url=settings.VANTHU_S3_ENDPOINT_URL,
            bucket=settings.VANTHU_S3_BUCKET,
            region=settings.VANTHU_S3_REGION,
            access_key_id=settings.VANTHU_S3_ACCESS_KEY_ID,
            secret_access_key=settings.VANTHU_S3_SECRET_ACCESS_KEY,
            prefix=settings.VANTHU_S3_PREFIX,
            addressing_style=settings.VANTHU_S3_ADDRESSING_STYLE,
            part_size=settings.VANTHU_S3_PART_MB * 1024 * 1024,
            connect_timeout=settings.VANTHU_S3_TIMEOUT_SECONDS,
        )

    def key(self, sha256: str) -> str:
        return f"{self.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def where(self) -> str:
        return f"s3://{self.bucket}/{self.prefix} ({self.endpoint_url or 'AWS'})"


@functools.lru_cache(maxsize=8)
def _client_for(config: S3Config) -> Any:
    import boto3
    from botocore.config import Config

    with _lock:  # a boto3 Session is not thread-safe; the client it makes is
        session = boto3.session.Session()
        return session.client(
            "s3",
            endpoint_url=config.endpoint_url or None,
            region_name=config.region,
            aws_access_key_id=config.access_key_id or None,
            aws_secret_access_key=config.secret_access_key or None,
            config=Config(
                s3={"addressing_style": config.addressing_style},
                connect_timeout=config.connect_timeout,
                read_timeout=max(60.0, config.connect_timeout),
                retries={"max_attempts": 3, "mode": "standard"},
                # We send our own SHA-256 where it matters; the default CRC32 trailers of
                # recent botocore are refused by several S3-compatible servers.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )


def _client() -> tuple[S3Config, Any]:
    config = S3Config.current()
    return config, _client_for(config)


def describe() -> str:
    return S3Config.current().where()


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _unavailable(config: S3Config, exc: Exception) -> BlobStoreUnavailable:
    code = _code(exc)
    if code in {"NoSuchBucket"}:
        reason = "không có bucket này"
    elif code in {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"}:
        reason = "máy chủ từ chối khóa truy cập"
    elif code:
        reason = f"máy chủ trả lời lỗi {code}"
    else:
        reason = "không kết nối được tới máy chủ"
    return BlobStoreUnavailable(f"Kho tệp {config.where()} không dùng được: {reason}.")


def _errors() -> tuple[type[Exception], ...]:
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError)


def _missing(exc: Exception) -> bool:
    return _code(exc) in {"NoSuchKey", "404", "NotFound"}


def check_bucket() -> None:
    """Raise ``BlobStoreUnavailable`` unless the bucket answers (start-up check)."""
    config, client = _client()
    try:
        client.head_bucket(Bucket=config.bucket)
    except _errors() as exc:
        if _code(exc) in {"404", "NoSuchBucket", "NotFound"}:
            raise BlobStoreUnavailable(
                f"Kho tệp {config.where()} không dùng được: không có bucket này."
            ) from exc
        raise _unavailable(config, exc) from exc


def _head(sha256: str) -> dict[str, Any] | None:
    config, client = _client()
    try:
        head: dict[str, Any] = client.head_object(Bucket=config.bucket, Key=config.key(sha256))
    except _errors() as exc:
        if _missing(exc):
            return None
        raise _unavailable(config, exc) from exc
    return head


def exists(sha256: str) -> bool:
    return _head(sha256) is not None


def size(sha256: str) -> int:
    head = _head(sha256)
    if head is None:
        raise FileNotFoundError(f"Không tìm thấy blob {sha256} trong kho.")
    return int(head["ContentLength"])


# Answers to a conditional write that mean "another writer got there first": 412 once its
# object exists; 409 ConditionalRequestConflict while it is still being written (AWS answers it
# to a write racing a multipart completion of the same key, and asks for a retry).
_TAKEN = "PreconditionFailed"
_CONFLICT = {"ConditionalRequestConflict", "409"}
PUT_ATTEMPTS = 3


def put(stream: BinaryIO) -> tuple[str, int]:
    """Store the stream's bytes under their SHA-256; never overwrite; durable on return.

    Writers racing with the same bytes (two clerks attaching one scan, a retried job) all
    succeed: the first conditional write creates the object, the others are refused with 412
    and find it there; on a 409 the write is tried again once the key is settled
    (tests/core/test_blobstore_s3_race.py).
    """
    config, client = _client()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        hasher = hashlib.sha256()
        total = 0
        while chunk := stream.read(CHUNK):
            hasher.update(chunk)
            spool.write(chunk)
            total += len(chunk)
        sha = hasher.hexdigest()
        args = {
            "Bucket": config.bucket,
            "Key": config.key(sha),
            "Metadata": {"sha256": sha},
            "ContentType": "application/octet-stream",
        }
        attempt = 0
        while True:
            attempt += 1
            if exists(sha):
                return sha, total
            spool.seek(0)
            try:
                if total <= config.part_size:
                    client.put_object(
                        **args,
                        Body=spool,
                        ContentLength=total,
                        ChecksumSHA256=base64.b64encode(hasher.digest()).decode(),
                        IfNoneMatch="*",
                    )
                else:
                    _multipart(client, args, spool, config.part_size)
            except _errors() as exc:
                if _code(exc) == _TAKEN:
                    return sha, total  # written meanwhile by another writer: the same bytes
                if _code(exc) in _CONFLICT and attempt < PUT_ATTEMPTS:
                    time.sleep(0.2 * attempt)
                    continue
                raise _unavailable(config, exc) from exc
            return sha, total


def _multipart(client: Any, args: dict[str, Any], spool: IO[bytes], part_size: int) -> None:
    upload = client.create_multipart_upload(**args, ChecksumAlgorithm="SHA256")
    ids = {"Bucket": args["Bucket"], "Key": args["Key"], "UploadId": upload["UploadId"]}
    parts = []
    try:
        number = 1
        while part := spool.read(part_size):
            checksum = base64.b64encode(hashlib.sha256(part).digest()).decode()
            answer = client.upload_part(
                **ids, PartNumber=number, Body=part, ChecksumSHA256=checksum
            )
            parts.append({"ETag": answer["ETag"], "PartNumber": number, "ChecksumSHA256": checksum})
            number += 1
        client.complete_multipart_upload(**ids, MultipartUpload={"Parts": parts}, IfNoneMatch="*")
    except BaseException:
        try:
            client.abort_multipart_upload(**ids)
        except _errors():
            pass  # a lifecycle rule removes abandoned uploads (docs/deploy.md)
        raise


def _body(sha256: str) -> Any:
    config, client = _client()
    try:
        answer = client.get_object(Bucket=config.bucket, Key=config.key(sha256))
    except _errors() as exc:
        if _missing(exc):
            raise FileNotFoundError(f"Không tìm thấy blob {sha256} trong kho.") from exc
        raise _unavailable(config, exc) from exc
    return answer["Body"]


class _Raw(io.RawIOBase):
    """An object's body as a file: read errors become ``BlobStoreUnavailable``."""

    def __init__(self, sha256: str) -> None:
        self.sha256 = sha256
        self._body = _body(sha256)

    def readable(self) -> bool:
        return True

    def _read(self, n: int) -> bytes:
        try:
            data: bytes = self._body.read(n)
        except _errors() as exc:
            raise _unavailable(S3Config.current(), exc) from exc
        return data

    def readinto(self, b: Any) -> int:
        data = self._read(len(b))
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


class _Verified(_Raw):
    """Hashes while streaming and reads one chunk ahead, so that the last chunk of a changed
    object is never handed out: after the last byte the SHA-256 must equal the name."""

    def __init__(self, sha256: str) -> None:
        super().__init__(sha256)
        self._hasher = hashlib.sha256()
        self._held = b""
        self._offset = 0
        self._ahead: bytes | None = None
        self._done = False

    def readinto(self, b: Any) -> int:
        if self._offset >= len(self._held):
            if self._done:
                return 0
            self._advance()
        data = self._held[self._offset : self._offset + len(b)]
        b[: len(data)] = data
        self._offset += len(data)
        return len(data)

    def _advance(self) -> None:
        if self._ahead is None:
            self._ahead = self._next()
        current = self._ahead
        self._ahead = self._next() if current else b""
        if not self._ahead:
            self._done = True
            actual = self._hasher.hexdigest()
            if actual != self.sha256:
                self._held, self._offset = b"", 0
                raise BlobIntegrityError(
                    f"Blob {self.sha256} trong kho tệp không khớp mã băm SHA-256 "
                    f"(thực tế {actual}): đối tượng đã bị thay đổi."
                )
        self._held, self._offset = current, 0

    def _next(self) -> bytes:
        data = self._read(CHUNK)
        self._hasher.update(data)
        return data


def open_raw(sha256: str) -> BinaryIO:
    return io.BufferedReader(_Raw(sha256), buffer_size=CHUNK)


def open_verified(sha256: str) -> BinaryIO:
    return io.BufferedReader(_Verified(sha256), buffer_size=CHUNK)


_KEY = re.compile(r"^([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})$")


def list_shas() -> list[str]:
    config, client = _client()
    names: list[str] = []
    try:
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=config.bucket, Prefix=config.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                match = _KEY.match(item["Key"][len(config.prefix) :])
                if match and match[3].startswith(match[1] + match[2]):
                    names.append(match[3])
    except _errors() as exc:
        raise _unavailable(config, exc) from exc
    return sorted(names)


def delete(sha256: str) -> None:
    """Delete the object and, on a versioned bucket, every version of it: an approved
    disposal must leave no copy behind (invariant 2)."""
    config, client = _client()
    key = config.key(sha256)
    try:
        client.delete_object(Bucket=config.bucket, Key=key)
        pages = client.get_paginator("list_object_versions").paginate(
            Bucket=config.bucket, Prefix=key
        )
        for page in pages:
            for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                if item["Key"] == key and item.get("VersionId") not in (None, "null"):
                    client.delete_object(Bucket=config.bucket, Key=key, VersionId=item["VersionId"])
    except _errors() as exc:
        if _code(exc) in {"NotImplemented", "MethodNotAllowed"}:
            return  # a server without versions: the plain delete above was the only copy
        raise _unavailable(config, exc) from exc


def abort_stale_uploads(before: float) -> int:
    """Abort multipart uploads of blob keys started before ``before`` (epoch seconds): what a
    writer killed half way left on the server. A live upload of the largest file takes
    minutes, far less than the limit (VANTHU_BLOB_TEMP_MAX_AGE_SECONDS); a lifecycle rule on
    the bucket does the same on the server's side (docs/deploy.md)."""
    config, client = _client()
    aborted = 0
    try:
        pages = client.get_paginator("list_multipart_uploads").paginate(
            Bucket=config.bucket, Prefix=config.prefix
        )
        for page in pages:
            for upload in page.get("Uploads", []):
                if not _KEY.match(upload["Key"][len(config.prefix) :]):
                    continue  # not one of ours: someone else's upload in a shared bucket
                if upload["Initiated"].timestamp() >= before:
                    continue
                try:
                    client.abort_multipart_upload(
                        Bucket=config.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                except _errors() as exc:
                    if _code(exc) != "NoSuchUpload":  # completed or aborted meanwhile
                        raise
                    continue
                aborted += 1
    except _errors() as exc:
        raise _unavailable(config, exc) from exc
    return aborted
