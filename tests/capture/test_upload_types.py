"""Uploads take only the accepted types, read from the bytes (issue 4 §1, docs/capture.md).

Every path that attaches a user's file goes through ``registry.services.add_file``: the API's
``POST …/files/``, the web upload and the scan batches. A refused file leaves nothing behind: no
blob, no row, no audit event.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.capture import samples
from tests.factories import tiny_pdf
from vanthu.audit.models import Event
from vanthu.capture.detect import upload_kinds
from vanthu.core import blobstore
from vanthu.orgs.models import DocumentType
from vanthu.registry import services as registry
from vanthu.registry.models import DocumentFile

OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # a Word 97 file's header
SEVEN = "Chỉ nhận PDF, TIFF, JPEG, PNG, DOCX, ODT, XLSX."
UNKNOWN = "Không nhận dạng được loại tệp từ nội dung."


@pytest.fixture
def ctx(city: Any, make_user: Any, settings: Any, tmp_path: Path) -> Any:
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    clerk = make_user(username="vt_tai_len", organization=city.tu, roles=["clerk"])
    data = {
        "sender": "Ban Tuyên giáo Trung ương",
        "number_symbol": "7-CV/BTGTW",
        "document_type": DocumentType.objects.get(code="CV"),
        "issued_date": timezone.localdate() - datetime.timedelta(days=1),
        "summary": "V/v tuyên truyền kỷ niệm ngày thành lập Đảng",
        "secrecy": "none",
        "urgency": "normal",
        "received_at": timezone.now(),
    }
    doc = registry.register_incoming(actor=clerk, organization=city.tu, data=data)
    api = APIClient()
    api.force_authenticate(clerk)
    return type("Ctx", (), {"clerk": clerk, "doc": doc, "api": api})


def post(ctx: Any, name: str, data: bytes, content_type: str = "application/octet-stream") -> Any:
    return ctx.api.post(
        f"/api/v1/incoming/{ctx.doc.pk}/files/",
        {"file": SimpleUploadedFile(name, data, content_type)},
        format="multipart",
    )


def stored() -> tuple[int, int, int]:
    """Blobs in the store, file rows, audit events: what a refused upload must not change."""
    return len(blobstore.iter_shas()), DocumentFile.objects.count(), Event.objects.count()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("Nghị quyết.pdf", samples.blank_pdf(1), "application/pdf"),
        ("ban-quet.tif", samples.image_bytes("TIFF"), "image/tiff"),
        ("anh.jpg", samples.image_bytes("JPEG"), "image/jpeg"),
        ("anh.png", samples.image_bytes("PNG"), "image/png"),
        (
            "du-thao.docx",
            samples.docx(["Xin chào"]),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("du-thao.odt", samples.odt(["Xin chào"]), "application/vnd.oasis.opendocument.text"),
        (
            "bang.xlsx",
            samples.xlsx([["Số", "Ngày"]]),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_each_accepted_type_is_stored_with_its_detected_content_type(
    ctx: Any, name: str, data: bytes, content_type: str
) -> None:
    # The client's header lies ("text/plain"): the stored type comes from the bytes.
    answer = post(ctx, name, data, "text/plain")
    assert answer.status_code == 201, answer.content
    assert answer.json()["content_type"] == content_type
    f = DocumentFile.objects.get(pk=answer.json()["id"])
    assert (f.content_type, f.original_name) == (content_type, name)
    assert f.sha256 == hashlib.sha256(data).hexdigest() and blobstore.exists(f.sha256)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("ghi-chu.txt", "Ghi chú của văn thư".encode(), f"{UNKNOWN} {SEVEN}"),
        ("cong-van.doc", OLE_DOC, f"Không nhận tệp Office cũ (DOC, XLS, PPT). {SEVEN}"),
        ("cai-dat.exe", b"MZ\x90\x00\x03" + b"\x00" * 100, f"{UNKNOWN} {SEVEN}"),
        ("trang.html", b"<!DOCTYPE html><html><body>x</body></html>", f"{UNKNOWN} {SEVEN}"),
        ("quyet-dinh.pdf", samples.image_bytes("PNG"), "đuôi .pdf nhưng nội dung là ảnh PNG"),
        ("rong.pdf", b"", "Tệp rỗng"),
    ],
)
def test_other_types_are_400_with_the_reason_and_nothing_is_stored(
    ctx: Any, name: str, data: bytes, message: str
) -> None:
    before = stored()
    answer = post(ctx, name, data)
    assert answer.status_code == 400, answer.content
    errors = answer.json()["file"]
    assert any(message in e for e in errors), errors
    assert stored() == before


def test_the_stored_name_is_sanitised(ctx: Any) -> None:
    answer = post(ctx, '../../Công văn <số 5>\x00 "gấp".pdf', tiny_pdf("ten"))
    assert answer.status_code == 201, answer.content
    assert DocumentFile.objects.get().original_name == "Công văn số 5 gấp.pdf"


def test_an_office_may_widen_the_accepted_types(ctx: Any, settings: Any) -> None:
    settings.VANTHU_UPLOAD_TYPES = "pdf,ole"
    assert post(ctx, "cong-van.doc", OLE_DOC).status_code == 201
    assert DocumentFile.objects.get().content_type == "application/x-ole-storage"
    png = post(ctx, "anh.png", samples.image_bytes("PNG"))
    assert png.status_code == 400
    assert png.json()["file"] == ["Không nhận ảnh PNG. Chỉ nhận PDF, DOC/XLS."]


@pytest.mark.parametrize("raw", ["pdf,exe", "", " , ", "pdf;png"])
def test_a_bad_accepted_types_setting_is_refused_naming_the_setting(raw: str) -> None:
    with pytest.raises(ValueError, match="VANTHU_UPLOAD_TYPES"):
        upload_kinds(raw)


def test_the_web_upload_shows_the_reason_in_vietnamese(ctx: Any) -> None:
    web = Client()
    web.force_login(ctx.clerk)
    before = stored()
    upload = SimpleUploadedFile("ghi-chu.txt", b"Ghi chu", "text/plain")
    answer = web.post(f"/van-ban/{ctx.doc.pk}/tep/", {"attachments": [upload]}, follow=True)
    page = answer.content.decode()
    assert "Không nhận dạng được loại tệp từ nội dung. Chỉ nhận PDF, TIFF, JPEG" in page
    assert stored() == before
    # One bad file among good ones: nothing of the upload is kept.
    good = SimpleUploadedFile("a.pdf", tiny_pdf("a"), "application/pdf")
    bad = SimpleUploadedFile("b.pdf", samples.image_bytes("JPEG"), "application/pdf")
    answer = web.post(f"/van-ban/{ctx.doc.pk}/tep/", {"attachments": [good, bad]}, follow=True)
    assert "đuôi .pdf nhưng nội dung là ảnh JPEG" in answer.content.decode()
    assert DocumentFile.objects.count() == before[1]
