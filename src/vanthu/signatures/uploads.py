"""Uploads of a signer's key: kept in memory, never written to disk (docs/signatures.md,
"Ký số cá nhân")."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpRequest


def keep_uploads_in_memory(request: HttpRequest) -> None:
    """Django's memory handler only, set before the body is read: a request larger than
    ``FILE_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) brings no file at all instead of a temporary file."""
    request.upload_handlers = [MemoryFileUploadHandler(request)]


def read_upload(upload: Any) -> bytes | None:
    return None if upload is None else bytes(upload.read())
