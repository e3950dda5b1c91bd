"""The "capture.extract_text" job, end to end: upload → job → text, PDF/A, fields, flags."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tests.capture import samples
from tests.capture.scans import SAMPLES, render
from vanthu.audit.models import Event
from vanthu.capture.services import extract_file_text
from vanthu.core import blobstore, jobs
from vanthu.core.models import Job, JobStatus
from vanthu.orgs.models import DocumentType
from vanthu.registry import files
from vanthu.registry import services as registry
from vanthu.registry.models import DocumentFile, TextStatus


@pytest.fixture
def document(city: Any, make_user: Any) -> Any:
    clerk = make_user(username="vt_cap", organization=city.tu, roles=["clerk"], clearance="secret")
    today = timezone.localdate()
    data = {
        "sender": "Ban Tổ chức Trung ương",
        "number_symbol": "12-CV/BTCTW",
        "document_type": DocumentType.objects.get(code="CV"),
        "issued_date": today - datetime.timedelta(days=2),
        "summary": "V/v hướng dẫn công tác nhân sự",
        "secrecy": "none",
        "urgency": "normal",
        "received_at": timezone.now(),
    }
    doc = registry.register_incoming(actor=clerk, organization=city.tu, data=data)
    return type("Ctx", (), {"clerk": clerk, "doc": doc})


def upload(ctx: Any, name: str, data: bytes, content_type: str) -> DocumentFile:
    return registry.add_file(
        actor=ctx.clerk,
        document=ctx.doc,
        upload=SimpleUploadedFile(name, data, content_type=content_type),
    )


def received(ctx: Any, name: str, data: bytes, content_type: str) -> DocumentFile:
    """A file stored as an edXML partner's attachment is (exchange.services): kept whatever its
    type or name, where an upload would refuse it (docs/capture.md, "Accepted files")."""
    stored = files.store(io.BytesIO(data), secrecy="none")
    with transaction.atomic():
        f = DocumentFile.objects.create(
            document=ctx.doc,
            position=1,
            sha256=stored.sha256,
            size=stored.size,
            content_type=content_type,
            original_name=name,
            uploaded_by=ctx.clerk,
            **stored.fields(),
        )
        jobs.enqueue("capture.extract_text", {"file_id": f.pk}, queue="ocr")
    return f


def _job_for(f: DocumentFile) -> Job:
    return Job.objects.get(kind="capture.extract_text", payload={"file_id": f.pk})


@pytest.mark.slow
def test_uploaded_scan_gets_text_pdfa_fields_and_flags(document: Any) -> None:
    image = io.BytesIO()
    render(SAMPLES[0], dpi=200).save(image, format="JPEG", quality=90, dpi=(200, 200))
    f = upload(document, "nghi-quyet.jpg", image.getvalue(), "image/jpeg")
    assert f.text_status == TextStatus.WAITING and _job_for(f).queue == "ocr"

    assert jobs.run_pending() >= 1

    f.refresh_from_db()
    assert f.text_status == TextStatus.DONE, f.text_error
    assert "NGHỊ QUYẾT" in f.text or "NGHI QUYET" in f.text
    assert f.page_count == 1 and f.ocr_confidence is not None
    assert f.pdfa_sha256 and blobstore.exists(f.pdfa_sha256)
    with pikepdf.open(blobstore.path_of(f.pdfa_sha256)) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
    assert f.suggested_fields["date"]["value"] == "2018-03-24"
    assert f.quality_flags == []
    assert _job_for(f).status == JobStatus.DONE
    assert Event.objects.filter(action="capture.text_extracted").count() == 1


def test_office_file_text_is_extracted_without_ocr(document: Any) -> None:
    data = samples.docx(["Số: 12/UBND-VP", "V/v họp giao ban"])
    f = upload(document, "cv.docx", data, "application/octet-stream")
    jobs.run_pending()
    f.refresh_from_db()
    assert (f.text_status, f.pdfa_sha256, f.page_count) == (TextStatus.DONE, None, None)
    assert f.text == "Số: 12/UBND-VP\nV/v họp giao ban"
    assert f.suggested_fields["number_symbol"]["value"] == "12/UBND-VP"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("hong.pdf", b"%PDF-1.7\nnot really a pdf", "PDF bị hỏng"),
        ("khoa.pdf", samples.encrypted_pdf(user_password="x"), "mật khẩu"),
        ("virus.exe", b"MZ\x90\x00" * 10, "Chỉ nhận PDF"),
        ("quyet-dinh.pdf", samples.docx(["Một"]), "đuôi .pdf nhưng nội dung là Word"),
    ],
)
def test_bad_file_fails_with_its_reason_and_the_job_ends(
    document: Any, name: str, data: bytes, reason: str
) -> None:
    f = received(document, name, data, "application/pdf")
    jobs.run_pending()
    f.refresh_from_db()
    assert f.text_status == TextStatus.FAILED
    assert reason in f.text_error
    assert f.text == "" and f.pdfa_sha256 is None
    # The stored original is untouched and the job itself is done (nothing to retry).
    assert blobstore.path_of(f.sha256).read_bytes() == data
    assert _job_for(f).status == JobStatus.DONE
    assert Event.objects.filter(action="capture.text_failed").count() == 1


def test_a_done_file_is_not_processed_again(document: Any) -> None:
    f = upload(document, "a.docx", samples.docx(["Một"]), "application/octet-stream")
    jobs.run_pending()
    f.refresh_from_db()
    DocumentFile.objects.filter(pk=f.pk).update(text="sửa tay")
    extract_file_text(file_id=f.pk)
    f.refresh_from_db()
    assert f.text == "sửa tay"
    assert Event.objects.filter(action="capture.text_extracted").count() == 1


def test_a_job_for_a_missing_file_fails_permanently(db: Any) -> None:
    job = jobs.enqueue("capture.extract_text", {"file_id": 987654}, queue="ocr")
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "987654" in job.error


def test_a_job_without_file_id_fails_permanently(db: Any) -> None:
    job = jobs.enqueue("capture.extract_text", {}, queue="ocr")
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "file_id" in job.error
