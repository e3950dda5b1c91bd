"""The one way to store and read a document's file bytes: plain or encrypted at rest.

Every reader of file bytes (downloads, capture, exports) calls ``open_file``; nothing else
opens a blob of a DocumentFile. Files of classified documents are encrypted (docs/security.md;
Luật BVBMNN 2018 Điều 5 allows storing secrets on a computer only under cipher protection).
"""

from __future__ import annotations

import io
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.db import transaction

from vanthu.audit.services import record
from vanthu.core import blobstore, crypto
from vanthu.core.enums import Secrecy
from vanthu.registry.models import DocumentFile

log = logging.getLogger("vanthu.security")

FileTampered = crypto.TamperedError


@dataclass(frozen=True)
class Stored:
    """A stored upload: the blob's address and size, and how it is sealed if it is."""

    sha256: str  # address of the blob (the ciphertext when encrypted)
    size: int  # size of the plaintext: what the user uploaded
    plaintext_sha256: str
    sealed: crypto.Sealed | None

    def fields(self) -> dict[str, object]:
        """DocumentFile fields (besides sha256 and size) for this upload."""
        if self.sealed is None:
            return {"encrypted": False, "plaintext_sha256": self.plaintext_sha256}
        return {
            "encrypted": True,
            "plaintext_sha256": self.plaintext_sha256,
            "key_id": self.sealed.key_id,
            "wrapped_key": self.sealed.wrapped_key,
            "nonce": self.sealed.nonce,
        }


def must_encrypt(secrecy: str) -> bool:
    return secrecy != Secrecy.NONE


def store(stream: BinaryIO, *, secrecy: str) -> Stored:
    """Write the stream to the blob store, encrypted when ``secrecy`` is classified.

    Durable when this returns (invariant 2: before the row that names it commits)."""
    if not must_encrypt(secrecy):
        sha, size = blobstore.put(stream)
        return Stored(sha256=sha, size=size, plaintext_sha256=sha, sealed=None)
    reader = crypto.EncryptingReader(stream)
    sha, _cipher_size = blobstore.put(reader)  # type: ignore[arg-type]
    return Stored(
        sha256=sha,
        size=reader.plaintext_size,
        plaintext_sha256=reader.plaintext_sha256,
        sealed=reader.sealed,
    )


def store_pdfa(file: DocumentFile, stream: BinaryIO) -> tuple[str, str]:
    """Store the PDF/A copy of ``file``: sealed with the file's own data key when the file
    is encrypted. Answers (blob address, pdfa_nonce) — the nonce is "" for a plain file."""
    sealed = _sealed(file)
    if sealed is None:
        sha, _size = blobstore.put(stream)
        return sha, ""
    reader = crypto.EncryptingReader(stream, data_key=crypto.unwrap(sealed))
    sha, _size = blobstore.put(reader)  # type: ignore[arg-type]
    return sha, reader.sealed.nonce


def _sealed(file: DocumentFile) -> crypto.Sealed | None:
    if file.encrypted:
        return crypto.Sealed(file.key_id, file.wrapped_key, file.nonce)
    # A copy made by a delivery inside the installation names the same blob without its key
    # material: the key belongs to the ciphertext, so any row sealing that blob has it.
    twin = (
        DocumentFile.objects.filter(sha256=file.sha256, encrypted=True)
        .exclude(pk=file.pk)
        .only("key_id", "wrapped_key", "nonce")
        .first()
    )
    if twin is None:
        return None
    return crypto.Sealed(twin.key_id, twin.wrapped_key, twin.nonce)


class _Guarded(crypto.DecryptingReader):
    """Decrypts and, on a failed tag, raises the alarm (audit event + log) before raising."""

    def __init__(self, source: BinaryIO, sealed: crypto.Sealed, file: DocumentFile) -> None:
        self._file = file
        try:
            super().__init__(source, sealed)
        except crypto.TamperedError:
            report_tampered(file)
            raise

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        try:
            return super().readinto(b)
        except crypto.TamperedError:
            report_tampered(self._file)
            raise


class _AlarmedPlain(io.RawIOBase):
    """A plain file's verified object-storage stream that raises the alarm on a mismatch."""

    def __init__(self, source: BinaryIO, file: DocumentFile) -> None:
        self._source = source
        self._file = file

    def readable(self) -> bool:
        return True

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        try:
            data = self._source.read(len(b))
        except blobstore.BlobIntegrityError:
            report_tampered(self._file)
            raise
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._source.close()
        super().close()


