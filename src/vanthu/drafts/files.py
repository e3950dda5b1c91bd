"""Reading a draft version's bytes: the same storage and encryption as registry files."""

from __future__ import annotations

from vanthu.drafts.models import DraftVersion
from vanthu.registry.models import DocumentFile


def as_file(version: DraftVersion) -> DocumentFile:
    """The version as an unsaved ``DocumentFile``: the registry's one reader of file bytes
    (``registry.files.open_file``) and the download path with its watermark for classified
    files (``access.downloads.deliver``) take that, and it carries the same fields."""
    return DocumentFile(
        document=version.document,
        sha256=version.sha256,
        size=version.size,
        content_type=version.content_type,
        original_name=version.original_name,
        encrypted=version.encrypted,
        plaintext_sha256=version.plaintext_sha256,
        key_id=version.key_id,
        wrapped_key=version.wrapped_key,
        nonce=version.nonce,
    )
