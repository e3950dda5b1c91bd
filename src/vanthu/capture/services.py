"""Writes of the capture app: the text, PDF/A copy, fields and flags of one stored file."""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from vanthu.audit.services import record
from vanthu.core import blobstore, jobs, scratch
from vanthu.orgs.models import DocumentType, User
from vanthu.registry import files
from vanthu.registry.models import DocumentFile, TextStatus
from vanthu.registry.services import require_clerk, require_visible
from vanthu.search.indexing import document_changed

from . import spread
from .detect import check_claim, detect
from .extract import extract_pdf, pdf_page_texts
from .fields import suggest_fields
from .models import OcrRange, QualityCheck
from .ocr import image_to_pdf, ocr_pdf
from .pipeline import Captured, capture
from .quality import assess

log = logging.getLogger(__name__)
ERROR_LENGTH = 500


def extract_file_text(*, file_id: int) -> DocumentFile | None:
    """Extract (or OCR) the text of DocumentFile ``file_id`` and store what capture found.

    Idempotent: a file already done is only indexed again. A refused input (corrupt,
    encrypted, too many pages, …) ends as ``failed`` with its Vietnamese reason; an unexpected
    error marks the file failed too and is re-raised so that the job is retried.
    """
    with transaction.atomic():
        f = DocumentFile.objects.select_for_update().filter(pk=file_id).first()
        if f is None:
            return None
        if f.text_status == TextStatus.DONE:
            # A worker killed after the text committed but before the index took it leaves
            # this job to run again: index now, or the text is never searchable.
            document_changed(f.document_id)
            return f
        f.text_status, f.text_error = TextStatus.WORKING, ""
        f.save(update_fields=["text_status", "text_error"])
    if not blobstore.exists(f.sha256):
        return _fail(f, "Không tìm thấy tệp gốc trong kho lưu trữ.")
    types = list(DocumentType.objects.filter(active=True).values_list("code", "name"))
    with scratch.folder("capture") as work:
        try:
            # Encrypted (classified) files are decrypted into this private folder only.
            source = files.plaintext_path(f, Path(work))
            if _spread(f, source):
                return f  # OCR'd as page ranges by capture.ocr_range jobs, then merged
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


# --- one large scan OCR'd as page ranges across workers (spread.py) --------------------------


def _spread(f: DocumentFile, source: Path) -> bool:
    """Start the range jobs of a large scanned PDF or multi-page TIFF; False when the file is
    OCR'd in one run.

    Classified (encrypted) files are never spread: their range outputs would be plaintext
    outside the cipher. Owner-password PDFs are OCR'd from a decrypted copy in one run too."""
    if f.encrypted:
        return False
    if OcrRange.objects.filter(file=f).exists():
        return True  # already spread (this job was run again): the ranges are under way
    file_type = detect(source)
    check_claim(file_type, f.original_name)
    if file_type.kind == "tiff":
        pages = spread.tiff_pages(source)
        if pages < spread.spread_pages():
            return False
        # Wrapped once, as a single run would (ocr.image_to_pdf), where every range job finds it.
        with scratch.folder("capture") as work:
            wrapped = Path(work) / "scan.pdf"
            image_to_pdf(source, wrapped)
            spread.write_part(wrapped, spread.source_path(f.pk))
    elif file_type.kind == "pdf":
        extracted = extract_pdf(source)
        pages = len(extracted.pages)
        if not extracted.needs_ocr or extracted.encrypted or pages < spread.spread_pages():
            return False
    else:
        return False
    parts = spread.ranges(pages, spread.range_pages())
    with transaction.atomic():
        for first, last in parts:
            OcrRange.objects.create(file=f, first=first, last=last)
            jobs.enqueue(
                "capture.ocr_range",
                {"file_id": f.pk, "first": first, "last": last},
                queue="ocr",
                dedupe_key=f"capture.ocr_range:{f.pk}:{first}",
            )
        record(
            action="capture.ocr_spread",
            organization=f.document.organization,
            obj=f,
            details={"pages": pages, "ranges": len(parts)},
        )
    return True


