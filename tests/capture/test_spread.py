"""One large scan (a PDF, or a multi-page TIFF) OCR'd as page ranges by separate jobs, merged:
the same PDF/A text as one run."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.capture.scans import SAMPLES, render, word_accuracy
from vanthu.audit.models import Event
from vanthu.capture import spread
from vanthu.capture.extract import pdf_page_texts
from vanthu.capture.models import OcrRange
from vanthu.capture.ocr import ocr_pdf
from vanthu.core import blobstore, jobs
from vanthu.core.models import Job, JobStatus
from vanthu.orgs.models import DocumentType
from vanthu.registry import services as registry
from vanthu.registry.models import DocumentFile, TextStatus


@pytest.mark.parametrize(
    ("pages", "size", "expected"),
    [
        (40, 5, [(1, 5), (6, 10), (11, 15), (16, 20), (21, 25), (26, 30), (31, 35), (36, 40)]),
        (17, 5, [(1, 5), (6, 9), (10, 13), (14, 17)]),
        (3, 5, [(1, 3)]),
        (0, 5, []),
    ],
)
def test_ranges_are_balanced_and_cover_every_page_once(
    pages: int, size: int, expected: list[tuple[int, int]]
) -> None:
    assert spread.ranges(pages, size) == expected


def _scan_pdf(pages: int) -> bytes:
    images = [render(SAMPLES[i % len(SAMPLES)], dpi=150).convert("RGB") for i in range(pages)]
    out = io.BytesIO()
    images[0].save(out, format="PDF", resolution=150, save_all=True, append_images=images[1:])
    return out.getvalue()


@pytest.fixture
def document(city: Any, make_user: Any) -> Any:
    clerk = make_user(username="vt_spread", organization=city.tu, roles=["clerk"])
    data = {
        "sender": "Ban Tổ chức Trung ương",
        "number_symbol": "12-CV/BTCTW",
        "document_type": DocumentType.objects.get(code="CV"),
        "issued_date": timezone.localdate() - datetime.timedelta(days=2),
        "summary": "V/v hướng dẫn công tác nhân sự",
        "secrecy": "none",
        "urgency": "normal",
        "received_at": timezone.now(),
    }
    doc = registry.register_incoming(actor=clerk, organization=city.tu, data=data)
    return type("Ctx", (), {"clerk": clerk, "doc": doc})


def _upload(ctx: Any, data: bytes) -> DocumentFile:
    upload = SimpleUploadedFile("ho-so-dai.pdf", data, content_type="application/pdf")
    return registry.add_file(actor=ctx.clerk, document=ctx.doc, upload=upload)


def _range_job(f: DocumentFile, first: int) -> Job:
    return Job.objects.get(kind="capture.ocr_range", payload__file_id=f.pk, payload__first=first)


@pytest.mark.slow
def test_failed_range_is_retried_alone_and_merge_equals_one_run(
    document: Any, settings: Any, tmp_path: Path
) -> None:
    settings.VANTHU_OCR_SPREAD_PAGES = 4
    settings.VANTHU_OCR_RANGE_PAGES = 2
    data = _scan_pdf(4)
    (tmp_path / "scan.pdf").write_bytes(data)
    single = ocr_pdf(tmp_path / "scan.pdf", tmp_path / "single.pdf")

    f = _upload(document, data)
    # The second range cannot write its output (a folder is in the way): its job fails.
    blocker = spread.part_path(f.pk, 3, 4)
    blocker.mkdir(parents=True)
    jobs.run_pending()
    f.refresh_from_db()
    assert f.text_status == TextStatus.WORKING
    assert list(OcrRange.objects.filter(file=f).values_list("first", "last", "done")) == [
        (1, 2, True),
        (3, 4, False),
    ]
    failed = _range_job(f, 3)
    assert (failed.status, failed.attempts) == (JobStatus.WAITING, 1)
    assert not Job.objects.filter(kind="capture.merge_ocr").exists()

    blocker.rmdir()
    Job.objects.filter(pk=failed.pk).update(run_after=timezone.now())
    jobs.run_pending()
    f.refresh_from_db()
    # Only the failed range ran again.
    assert _range_job(f, 1).attempts == 1
    assert (_range_job(f, 3).status, _range_job(f, 3).attempts) == (JobStatus.DONE, 2)
    assert f.text_status == TextStatus.DONE, f.text_error
    assert f.page_count == 4
    assert f.text == "\n\n".join(p for p in single.pages if p).strip()
    stored = blobstore.path_of(f.pdfa_sha256 or "")
    assert pdf_page_texts(stored) == single.pages
    with pikepdf.open(stored) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
        assert len(pdf.pages) == 4
    assert f.suggested_fields["number_symbol"]["value"]
    assert Event.objects.filter(action="capture.ocr_spread", object_id=str(f.pk)).count() == 1
    assert not (spread.range_root() / str(f.pk)).exists()


def test_small_file_is_not_spread(document: Any, settings: Any) -> None:
    settings.VANTHU_OCR_SPREAD_PAGES = 3
    f = _upload(document, _scan_pdf(2))
    # Only the spreading decision is tested here: run the extract job without OCR'ing ranges.
    from vanthu.capture.services import _spread

    assert _spread(f, blobstore.path_of(f.sha256)) is False
    assert not OcrRange.objects.filter(file=f).exists()
    assert not Job.objects.filter(kind="capture.ocr_range").exists()


@pytest.mark.parametrize(
    "payload",
    [{}, {"file_id": "x", "first": 1, "last": 2}, {"file_id": 999999, "first": 1, "last": 2}],
)
def test_bad_range_payload_fails_permanently(db: Any, payload: dict[str, Any]) -> None:
    job = jobs.enqueue("capture.ocr_range", payload, queue="ocr")
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert not OcrRange.objects.exists()


def _tiff(pages: int) -> tuple[bytes, list[Image.Image]]:
    frames = [render(SAMPLES[i], dpi=150).convert("L") for i in range(pages)]
    out = io.BytesIO()
    frames[0].save(
        out,
        format="TIFF",
        save_all=True,
        append_images=frames[1:],
        compression="tiff_lzw",
        dpi=(150, 150),
    )
    return out.getvalue(), frames


@pytest.mark.slow
def test_multi_page_tiff_is_spread_across_range_jobs_and_keeps_its_pixels(
    document: Any, settings: Any
) -> None:
    settings.VANTHU_OCR_SPREAD_PAGES = 3
    settings.VANTHU_OCR_RANGE_PAGES = 2
    data, frames = _tiff(3)
    upload = SimpleUploadedFile("ho-so-quet.tif", data, content_type="image/tiff")
    f = registry.add_file(actor=document.clerk, document=document.doc, upload=upload)
    jobs.run_pending()
    f.refresh_from_db()
    assert f.text_status == TextStatus.DONE, f.text_error
    assert list(OcrRange.objects.filter(file=f).values_list("first", "last", "done")) == [
        (1, 2, True),
        (3, 3, True),
    ]
    assert Job.objects.filter(kind="capture.ocr_range", payload__file_id=f.pk).count() == 2
    assert f.page_count == 3
    stored = blobstore.path_of(f.pdfa_sha256 or "")
    texts = pdf_page_texts(stored)
    for sample, text in zip(SAMPLES[:3], texts, strict=True):  # every page, in its order
        assert word_accuracy(sample.summary, text, folded=True) > 0.5, text
    with pikepdf.open(stored) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
        for page, frame in zip(pdf.pages, frames, strict=True):
            (image,) = page.get_images().values()
            kept = pikepdf.PdfImage(image).as_pil_image()
            assert (kept.mode, kept.size) == (frame.mode, frame.size)
            assert kept.tobytes() == frame.tobytes()  # the scan's pixels, unchanged
    assert not (spread.range_root() / str(f.pk)).exists()


def test_small_tiff_is_not_spread(document: Any, settings: Any) -> None:
    settings.VANTHU_OCR_SPREAD_PAGES = 3
    from vanthu.capture.services import _spread

    f = _upload_as(document, "hai-trang.tif", _tiff(2)[0])
    assert _spread(f, blobstore.path_of(f.sha256)) is False
    assert not OcrRange.objects.filter(file=f).exists()
    assert not spread.source_path(f.pk).exists()


def _upload_as(ctx: Any, name: str, data: bytes) -> DocumentFile:
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return registry.add_file(actor=ctx.clerk, document=ctx.doc, upload=upload)
