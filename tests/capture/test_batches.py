"""Scan batches: a folder becomes pending documents, once, whatever happens on the way."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from tests.capture.batch_helpers import scan_folder, separated_pdf
from vanthu.capture import batches
from vanthu.capture.models import ScanBatch, ScanItem
from vanthu.core.models import Job
from vanthu.registry.models import Document, DocumentFile, Status


@pytest.fixture
def ctx(city: Any, make_user: Any, tmp_path: Path) -> Any:
    clerk = make_user(username="vt_scan", organization=city.tu, roles=["clerk"], clearance="secret")
    return type("Ctx", (), {"city": city, "clerk": clerk, "folder": scan_folder(tmp_path / "in")})


def _import(ctx: Any, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "import-scans",
        str(ctx.folder),
        "--organization",
        "TU",
        "--user",
        "vt_scan",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def _pending() -> list[Document]:
    return list(
        Document.objects.filter(status=Status.PENDING_REGISTRATION, scan_item__isnull=False)
    )


def test_folder_imported_twice_makes_one_set_of_documents(ctx: Any) -> None:
    output = _import(ctx)
    assert "3 văn bản chờ vào sổ" in output and "trang/giây" in output
    docs = _pending()
    assert len(docs) == 3
    assert {d.page_count for d in docs} == {1, 2}
    assert DocumentFile.objects.filter(document__in=docs).count() == 3
    # Each scan is sent to the existing text extraction job (OCR queue).
    assert Job.objects.filter(kind="capture.extract_text", queue="ocr").count() == 3
    batch = ScanBatch.objects.get()
    assert batch.status == ScanBatch.Status.DONE
    assert (batch.pages_done, batch.pages_total) == (5, 5)

    _import(ctx)
    assert len(_pending()) == 3
    assert ScanItem.objects.filter(status=ScanItem.Status.DONE).count() == 3
    assert Job.objects.filter(kind="capture.extract_text").count() == 3


def test_bad_file_is_recorded_with_its_reason_and_the_batch_continues(ctx: Any) -> None:
    output = _import(ctx)
    failed = ScanItem.objects.get(status=ScanItem.Status.FAILED)
    assert failed.source_name == "04-hong.pdf"
    assert failed.error == "Tệp PDF bị hỏng, không đọc được."
    assert failed.document is None
    assert "Lỗi 04-hong.pdf: Tệp PDF bị hỏng" in output
    assert len(_pending()) == 3


def test_scans_go_through_the_accepted_upload_types(ctx: Any, settings: Any) -> None:
    """A batch stores its scans through registry.add_file, so VANTHU_UPLOAD_TYPES holds there
    too: an office that takes only PDFs gets its JPEG scans refused, each with the reason."""
    settings.VANTHU_UPLOAD_TYPES = "pdf"
    _import(ctx)
    refused = ScanItem.objects.filter(status=ScanItem.Status.FAILED, source_name__endswith=".jpg")
    assert refused.count() == 2
    assert {i.error for i in refused} == {"Không nhận ảnh JPEG. Chỉ nhận PDF."}
    assert [d.page_count for d in _pending()] == [2]  # the PDF went on
    assert DocumentFile.objects.count() == 1


def test_interrupted_batch_resumes_without_duplicates(ctx: Any) -> None:
    batch = batches.create_batch(
        actor=ctx.clerk,
        organization=ctx.city.tu,
        source=ScanBatch.Source.FOLDER,
        source_path=ctx.folder,
    )
    calls = []

    def stop_at_third(progress: batches.Progress) -> None:
        calls.append(progress)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batches.run_batch(batch_id=batch.pk, progress=stop_at_third)
    assert len(_pending()) == 2
    assert ScanBatch.objects.get(pk=batch.pk).status == ScanBatch.Status.RUNNING

    # The CLI run on the same folder resumes the unfinished batch.
    _import(ctx)
    assert ScanBatch.objects.count() == 1
    assert len(_pending()) == 3
    assert ScanBatch.objects.get(pk=batch.pk).status == ScanBatch.Status.DONE


def test_paused_batch_stops_and_resumes(ctx: Any) -> None:
    batch = batches.create_batch(
        actor=ctx.clerk,
        organization=ctx.city.tu,
        source=ScanBatch.Source.FOLDER,
        source_path=ctx.folder,
    )

    def pause_after_first(progress: batches.Progress) -> None:
        if progress.pages_done:
            ScanBatch.objects.filter(pk=batch.pk).update(paused=True)

    stopped = batches.run_batch(batch_id=batch.pk, progress=pause_after_first)
    assert stopped.paused and stopped.status == ScanBatch.Status.PAUSED
    assert len(_pending()) == 1
    resumed = batches.set_paused(actor=ctx.clerk, batch=stopped, paused=False)
    assert not resumed.paused
    assert batches.run_batch(batch_id=batch.pk).status == ScanBatch.Status.DONE
    assert len(_pending()) == 3


def test_blank_separator_pages_split_a_pdf_into_documents(ctx: Any, tmp_path: Path) -> None:
    folder = tmp_path / "tach"
    folder.mkdir()
    separated_pdf(folder / "lo.pdf")
    batch = batches.create_batch(
        actor=ctx.clerk,
        organization=ctx.city.tu,
        source=ScanBatch.Source.FOLDER,
        source_path=folder,
        split=ScanBatch.Split.BLANK,
    )
    batches.run_batch(batch_id=batch.pk)
    items = list(ScanItem.objects.order_by("part"))
    assert [(i.part, i.pages, i.source_name) for i in items] == [
        (1, 2, "lo-01.pdf"),
        (2, 1, "lo-02.pdf"),
    ]
    assert sorted(d.page_count for d in _pending()) == [1, 2]
    # Re-running cuts again but makes nothing new.
    batch2 = batches.create_batch(
        actor=ctx.clerk,
        organization=ctx.city.tu,
        source=ScanBatch.Source.FOLDER,
        source_path=folder,
        split=ScanBatch.Split.BLANK,
    )
    batches.run_batch(batch_id=batch2.pk)
    assert len(_pending()) == 2


def test_non_clerk_cannot_start_a_batch_and_nothing_is_stored(ctx: Any, make_user: Any) -> None:
    specialist = make_user(username="cv_scan", organization=ctx.city.tu, roles=["specialist"])
    with pytest.raises(PermissionDenied):
        batches.create_batch(
            actor=specialist,
            organization=ctx.city.tu,
            source=ScanBatch.Source.FOLDER,
            source_path=ctx.folder,
        )
    assert not ScanBatch.objects.exists()


@pytest.mark.parametrize(
    ("split", "folder", "field"),
    [("pages", None, "split"), ("file", "missing", "source_path")],
)
def test_bad_batch_input_is_refused_with_a_field_error(
    ctx: Any, split: str, folder: str | None, field: str, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError) as exc:
        batches.create_batch(
            actor=ctx.clerk,
            organization=ctx.city.tu,
            source=ScanBatch.Source.FOLDER,
            source_path=tmp_path / folder if folder else ctx.folder,
            split=split,
        )
    assert field in exc.value.message_dict
    assert not ScanBatch.objects.exists()


def test_clerk_registers_a_pending_scan_through_the_registry(ctx: Any) -> None:
    from rest_framework.test import APIClient

    _import(ctx)
    doc = _pending()[0]
    client = APIClient()
    client.force_authenticate(ctx.clerk)
    queue = client.get("/api/v1/pending-scans/").json()
    assert {row["id"] for row in queue} == {d.pk for d in _pending()}
    assert "text" not in queue[0]
    answer = client.post(f"/api/v1/incoming/{doc.pk}/register/")
    assert answer.status_code == 200, answer.content
    doc.refresh_from_db()
    assert doc.status == Status.NEW and doc.number is not None
    assert doc.pk not in {row["id"] for row in client.get("/api/v1/pending-scans/").json()}


def test_pending_scans_of_another_organization_are_invisible(ctx: Any, make_user: Any) -> None:
    from rest_framework.test import APIClient

    _import(ctx)
    other = make_user(username="vt_du1scan", organization=ctx.city.du1, roles=["clerk"])
    client = APIClient()
    client.force_authenticate(other)
    assert client.get("/api/v1/pending-scans/").json() == []
