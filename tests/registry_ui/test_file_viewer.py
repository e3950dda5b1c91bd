"""Xem tệp (issue 4, item 7): a file's pages one at a time, through the access policy."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.capture.samples import blank_pdf
from tests.registry_ui.conftest import client_for
from vanthu.registry import services
from vanthu.registry.models import DocumentFile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp(settings: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    settings.VANTHU_SECURITY_ZONE = "isolated"


def _attach(clerk: Any, doc: Any, name: str, data: bytes, content_type: str) -> DocumentFile:
    upload = SimpleUploadedFile(name, data, content_type)
    f = services.add_file(actor=clerk, document=doc, upload=upload)
    # The page count comes from the text job (capture); the viewer only reads it.
    DocumentFile.objects.filter(pk=f.pk).update(page_count=3)
    f.refresh_from_db()
    return f


def _url(f: DocumentFile, page: str | None = None) -> str:
    url = f"/van-ban/{f.document_id}/tep/{f.pk}/xem/"
    return f"{url}?trang={page}" if page is not None else url


def test_the_clerk_steps_through_the_pages_and_each_image_is_served(
    people: Any, register: Any
) -> None:
    doc = register()
    f = _attach(people.clerk, doc, "cong-van.pdf", blank_pdf(3), "application/pdf")
    client = client_for(people.clerk)
    detail = client.get(f"/van-ban/den/{doc.pk}/").content.decode()
    assert f'href="{_url(f)}"' in detail  # "xem" beside the file

    first = client.get(_url(f)).content.decode()
    assert "Trang 1 / 3" in first and "cong-van.pdf" in first
    assert f'href="{_url(f, "2")}"' in first and 'rel="prev"' not in first
    image = f"/api/v1/documents/{doc.pk}/files/{f.pk}/pages/1.png?width=1000"
    assert f'src="{image}"' in first
    png = client.get(image)
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")

    last = client.get(_url(f, "3")).content.decode()
    assert "Trang 3 / 3" in last and f'href="{_url(f, "2")}"' in last and 'rel="next"' not in last


@pytest.mark.parametrize("page", ["0", "4", "-1", "abc", "1e3", "９", "99999999999999999999"])
def test_a_page_the_file_does_not_have_shows_the_first_with_a_notice(
    people: Any, register: Any, page: str
) -> None:
    f = _attach(people.clerk, register(), "cong-van.pdf", blank_pdf(3), "application/pdf")
    answer = client_for(people.clerk).get(_url(f, page))
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "Trang 1 / 3" in body and "app-viewer-notice" in body and "tệp có 3 trang" in body


def test_an_office_file_has_no_pages_and_is_offered_for_download(
    people: Any, register: Any
) -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        parts = '<Types><Override PartName="/word/document.xml"/></Types>'
        z.writestr("[Content_Types].xml", parts)
        z.writestr("word/document.xml", "<w:document/>")
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    f = _attach(people.clerk, register(), "bao-cao.docx", buf.getvalue(), docx)
    body = client_for(people.clerk).get(_url(f)).content.decode()
    assert "app-viewer-office" in body and "<img" not in body.split("app-viewer-title")[1]


def test_nobody_else_sees_the_viewer_nor_the_file_name(people: Any, register: Any) -> None:
    doc = register(summary="", secrecy="confidential")
    f = _attach(people.clerk, doc, "phuong-an-mat.pdf", blank_pdf(3), "application/pdf")
    assert client_for(people.clerk).get(_url(f)).status_code == 200
    for outsider in (people.clerk_du1, people.uncleared_clerk):
        answer = client_for(outsider).get(_url(f))
        assert answer.status_code == 404
        assert b"phuong-an-mat" not in answer.content
    other = register()
    assert client_for(people.clerk).get(f"/van-ban/{other.pk}/tep/{f.pk}/xem/").status_code == 404
    assert client_for(people.clerk).get(f"/van-ban/{doc.pk}/tep/999999/xem/").status_code == 404
