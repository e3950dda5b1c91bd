"""Checking the signatures of a stored PDF and keeping the verdict (docs/signatures.md).

Runs as the background job ``signatures.verify_file``, queued with the text extraction of every
file attached to a document (upload, scan batch, exchange receipt, delivery inside the
installation). Writes one ``FileSignature`` row and one audit event in one transaction.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from vanthu.audit.services import record
from vanthu.exchange.verify import FAILED, State, VerificationResult, file_state, verify_all
from vanthu.registry import files
from vanthu.registry.models import DocumentFile

from .models import FileSignature

log = logging.getLogger(__name__)

JOB_KIND = "signatures.verify_file"
PDF_MAGIC = b"%PDF-"


def enqueue_check(file: DocumentFile) -> None:
    """Queue the check of a PDF ``file`` (in the caller's transaction: no commit, no job).

    By declared type or name; the job itself looks at the bytes (``%PDF-``)."""
    from vanthu.core import jobs

    if file.content_type != "application/pdf" and not file.original_name.lower().endswith(".pdf"):
        return

    jobs.enqueue(JOB_KIND, {"file_id": file.pk}, dedupe_key=f"{JOB_KIND}:{file.pk}")


def _entry(r: VerificationResult) -> dict[str, Any]:
    return {
        "state": r.state.value,
        "signer": r.signer_name or r.signer,
        "signing_time": r.signing_time.isoformat() if r.signing_time else None,
        "summary": r.summary,
        "revocation": r.revocation,
        "revocation_note": r.revocation_note,
        "level": r.level,
    }


def verify_file(*, file_id: int) -> FileSignature | None:
    """Check every signature of DocumentFile ``file_id`` against the configured trust roots.

    ``None`` when the file does not exist or is not a PDF (nothing to check). Idempotent: the
    same bytes already checked are not checked again."""
    f = DocumentFile.objects.select_related("document__organization").filter(pk=file_id).first()
    if f is None:
        return None
    identity = f.plaintext_sha256 or f.sha256
    done = FileSignature.objects.filter(file=f, checked_sha256=identity).first()
    if done is not None:
        return done
    # Every reader of file bytes goes through registry.files (encrypted files included); a
    # tampered encrypted file raises there, after its own alarm.
    data = files.read_verified(f)
    if not data.startswith(PDF_MAGIC):
        return None
    results = verify_all(data)
    state = file_state(results)
    shown = next((r for r in results if r.state == state), results[0])
    return _save(f, identity, state, shown, results)


def record_check(f: DocumentFile, data: bytes) -> FileSignature:
    """Check ``data`` (the plaintext of ``f``, already in hand: a file the organisation has
    just signed) and keep the verdict, as the background job would."""
    results = verify_all(data)
    state = file_state(results)
    shown = next((r for r in results if r.state == state), results[0])
    return _save(f, f.plaintext_sha256 or f.sha256, state, shown, results)


@transaction.atomic
def _save(
    f: DocumentFile,
    identity: str,
    state: State,
    shown: VerificationResult,
    results: list[VerificationResult],
) -> FileSignature:
    DocumentFile.objects.select_for_update().filter(pk=f.pk).first()
    check, _created = FileSignature.objects.update_or_create(
        file=f,
        defaults={
            "state": state,
            "signer_name": (shown.signer_name or shown.signer)[:255],
            "signing_time": shown.signing_time,
            "reason": shown.summary if len(results) == 1 else _joined(results),
            "signatures": [_entry(r) for r in results if r.signed],
            "checked_sha256": identity,
            "checked_at": timezone.now(),
        },
    )
    # Type and id, never a title or a signer's name (architecture.md, "Audit").
    record(
        action="signatures.file.verify",
        organization=f.document.organization,
        obj=f.document,
        details={
            "file": f.pk,
            "sha256": identity,
            "state": state.value,
            "signatures": sum(1 for r in results if r.signed),
            "event": str(check.event_uuid),
        },
    )
    if state in FAILED:
        log.warning("Chữ ký số của tệp %s (văn bản %s): %s", f.pk, f.document_id, state.value)
    return check


def _joined(results: list[VerificationResult]) -> str:
    return "\n".join(f"{i}. {r.summary}" for i, r in enumerate(results, start=1))


def check_of(file: DocumentFile) -> FileSignature | None:
    """The check of a file already loaded (with ``select_related("signature_check")`` this
    reads nothing more)."""
    try:
        return file.signature_check
    except FileSignature.DoesNotExist:
        return None