def open_file(file: DocumentFile, *, pdfa: bool = False) -> BinaryIO:
    """The plaintext bytes of ``file`` (or of its PDF/A copy) for encrypted and plain files.

    Reading a tampered encrypted file raises ``FileTampered`` (after the audit event and the
    log alert), never garbage bytes. Callers must have checked the reader may see the file.
    """
    sha = file.pdfa_sha256 if pdfa else file.sha256
    if not sha:
        raise FileNotFoundError(f"Tệp {file.pk} không có bản PDF/A.")
    source = blobstore.open_blob(sha)
    sealed = _sealed(file)
    if sealed is None:
        # On object storage the stream verifies the SHA-256 itself: raise the alarm on it too.
        if blobstore.is_local():
            return source
        return io.BufferedReader(_AlarmedPlain(source, file), buffer_size=blobstore.CHUNK)
    if pdfa:
        sealed = crypto.Sealed(sealed.key_id, sealed.wrapped_key, file.pdfa_nonce)
    return io.BufferedReader(_Guarded(source, sealed, file), buffer_size=crypto.CHUNK)


def read_verified(file: DocumentFile, *, pdfa: bool = False) -> bytes:
    """All the plaintext, authenticated to the last chunk before anything is handed out."""
    with open_file(file, pdfa=pdfa) as fh:
        return fh.read()


def verify(file: DocumentFile) -> None:
    """Authenticate every chunk without keeping the plaintext (raises ``FileTampered``)."""
    with open_file(file) as fh:
        while fh.read(crypto.CHUNK):
            pass


def report_tampered(file: DocumentFile) -> None:
    """An encrypted file failed its tag, or a file on object storage its SHA-256: an audit
    event, a log alert and a notification to the administrators (never the bytes)."""
    log.critical(
        "Tệp %s (văn bản %s, blob %s) không khớp mã xác thực/mã băm: có thể bị sửa trái phép.",
        file.pk,
        file.document_id,
        file.sha256,
    )
    try:
        with transaction.atomic():
            record(
                action="file.tampered",
                organization=file.document.organization,
                obj=file.document,
                details={"file": file.pk, "sha256": file.sha256},
            )
    except Exception:  # the alert above must survive a failing audit write
        log.exception("Không ghi được sự kiện file.tampered cho tệp %s", file.pk)
    # And the administrators see it in the application (hash only: no title, no content).
    from vanthu.notify.services import fixity_alert_after_commit  # notify imports the registry

    fixity_alert_after_commit(file.sha256, "không khớp mã xác thực, có thể bị sửa trái phép")


def rewrap_all(*, batch: int = 500) -> tuple[int, int]:
    """Key rotation: re-wrap every data key not under the current installation key.

    Files are not re-encrypted (their addresses stay). Resumable: rows already under the
    current key are skipped. Answers (re-wrapped, left on unknown keys)."""
    ring = crypto.keyring()
    done = failed = 0
    last = 0
    while True:
        rows = list(
            DocumentFile.objects.filter(encrypted=True, pk__gt=last)
            .exclude(key_id=ring.current_id)
            .order_by("pk")
            .only("pk", "key_id", "wrapped_key", "nonce")[:batch]
        )
        if not rows:
            return done, failed
        for row in rows:
            last = row.pk
            try:
                new = crypto.rewrap(crypto.Sealed(row.key_id, row.wrapped_key, row.nonce), ring)
            except crypto.CryptoError:
                failed += 1
                log.error("Không bọc lại được khóa của tệp %s (khóa %s).", row.pk, row.key_id)
                continue
            with transaction.atomic():
                # Compare-and-set: a concurrent rotation must not lose a wrap.
                done += DocumentFile.objects.filter(
                    pk=row.pk, key_id=row.key_id, wrapped_key=row.wrapped_key
                ).update(key_id=new.key_id, wrapped_key=new.wrapped_key)


def plaintext_path(file: DocumentFile, work_dir: Path) -> Path:
    """A path holding the file's plaintext, for tools that need a path (OCR, extraction).

    A plain file in the local store is its blob; an encrypted one, or any file on object
    storage, is copied (decrypted) into ``work_dir`` (a private temporary folder the caller
    removes), authenticated or verified in full before it is used."""
    if _sealed(file) is None and blobstore.is_local():
        return blobstore.path_of(file.sha256)
    target = work_dir / "source"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, open_file(file) as fh:
        shutil.copyfileobj(fh, out, crypto.CHUNK)
    return target


def is_sealed(file: DocumentFile) -> bool:
    """Is the file's blob encrypted (its own row, or a delivered copy of an encrypted one)?"""
    return _sealed(file) is not None
