"""Background job handlers of the capture app (contract: docs/capture.md, core.jobs)."""

from __future__ import annotations

from typing import Any

from vanthu.core.jobs import PermanentError, handler, int_field

from .services import extract_file_text, merge_ocr, ocr_range, result_summary


@handler("capture.extract_text")
def extract_text(payload: dict[str, Any]) -> dict[str, Any] | None:
    """Text, PDF/A copy, suggested fields and quality flags of one DocumentFile."""
    file_id = int_field(payload, "file_id")
    f = extract_file_text(file_id=file_id)
    if f is None:
        raise PermanentError(f"Không có tệp {file_id}.")
    return result_summary(f)


@handler("capture.import_batch")
def import_batch(payload: dict[str, Any]) -> dict[str, Any] | None:
    """Turn the files of a scan batch into pending documents (resumable, see batches.py)."""
    from .batches import run_batch
    from .models import ScanBatch

    batch_id = int_field(payload, "batch_id")
    if not ScanBatch.objects.filter(pk=batch_id).exists():
        raise PermanentError(f"Không có lô quét {batch_id}.")
    batch = run_batch(batch_id=batch_id)
    return {"batch_id": batch.pk, "status": batch.status, "pages_done": batch.pages_done}


@handler("capture.ocr_range")
def ocr_page_range(payload: dict[str, Any]) -> dict[str, Any] | None:
    """One page range of a large scan (services.ocr_range); retried alone when it fails."""
    try:
        file_id, first, last = (int(payload[k]) for k in ("file_id", "first", "last"))
    except (KeyError, TypeError, ValueError) as exc:
        raise PermanentError(f"Thiếu hoặc sai file_id/first/last: {payload!r}") from exc
    rng = ocr_range(file_id=file_id, first=first, last=last)
    if rng is None:
        raise PermanentError(f"Không có đoạn trang {first}-{last} của tệp {file_id}.")
    return {"file_id": file_id, "first": first, "last": last, "done": rng.done}


@handler("capture.merge_ocr")
def merge_ranges(payload: dict[str, Any]) -> dict[str, Any] | None:
    """Join the OCR'd ranges of a large scan into its PDF/A (services.merge_ocr)."""
    file_id = int_field(payload, "file_id")
    f = merge_ocr(file_id=file_id)
    if f is None:
        raise PermanentError(f"Không có tệp {file_id}.")
    return result_summary(f)
