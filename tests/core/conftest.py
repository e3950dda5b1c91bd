"""A real S3-compatible server on loopback for the object-storage blob store tests.

moto's server (``moto[server]``, a dev dependency) runs as its own process on a free port: a
real HTTP S3 endpoint that boto3 talks to exactly as to MinIO or AWS. Chosen because it is a
pip package (MinIO is not packaged in Debian), starts in about a second, and implements the
parts we use: conditional writes (``If-None-Match``), multipart uploads with SHA-256 part
checksums, user metadata and bucket versioning. It does not check a sent ``ChecksumSHA256``
against the body (AWS and MinIO do), so our own read-side verification is what the tests prove.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

ACCESS_KEY = "vanthu-test"
SECRET_KEY = "vanthu-test-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the S3 test server (moto) did not start")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@dataclass
class S3:
    endpoint: str
    bucket: str
    client: Any  # a boto3 client of our own, to look at (and tamper with) the bucket

    def key(self, sha: str, prefix: str = "") -> str:
        return f"{prefix}{sha[:2]}/{sha[2:4]}/{sha}"


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def use_s3(settings: Any, endpoint: str, bucket: str, *, prefix: str = "") -> None:
    settings.VANTHU_BLOB_BACKEND = "s3"
    settings.VANTHU_S3_ENDPOINT_URL = endpoint
    settings.VANTHU_S3_BUCKET = bucket
    settings.VANTHU_S3_REGION = "us-east-1"
    settings.VANTHU_S3_ACCESS_KEY_ID = ACCESS_KEY
    settings.VANTHU_S3_SECRET_ACCESS_KEY = SECRET_KEY
    settings.VANTHU_S3_PREFIX = prefix
    settings.VANTHU_S3_ADDRESSING_STYLE = "path"
    settings.VANTHU_S3_PART_MB = 5
    settings.VANTHU_S3_TIMEOUT_SECONDS = 2


@pytest.fixture
def s3(settings: Any, s3_endpoint: str) -> S3:
    """A fresh versioned bucket, and the blob store pointed at it."""
    bucket = f"vanthu-{uuid.uuid4().hex[:12]}"
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=bucket)
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    use_s3(settings, s3_endpoint, bucket)
    return S3(s3_endpoint, bucket, client)
