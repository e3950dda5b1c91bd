"""Writes of the capture app: the text, PDF/A copy, fields and flags of one stored file."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from vanthu.audit.services import record
from vanthu.core import blobstore
from vanthu.orgs.models import DocumentType
from vanthu.registry import files
from vanthu.registry.models import DocumentFile, TextStatus
from vanthu.search.indexing import document_changed

from .pipeline import Captured, capture

log = logging.getLogger(__name__)
ERROR_LENGTH = 500


def extract_file_text(*, file_id: int) -> DocumentFile | None:
    """Extract (or OCR) the text of DocumentFile ``file_id`` and store what capture found.

    Idempotent: a file already done is left alone. A refused input (corrupt, encrypted, too
    many pages, …) ends as ``failed`` with its Vietnamese reason; an unexpected error marks the
    file failed too and is re-raised so that the job is retried.
    """
    with transaction.atomic():
        f = DocumentFile.objects.select_for_update().filter(pk=file_id).first()
        if f is None:
            return None
        if f.text_status == TextStatus.DONE:
            return f
        f.text_status, f.text_error = TextStatus.WORKING, ""
        f.save(update_fields=["text_status", "text_error"])
    if not blobstore.exists(f.sha256):
        return _fail(f, "Không tìm thấy tệp gốc trong kho lưu trữ.")
    types = list(DocumentType.objects.filter(active=True).values_list("code", "name"))
    with tempfile.TemporaryDirectory(prefix="vanthu-capture-") as work:
        try:
            # Encrypted (classified) files are decrypted into this private folder only.
            source = files.plaintext_path(f, Path(work))
            result = capture(source, Path(work), name=f.original_name, document_types=types)
        except files.FileTampered:
            return _fail(f, "Tệp mã hóa đã bị thay đổi hoặc hỏng; không giải mã được.")
        except ValidationError as exc:
            return _fail(f, _message(exc))
        except Exception:
            _fail(f, "Lỗi không mong đợi khi xử lý tệp; hệ thống sẽ thử lại.")
            raise
        # Invariant 2: the blob is written and fsynced before the row that names it commits.
        pdfa_sha = None
        if result.pdfa_path is not None:
            with result.pdfa_path.open("rb") as fh:
                # The PDF/A copy of a classified file is sealed with the file's own key.
                pdfa_sha, f.pdfa_nonce = files.store_pdfa(f, fh)
    return _done(f, result, pdfa_sha)


def _done(f: DocumentFile, result: Captured, pdfa_sha: str | None) -> DocumentFile:
    with transaction.atomic():
        f.text = result.text
        f.text_status, f.text_error = TextStatus.DONE, ""
        f.pdfa_sha256 = pdfa_sha
        f.page_count = result.page_count
        f.ocr_confidence = result.ocr_confidence
        f.quality_flags = result.quality_flags
        f.suggested_fields = result.suggested_fields
        f.save()
        record(
            action="capture.text_extracted",
            organization=f.document.organization,
            obj=f,
            details={
                "file_type": result.file_type.kind,
                "pages": result.page_count,
                "ocr": pdfa_sha is not None,
                "pdfa_sha256": pdfa_sha,
                "flags": [flag["code"] for flag in result.quality_flags],
            },
        )
        # The file's text is searchable as soon as this commits.
        document_changed(f.document_id)
    return f


def _fail(f: DocumentFile, message: str) -> DocumentFile:
    with transaction.atomic():
        f.text_status, f.text_error = TextStatus.FAILED, message[:ERROR_LENGTH]
        f.save(update_fields=["text_status", "text_error"])
        record(
            action="capture.text_failed",
            organization=f.document.organization,
            obj=f,
            details={"error": f.text_error},
        )
    return f


def _message(exc: ValidationError) -> str:
    messages: list[str] = []
    if hasattr(exc, "error_dict"):
        for errors in exc.message_dict.values():
            messages.extend(errors)
    else:
        messages.extend(exc.messages)
    return " ".join(messages) or "Tệp không xử lý được."


def result_summary(f: DocumentFile) -> dict[str, Any]:
    """What the job records as its result (small: never the text itself)."""
    return {
        "file_id": f.pk,
        "text_status": f.text_status,
        "pages": f.page_count,
        "error": f.text_error,
    }
