"""The template calls and the format check, through the REST API and the web pages: visible
documents only (404 otherwise), field errors for bad input, nothing stored."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document as open_docx
from rest_framework.test import APIClient

from tests.drafting.test_checker import PARTY_LINES, make_docx
from vanthu.audit.models import Event
from vanthu.registry.models import Document

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_api_template_pdf_and_docx_of_a_visible_document(
    office: Any, make_outgoing: Callable[..., Document]
) -> None:
    document = make_outgoing("NQ")
    pdf = api(office.clerk).get(f"/api/v1/outgoing/{document.pk}/template.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert body(pdf).startswith(b"%PDF")
    answer = api(office.clerk).get(
        f"/api/v1/outgoing/{document.pk}/template.docx",
        {"layout": "state", "place": "Hà Nội"},
        HTTP_ACCEPT="application/json",
    )
    assert answer.status_code == 200 and answer["Content-Type"] == DOCX_TYPE
    text = "\n".join(
        cell.text for table in open_docx(io.BytesIO(body(answer))).tables for cell in table._cells
    )
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Hà Nội, ngày" in text


def test_api_template_is_404_for_invisible_incoming_or_missing_documents(
    office: Any, make_outgoing: Callable[..., Document]
) -> None:
    document = make_outgoing("NQ")
    for fmt in ("pdf", "docx"):
        url = f"/api/v1/outgoing/{document.pk}/template.{fmt}"
        answer = api(office.outsider).get(url, {"layout": "bad"})
        assert answer.status_code == 404  # before any validation of the options
        assert "tăng cường" not in answer.content.decode()
        assert api(office.clerk).get(f"/api/v1/outgoing/999999/template.{fmt}").status_code == 404
        assert APIClient().get(url).status_code in (401, 403)
    incoming = Document.objects.create(
        direction="incoming",
        organization=office.city.tu,
        document_type=document.document_type,
        status="new",
    )
    assert api(office.clerk).get(f"/api/v1/outgoing/{incoming.pk}/template.pdf").status_code == 404


def test_api_template_bad_options_are_field_errors(
    office: Any, make_outgoing: Callable[..., Document]
) -> None:
    document = make_outgoing("NQ")
    url = f"/api/v1/outgoing/{document.pk}/template.pdf"
    answer = api(office.clerk).get(url, {"layout": "royal", "place": "x" * 101})
    assert answer.status_code == 400
    assert set(answer.json()) == {"layout", "place"}
    # Controls and markup in the place are cleaned or printed as text, never a failure (a NUL
    # is refused by the project's middleware before any view).
    odd = api(office.clerk).get(url, {"place": "Hà Nội\x1b\u200b<b>&amp;"})
    assert odd.status_code == 200 and body(odd).startswith(b"%PDF")


def test_reading_a_classified_template_is_audited(
    office: Any, make_outgoing: Callable[..., Document]
) -> None:
    document = make_outgoing("CV", secrecy="confidential")
    before = Event.objects.filter(action="drafting.template", object_id=str(document.pk)).count()
    answer = api(office.clerk).get(f"/api/v1/outgoing/{document.pk}/template.docx")
    assert answer.status_code == 200
    after = Event.objects.filter(action="drafting.template", object_id=str(document.pk))
    assert after.count() == before + 1
    assert after.last().details == {"format": "docx"}  # type: ignore[union-attr]


def upload(name: str, data: bytes, kind: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=kind)


def test_api_check_answers_findings_with_rules(office: Any) -> None:
    data = make_docx(PARTY_LINES, margins=(20, 20, 20, 15))
    answer = api(office.clerk).post(
        "/api/v1/drafting/check/", {"file": upload("du-thao.docx", data)}, format="multipart"
    )
    assert answer.status_code == 200, answer.content
    found = answer.json()
    assert found["count"] == len(found["findings"]) == 1
    finding = found["findings"][0]
    assert set(finding) == {"code", "rule", "message", "location"}
    assert finding["code"] == "margin" and "36-HD/VPTW" in finding["rule"]
    assert "Lề trái" in finding["message"]


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (80 * 1024 * 1024))
    return out.getvalue()


BAD_FILES = [
    ("ghi-chu.txt", b"Day khong phai van ban", "DOCX hoặc PDF"),
    ("du-thao.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "DOCX hoặc PDF"),
    ("hong.docx", b"PK\x03\x04" + b"\x00garbage" * 20, "hỏng"),
    ("hong.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50, "PDF"),
    ("khong-phai-word.docx", None, "không phải văn bản Word"),
    ("bom.docx", "bomb", "quá lớn"),
    ("rong.pdf", b"", "rỗng"),
]


@pytest.mark.parametrize(("name", "data", "says"), BAD_FILES)
def test_api_check_bad_files_are_field_errors(
    office: Any, name: str, data: bytes | str | None, says: str
) -> None:
    if data is None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("hello.txt", "xin chào")
        data = out.getvalue()
    elif data == "bomb":
        data = _bomb()
    assert isinstance(data, bytes)
    events = Event.objects.count()
    answer = api(office.clerk).post(
        "/api/v1/drafting/check/", {"file": upload(name, data)}, format="multipart"
    )
    assert answer.status_code == 400, answer.content
    assert list(answer.json()) == ["file"]
    assert says in answer.json()["file"][0]
    assert Event.objects.count() == events


def test_api_check_without_file_or_too_big(office: Any, settings: Any) -> None:
    answer = api(office.clerk).post("/api/v1/drafting/check/", {}, format="multipart")
    assert answer.status_code == 400 and "Chưa chọn tệp" in answer.json()["file"][0]
    settings.VANTHU_DRAFTING_MAX_MB = 1
    big = make_docx(PARTY_LINES) + b"\0" * (1024 * 1024)
    answer = api(office.clerk).post(
        "/api/v1/drafting/check/", {"file": upload("lon.docx", big)}, format="multipart"
    )
    assert answer.status_code == 400 and "tối đa 1 MB" in answer.json()["file"][0]
    assert APIClient().post("/api/v1/drafting/check/", {}).status_code in (401, 403)


def test_outgoing_detail_has_the_template_box_and_its_links_work(
    office: Any, make_outgoing: Callable[..., Document], settings: Any
) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    document = make_outgoing("TB")
    client = web(office.clerk)
    page = client.get(f"/van-ban/di/{document.pk}/").content.decode()
    assert "Mẫu văn bản" in page
    assert f"/van-ban/di/{document.pk}/mau.pdf" in page
    assert f"/van-ban/di/{document.pk}/mau.docx" in page
    pdf = client.get(f"/van-ban/di/{document.pk}/mau.pdf", {"place": "Cần Thơ"})
    assert pdf.status_code == 200 and body(pdf).startswith(b"%PDF")
    docx = client.get(f"/van-ban/di/{document.pk}/mau.docx")
    assert docx.status_code == 200 and body(docx).startswith(b"PK")
    bad = client.get(f"/van-ban/di/{document.pk}/mau.pdf", {"layout": "x"}, follow=True)
    assert "Kiểu thể thức phải là" in bad.content.decode()
    assert web(office.outsider).get(f"/van-ban/di/{document.pk}/mau.pdf").status_code == 404


def test_check_page_shows_findings_in_vietnamese_with_rules(office: Any, settings: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    client = web(office.clerk)
    assert "Kiểm tra thể thức" in client.get("/van-ban/kiem-tra-the-thuc/").content.decode()
    lines = [
        ("Số 5-NQ/TU", 14, False) if t == "Số 05-NQ/TU" else (t, s, b) for t, s, b in PARTY_LINES
    ]
    answer = client.post(
        "/van-ban/kiem-tra-the-thuc/", {"file": upload("du-thao.docx", make_docx(lines))}
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "Có 1 lỗi thể thức." in html and "phải ghi thêm số 0" in html
    assert "36-HD/VPTW" in html
    good = client.post(
        "/van-ban/kiem-tra-the-thuc/", {"file": upload("tot.docx", make_docx(PARTY_LINES))}
    )
    assert "Không phát hiện lỗi thể thức." in good.content.decode()
    bad = client.post("/van-ban/kiem-tra-the-thuc/", {"file": upload("a.txt", b"xin chao")})
    assert bad.status_code == 400 and "Chỉ kiểm tra được tệp DOCX hoặc PDF." in bad.content.decode()