def ocr_range(*, file_id: int, first: int, last: int) -> OcrRange | None:
    """OCR pages ``first``..``last`` of a spread file; the last range to finish sends the merge.

    An unexpected error propagates, so core.jobs retries this range alone; a refused input
    fails the whole file (the other ranges then stop at the file's status)."""
    rng = OcrRange.objects.select_related("file").filter(file_id=file_id, first=first).first()
    if rng is None or rng.last != last:
        return None
    f = rng.file
    if rng.done or f.text_status != TextStatus.WORKING:
        return rng
    started = time.monotonic()
    with scratch.folder("ocr-range") as work:
        wrapped = spread.source_path(f.pk)  # a spread TIFF, wrapped in a PDF by _spread
        source = wrapped if wrapped.exists() else files.plaintext_path(f, Path(work))
        try:
            cut = Path(work) / "range.pdf"
            spread.cut(source, first, last, cut)
            result = ocr_pdf(cut, Path(work) / "range-ocr.pdf")
        except ValidationError as exc:
            _fail(f, _message(exc))
            return rng
        spread.write_part(Path(work) / "range-ocr.pdf", spread.part_path(f.pk, first, last))
    with transaction.atomic():
        # The file's row lock makes "am I the last range?" true for exactly one range.
        DocumentFile.objects.select_for_update().get(pk=f.pk)
        rng.done, rng.pdfa = True, result.pdfa
        rng.measures = spread.dump_measures(result.measures, first - 1)
        rng.seconds = round(time.monotonic() - started, 2)
        rng.save()
        if not OcrRange.objects.filter(file=f, done=False).exists():
            jobs.enqueue(
                "capture.merge_ocr",
                {"file_id": f.pk},
                queue="ocr",
                dedupe_key=f"capture.merge_ocr:{f.pk}",
            )
    return rng


def merge_ocr(*, file_id: int) -> DocumentFile | None:
    """Join the OCR'd ranges into one PDF/A and store what capture found, as one run would."""
    f = DocumentFile.objects.select_related("document__organization").filter(pk=file_id).first()
    if f is None or f.text_status != TextStatus.WORKING:
        if f is not None and f.text_status == TextStatus.DONE:
            document_changed(f.document_id)  # a run again after a kill: see extract_file_text
        return f
    parts = list(OcrRange.objects.filter(file=f).order_by("first"))
    if not parts or not all(r.done for r in parts):
        return f  # not all ranges are done: the last one to finish sends this job again
    types = list(DocumentType.objects.filter(active=True).values_list("code", "name"))
    with scratch.folder("ocr-merge") as work:
        merged = Path(work) / "merged.pdf"
        spread.merge([spread.part_path(f.pk, r.first, r.last) for r in parts], merged)
        pages = pdf_page_texts(merged)
        measures = {}
        for r in parts:
            measures.update(spread.load_measures(r.measures))
        pdfa = all(r.pdfa for r in parts)
        confidences = [c for m in measures.values() for c in m.confidences]
        result = Captured(
            file_type=detect(merged),
            pages=pages,
            pdfa_path=merged,
            ocr_confidence=round(sum(confidences) / len(confidences), 1) if confidences else None,
            quality_flags=assess(
                pdf_path=merged, measures=measures, page_texts=pages, scanned=True, pdfa=pdfa
            ),
            suggested_fields=suggest_fields(pages[0] if pages else "", document_types=types),
        )
        with merged.open("rb") as fh:
            pdfa_sha, f.pdfa_nonce = files.store_pdfa(f, fh)
        f = _done(f, result, pdfa_sha)
    shutil.rmtree(spread.range_root() / str(f.pk), ignore_errors=True)
    return f


def mark_quality_checked(*, actor: User, file: DocumentFile) -> QualityCheck:
    """ "Đã kiểm tra": a clerk of the document's organisation has looked at the file's quality
    flags; it leaves the verification queue. One transaction, one audit event.

    ``file`` must come from a selector that checked the document is visible to ``actor``.
    """
    with transaction.atomic():
        f = DocumentFile.objects.select_for_update().select_related("document").get(pk=file.pk)
        require_visible(actor, f.document)
        require_clerk(actor, f.document.organization)
        if not f.quality_flags or f.text_status != TextStatus.DONE:
            raise ValidationError({"file": ["Tệp này không có cờ chất lượng cần kiểm tra."]})
        if QualityCheck.objects.filter(file=f).exists():
            raise ValidationError({"file": ["Tệp này đã được đánh dấu đã kiểm tra."]})
        codes = [flag["code"] for flag in f.quality_flags]
        check = QualityCheck.objects.create(file=f, checked_by=actor, flags=codes)
        record(
            action="capture.quality_checked",
            actor=actor,
            organization=f.document.organization,
            obj=f,
            details={"document": f.document_id, "flags": codes},
        )
    return check
