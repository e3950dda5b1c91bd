"""Classified files on disk: encrypted, readable through ``open_file``, tamper-evident, and
re-wrapped by ``vanthu rotate-key`` without re-encrypting."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.security.conftest import body_of, client_for, pdf_with, register, upload
from vanthu.audit.models import Event
from vanthu.capture.services import extract_file_text
from vanthu.core import blobstore, crypto
from vanthu.notify.models import Notification
from vanthu.orgs.models import User
from vanthu.registry import files
from vanthu.registry.models import DocumentFile, TextStatus

SECRET_LINE = "Phuong an bao ve muc tieu XK-7731"


@pytest.fixture
def classified_file(staff: Any) -> DocumentFile:
    doc = register(staff.clerk, secrecy="secret", summary="Về phương án bảo vệ")
    data = pdf_with(SECRET_LINE)
    answer = upload(staff.clerk, doc["id"], data, "phuong-an.pdf", "application/pdf")
    assert answer.status_code == 201, answer.content
    f = DocumentFile.objects.get(pk=answer.json()["id"])
    f.original_bytes = data  # type: ignore[attr-defined]
    return f


def test_classified_file_on_disk_holds_none_of_the_plaintext(classified_file: Any) -> None:
    plain = classified_file.original_bytes
    on_disk = blobstore.path_of(classified_file.sha256).read_bytes()
    assert classified_file.encrypted
    assert SECRET_LINE.encode() not in on_disk and b"%PDF" not in on_disk
    assert plain[:200] not in on_disk
    # The address is the ciphertext's (fixity), the identity the plaintext's.
    assert classified_file.sha256 == hashlib.sha256(on_disk).hexdigest()
    assert classified_file.plaintext_sha256 == hashlib.sha256(plain).hexdigest()
    assert classified_file.size == len(plain)
    assert classified_file.key_id == crypto.keyring().current_id


def test_open_file_round_trips_encrypted_and_plain(staff: Any, classified_file: Any) -> None:
    with files.open_file(classified_file) as fh:
        assert fh.read() == classified_file.original_bytes
    ordinary = register(staff.clerk)
    answer = upload(staff.clerk, ordinary["id"], b"%PDF-1.4 thuong", "a.pdf", "application/pdf")
    plain = DocumentFile.objects.get(pk=answer.json()["id"])
    assert not plain.encrypted and plain.plaintext_sha256 == plain.sha256
    with files.open_file(plain) as fh:
        assert fh.read() == b"%PDF-1.4 thuong"


def test_capture_reads_the_encrypted_file_and_keeps_text_only_in_the_database(
    classified_file: Any, tmp_path: Path
) -> None:
    f = extract_file_text(file_id=classified_file.pk)
    assert f is not None and f.text_status == TextStatus.DONE, f and f.text_error
    assert "XK-7731" in f.text
    for path in Path(blobstore.root()).rglob("*"):
        if path.is_file():
            assert b"XK-7731" not in path.read_bytes()


def _tamper(f: DocumentFile) -> None:
    path = blobstore.path_of(f.sha256)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    os.chmod(path, 0o600)
    path.write_bytes(bytes(data))


def test_a_tampered_file_is_refused_with_an_alert_and_an_audit_event(
    staff: Any,
    classified_file: Any,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    admin = User.objects.create_superuser("quantri-mat", password="Mat-khau-2026!")
    _tamper(classified_file)
    url = f"/api/v1/documents/{classified_file.document_id}/files/{classified_file.pk}/download/"
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for(staff.clerk).get(url)
    assert answer.status_code == 500
    assert answer.json()["detail"].startswith("Tệp mã hóa đã bị thay đổi")
    assert SECRET_LINE.encode() not in body_of(answer)
    assert Event.objects.filter(action="file.tampered").count() == 1
    assert any(r.levelname == "CRITICAL" for r in caplog.records)
    alert = Notification.objects.get(recipient=admin)
    assert classified_file.sha256[:12] in alert.text and "sửa trái phép" in alert.text
    assert SECRET_LINE not in alert.text
    with pytest.raises(files.FileTampered):
        files.read_verified(classified_file)


def test_tampered_file_fails_capture_with_a_clear_message(classified_file: Any) -> None:
    _tamper(classified_file)
    f = extract_file_text(file_id=classified_file.pk)
    assert f is not None and f.text_status == TextStatus.FAILED
    assert "mã hóa" in f.text_error and f.text == ""


def test_rotate_key_rewraps_without_reencrypting(
    classified_file: Any, monkeypatch: pytest.MonkeyPatch, installation_key: str
) -> None:
    before = DocumentFile.objects.get(pk=classified_file.pk)
    blob = blobstore.path_of(before.sha256).read_bytes()
    new_key = crypto.new_key()
    monkeypatch.setenv("VANTHU_ENCRYPTION_KEY", new_key)
    monkeypatch.setenv("VANTHU_ENCRYPTION_OLD_KEYS", installation_key)
    call_command("rotate-key")
    after = DocumentFile.objects.get(pk=classified_file.pk)
    assert after.key_id == crypto.key_id(__import__("base64").b64decode(new_key))
    assert after.wrapped_key != before.wrapped_key
    assert (after.sha256, after.nonce) == (before.sha256, before.nonce)
    assert blobstore.path_of(after.sha256).read_bytes() == blob
    # The old key is no longer needed.
    monkeypatch.delenv("VANTHU_ENCRYPTION_OLD_KEYS")
    crypto.reset()
    assert files.read_verified(after) == classified_file.original_bytes


def test_rotate_key_in_embedded_mode_makes_a_new_key_file(
    classified_file: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, installation_key: str
) -> None:
    # Start from an embedded installation whose key file holds the current key.
    monkeypatch.setenv("VANTHU_DATA_DIR", str(tmp_path))
    (tmp_path / "encryption_key").write_text(installation_key)
    monkeypatch.delenv("VANTHU_ENCRYPTION_KEY")
    crypto.reset()
    call_command("rotate-key")
    assert (tmp_path / "encryption_key").read_text() != installation_key
    assert installation_key in (tmp_path / "encryption_key.old").read_text()
    after = DocumentFile.objects.get(pk=classified_file.pk)
    assert after.key_id == crypto.keyring().current_id
    (tmp_path / "encryption_key.old").unlink()
    crypto.reset()
    assert files.read_verified(after) == classified_file.original_bytes


def test_rotate_key_reports_files_whose_old_key_is_missing(
    classified_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VANTHU_ENCRYPTION_KEY", crypto.new_key())
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="1 tệp"):
        call_command("rotate-key")
    assert DocumentFile.objects.get(pk=classified_file.pk).wrapped_key == (
        classified_file.wrapped_key
    )


def test_a_delivered_copy_reads_the_same_sealed_blob(staff: Any, classified_file: Any) -> None:
    twin = DocumentFile.objects.create(
        document=classified_file.document,
        sha256=classified_file.sha256,
        size=classified_file.size,
        content_type="application/pdf",
        original_name="ban-sao.pdf",
        uploaded_by=staff.clerk,
    )
    assert files.read_verified(twin) == classified_file.original_bytes
