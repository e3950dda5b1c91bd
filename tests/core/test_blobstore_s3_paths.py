"""Every path that reads or writes blobs, with ``VANTHU_BLOB_BACKEND=s3`` against a real
S3-compatible server: API upload and download, the tamper alarm, disposal, backup/restore,
and a store that cannot be reached."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from tests.archive.conftest import office  # noqa: F401 (a fixture, used by name)
from tests.archive.test_disposal import TODAY, council, expired, new_disposal
from tests.backup.conftest import (  # noqa: F401 (fixtures, used by name)
    Target,
    committed_office,
    empty_target,
    snapshot_here,
)
from tests.core.conftest import S3, free_port, s3_client, use_s3
from tests.registry.conftest import client_for, people, register_incoming  # noqa: F401 (fixtures)
from vanthu.archive import services_disposal
from vanthu.audit.models import Event
from vanthu.backup.services import make_backup
from vanthu.core import blobstore
from vanthu.registry.models import DocumentFile

PDF = b"%PDF-1.4\n% Nghi quyet so 05-NQ/TU\n" + b"x" * 3000


@pytest.fixture(autouse=True)
def own_folders(settings: Any, tmp_path: Path) -> None:
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")  # must stay empty with s3
    settings.VANTHU_AUDIT_DIGEST_DIR = str(tmp_path / "digests")


def upload(user: Any, doc_id: int, data: bytes = PDF) -> Any:
    return client_for(user).post(
        f"/api/v1/incoming/{doc_id}/files/",
        {"file": SimpleUploadedFile("nghị quyết.pdf", data, "application/pdf")},
        format="multipart",
    )


def test_upload_and_download_through_the_api_use_the_bucket(
    s3: S3,
    people: Any,  # noqa: F811 (the fixture imported above)
    register_incoming: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    doc = register_incoming()
    answer = upload(people.clerk, doc["id"])
    assert answer.status_code == 201, answer.content
    sha = answer.json()["sha256"]
    assert sha == hashlib.sha256(PDF).hexdigest()
    head = s3.client.head_object(Bucket=s3.bucket, Key=s3.key(sha))
    assert head["Metadata"]["sha256"] == sha
    assert not (tmp_path / "blobs").exists()  # nothing written to the local folder
    got = client_for(people.clerk).get(
        f"/api/v1/documents/{doc['id']}/files/{answer.json()['id']}/download/"
    )
    assert got.status_code == 200
    assert got.streaming
    assert b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]


def test_a_changed_object_is_not_handed_out_and_raises_the_alarm(
    s3: S3,
    people: Any,  # noqa: F811 (the fixture imported above)
    register_incoming: Any,  # noqa: F811
) -> None:
    doc = register_incoming()
    body = upload(people.clerk, doc["id"]).json()
    s3.client.put_object(Bucket=s3.bucket, Key=s3.key(body["sha256"]), Body=b"%PDF-1.4 forged")
    got = client_for(people.clerk).get(
        f"/api/v1/documents/{doc['id']}/files/{body['id']}/download/"
    )
    with pytest.raises(blobstore.BlobIntegrityError):
        b"".join(got.streaming_content)  # type: ignore[attr-defined]
    alarm = Event.objects.get(action="file.tampered")
    assert alarm.details == {"file": body["id"], "sha256": body["sha256"]}
    # Hash only: the alarm names no title and no content.
    assert "Nghi quyet" not in str(alarm.details)


def test_an_unreachable_store_is_a_503_in_vietnamese_and_stores_nothing(
    s3: S3,
    settings: Any,
    people: Any,  # noqa: F811 (the fixture imported above)
    register_incoming: Any,  # noqa: F811
) -> None:
    doc = register_incoming()
    use_s3(settings, f"http://127.0.0.1:{free_port()}", s3.bucket)
    settings.VANTHU_S3_TIMEOUT_SECONDS = 1
    answer = upload(people.clerk, doc["id"])
    assert answer.status_code == 503
    assert "Kho lưu trữ tệp tạm thời không truy cập được" in answer.json()["detail"]
    assert "127.0.0.1" not in answer.json()["detail"]  # the endpoint goes to the log only
    assert not DocumentFile.objects.exists()
    use_s3(settings, s3.endpoint, "vanthu-missing-bucket")
    assert upload(people.clerk, doc["id"]).status_code == 503
    assert not DocumentFile.objects.exists()


def test_a_web_page_hitting_an_unreachable_store_answers_a_clear_503() -> None:
    from vanthu.core.middleware import StorageUnavailableMiddleware

    request = RequestFactory().get("/van-ban/1/tep/1/")
    middleware = StorageUnavailableMiddleware(lambda r: None)  # type: ignore[arg-type, return-value]
    answer = middleware.process_exception(
        request, blobstore.BlobStoreUnavailable("Kho tệp s3://b/ (http://10.0.0.9) ...")
    )
    assert answer is not None and answer.status_code == 503
    page = answer.content.decode()
    assert "Kho lưu trữ tệp không truy cập được" in page and "10.0.0.9" not in page
    assert middleware.process_exception(request, ValueError("x")) is None


def test_disposal_really_deletes_the_object_and_its_versions(
    s3: S3,
    office: Any,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    dossier = expired(office, "01.VP", file=b"noi dung het gia tri tren S3")
    sha = DocumentFile.objects.get(document__dossier_entries__dossier=dossier).sha256
    assert blobstore.exists(sha)
    disposal = new_disposal(office, [dossier])
    for member, _role in council(office):
        services_disposal.cast_vote(actor=member, disposal=disposal, agree=True)
    services_disposal.approve_disposal(
        actor=office.leader,
        disposal=disposal,
        decision_number="05-QĐ/VPTU",
        meeting_record="Hội đồng họp ngày 20/5/2026, nhất trí hủy.",
        today=TODAY,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services_disposal.execute_disposal(
            actor=office.archivist,
            disposal=disposal,
            handover_record="Đã bàn giao 1 hồ sơ.",
            destruction_record="Đã hủy bằng máy hủy.",
        )
    assert not blobstore.exists(sha)
    page = s3.client.list_object_versions(Bucket=s3.bucket, Prefix=s3.key(sha))
    assert not page.get("Versions") and not page.get("DeleteMarkers")
    event = Event.objects.get(action="archive.disposal.execute")
    assert event.details["deleted_sha256"] == [sha]


@pytest.mark.slow
def test_backup_copies_the_bucket_and_restore_fills_an_empty_one(
    s3: S3,
    committed_office: Any,  # noqa: F811
    empty_target: Target,  # noqa: F811
    tmp_path: Path,
) -> None:
    stored = blobstore.iter_shas()
    assert len(stored) == 3  # two plain files and one encrypted (ciphertext) blob
    full = make_backup(tmp_path / "set-A", full=True)
    assert full.blobs_copied == 3 and not full.problems
    for sha in stored:
        copy = full.run / "blobs" / sha[:2] / sha[2:4] / sha
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == sha

    # A changed object is reported by the next backup, never copied as if it were good.
    bad = stored[0]
    s3.client.put_object(Bucket=s3.bucket, Key=s3.key(bad), Body=b"changed")
    second = make_backup(tmp_path / "set-B", full=True)
    assert second.blobs_copied == 2 and bad in second.problems[0]

    expected = snapshot_here()
    restored_bucket = f"{s3.bucket}-restored"
    s3_client(s3.endpoint).create_bucket(Bucket=restored_bucket)
    empty_target.env.update(
        VANTHU_BLOB_BACKEND="s3",
        VANTHU_S3_ENDPOINT_URL=s3.endpoint,
        VANTHU_S3_BUCKET=restored_bucket,
        VANTHU_S3_ACCESS_KEY_ID="vanthu-test",
        VANTHU_S3_SECRET_ACCESS_KEY="vanthu-test-secret",
    )
    restored = empty_target.run("restore", str(full.run))
    assert restored.returncode == 0, restored.stderr + restored.stdout
    listed = s3.client.list_objects_v2(Bucket=restored_bucket)["Contents"]
    assert sorted(o["Key"].rsplit("/", 1)[1] for o in listed) == sorted(stored)
    verified = empty_target.run("verify", "--strict")
    assert verified.returncode == 0, verified.stderr + verified.stdout
    assert empty_target.snapshot() == expected
