"""Files, the security zone, and the document reads of docs/api.md."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.registry.conftest import client_for, incoming_payload
from vanthu.audit.models import Event
from vanthu.core.models import Job
from vanthu.registry.models import Document, DocumentFile, TextStatus

PDF = b"%PDF-1.4\n% Nghi quyet\n" + b"x" * 500


@pytest.fixture(autouse=True)
def storage(settings: Any, tmp_path: Path) -> None:
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")


def upload(user: Any, url: str, data: bytes = PDF, name: str = "nghị quyết.pdf") -> Any:
    return client_for(user).post(
        url, {"file": SimpleUploadedFile(name, data, "application/pdf")}, format="multipart"
    )


def test_upload_then_download_the_same_bytes(people: Any, register_incoming: Any) -> None:
    doc = register_incoming()
    answer = upload(people.clerk, f"/api/v1/incoming/{doc['id']}/files/")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert {"id", "sha256", "size", "content_type"} <= set(body)
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (body["size"], body["content_type"]) == (len(PDF), "application/pdf")
    assert DocumentFile.objects.get().text_status == TextStatus.WAITING
    job = Job.objects.get(kind="capture.extract_text")
    assert (job.payload, job.queue) == ({"file_id": body["id"]}, "ocr")
    got = client_for(people.clerk).get(
        f"/api/v1/documents/{doc['id']}/files/{body['id']}/download/"
    )
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]
    assert "attachment" in got["Content-Disposition"]
    assert "/" not in got["Content-Disposition"].split("filename")[-1].replace("utf-8''", "")


def test_outgoing_files(people: Any) -> None:
    doc = client_for(people.specialist).post(
        "/api/v1/outgoing/", {"document_type": "TB", "summary": "Thông báo"}, format="json"
    )
    answer = upload(people.specialist, f"/api/v1/outgoing/{doc.json()['id']}/files/")
    assert answer.status_code == 201, answer.content


def test_a_file_over_the_limit_or_empty_is_400(
    people: Any, register_incoming: Any, settings: Any
) -> None:
    settings.VANTHU_MAX_UPLOAD_MB = 0
    doc = register_incoming()
    too_big = upload(people.clerk, f"/api/v1/incoming/{doc['id']}/files/")
    assert too_big.status_code == 400
    assert "file" in too_big.json()
    settings.VANTHU_MAX_UPLOAD_MB = 5
    empty = upload(people.clerk, f"/api/v1/incoming/{doc['id']}/files/", data=b"")
    assert empty.status_code == 400
    missing = client_for(people.clerk).post(
        f"/api/v1/incoming/{doc['id']}/files/", {}, format="multipart"
    )
    assert missing.status_code == 400
    assert "file" in missing.json()
    assert not DocumentFile.objects.exists()


def test_document_detail_and_text_status(people: Any, register_incoming: Any) -> None:
    doc = register_incoming()
    client = client_for(people.clerk)
    body = client.get(f"/api/v1/documents/{doc['id']}/").json()
    assert {"id", "direction", "number_symbol", "document_type", "summary", "secrecy"} <= set(body)
    assert (body["files"], body["text_status"]) == ([], "done")
    upload(people.clerk, f"/api/v1/incoming/{doc['id']}/files/")
    upload(people.clerk, f"/api/v1/incoming/{doc['id']}/files/", data=PDF + b"2")
    text = client.get(f"/api/v1/documents/{doc['id']}/text/").json()
    assert text == {"status": "waiting", "text": "", "error": ""}
    first, second = DocumentFile.objects.order_by("pk")
    DocumentFile.objects.filter(pk=first.pk).update(text="Nghị quyết", text_status="done")
    DocumentFile.objects.filter(pk=second.pk).update(text_status="working")
    assert client.get(f"/api/v1/documents/{doc['id']}/").json()["text_status"] == "working"
    DocumentFile.objects.filter(pk=second.pk).update(text_status="failed", text_error="hỏng")
    text = client.get(f"/api/v1/documents/{doc['id']}/text/").json()
    assert text["status"] == "failed"
    assert text["text"] == "Nghị quyết"
    assert "hỏng" in text["error"]


# --- security zone (api.md) -----------------------------------------------------------------


def test_connected_zone_refuses_classified_content(people: Any, settings: Any) -> None:
    settings.VANTHU_SECURITY_ZONE = "connected"
    answer = client_for(people.clerk).post(
        "/api/v1/incoming/", incoming_payload(secrecy="secret"), format="json"
    )
    assert answer.status_code == 400
    assert "vùng kết nối" in answer.json()["summary"][0]
    assert not Document.objects.exists()
    outgoing = client_for(people.clerk).post(
        "/api/v1/outgoing/",
        {"document_type": "NQ", "summary": "Nội dung mật", "secrecy": "confidential"},
        format="json",
    )
    assert outgoing.status_code == 400
    assert not Document.objects.exists()


def test_connected_zone_numbers_content_free_entries_and_refuses_their_files(
    people: Any, settings: Any
) -> None:
    settings.VANTHU_SECURITY_ZONE = "connected"
    answer = client_for(people.clerk).post(
        "/api/v1/incoming/", incoming_payload(secrecy="secret", summary=""), format="json"
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["arrival_number"] == 1
    refused = upload(people.clerk, f"/api/v1/incoming/{answer.json()['id']}/files/")
    assert refused.status_code == 400
    assert "file" in refused.json()
    assert not DocumentFile.objects.exists()


def test_isolated_zone_keeps_classified_content(people: Any, settings: Any) -> None:
    settings.VANTHU_SECURITY_ZONE = "isolated"
    answer = client_for(people.clerk).post(
        "/api/v1/incoming/", incoming_payload(secrecy="secret"), format="json"
    )
    assert answer.status_code == 201
    assert upload(people.clerk, f"/api/v1/incoming/{answer.json()['id']}/files/").status_code == 201


def test_reading_a_classified_document_is_audited(people: Any, settings: Any) -> None:
    settings.VANTHU_SECURITY_ZONE = "isolated"
    doc = (
        client_for(people.clerk)
        .post("/api/v1/incoming/", incoming_payload(secrecy="secret"), format="json")
        .json()
    )
    file = upload(people.clerk, f"/api/v1/incoming/{doc['id']}/files/").json()
    client = client_for(people.clerk)
    client.get(f"/api/v1/documents/{doc['id']}/")
    client.get(f"/api/v1/incoming/{doc['id']}/")
    client.get(f"/api/v1/documents/{doc['id']}/files/{file['id']}/download/")
    events = Event.objects.filter(object_id=str(doc["id"]), actor=people.clerk)
    actions = list(events.values_list("action", flat=True))
    assert actions.count("document.view") == 2
    # The stand-in PDF cannot carry a watermark, so the download is refused: still audited.
    assert actions.count("document.download") + actions.count("document.download_refused") == 1
