"""Path traversal in file names and oversized bodies (issue 11, "Hostile input").

Uploads are sent as raw multipart bodies: Django's test client would itself strip the
directories from a file name, which is exactly what must not be relied on here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import tiny_pdf
from tests.hostile.conftest import api_client, incoming_payload
from vanthu.registry.models import Document, DocumentFile

BOUNDARY = "vanthu-hostile-boundary"


CONTENT = tiny_pdf(b"noi dung tep")  # uploads take only the accepted types (docs/capture.md)


def multipart(filename: str, data: bytes = CONTENT) -> bytes:
    return (
        (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def post_file(client: APIClient, document_id: int, body: bytes) -> Any:
    return client.generic(
        "POST",
        f"/api/v1/incoming/{document_id}/files/",
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


@pytest.mark.parametrize(
    "filename",
    [
        "../../../../etc/passwd",
        "..\\..\\windows\\system32\\config\\sam",
        "/etc/shadow",
        "C:\\boot.ini",
        "....//....//secret.pdf",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "a/../../b.pdf",
        "tên tệp/../../../báo cáo.pdf",
    ],
)
def test_stored_file_name_cannot_walk_a_path(world: Any, filename: str) -> None:
    client = api_client(world.clerk)
    answer = post_file(client, world.mine["id"], multipart(filename))
    assert answer.status_code in (201, 400), answer.content
    if answer.status_code == 400:
        return
    stored = DocumentFile.objects.get(pk=answer.json()["id"]).original_name
    assert "/" not in stored and "\\" not in stored, stored
    assert stored not in ("", ".", ".."), stored
    download = client.get(
        f"/api/v1/documents/{world.mine['id']}/files/{answer.json()['id']}/download/"
    )
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    names = re.findall(r"filename\*?=([^;]+)", disposition)
    assert names and all("/" not in n and "%2F" not in n.upper() for n in names), disposition
    assert b"".join(download.streaming_content) == CONTENT


@pytest.mark.parametrize(
    "filename",
    [
        'bao "cao".pdf',
        "bao;cao.pdf",
        "bao%0d%0aSet-Cookie: x=1.pdf",
        "bao\tcao.pdf",
        "bao cáo tháng 10.pdf",
    ],
)
def test_download_header_is_safe_for_any_stored_name(world: Any, filename: str) -> None:
    client = api_client(world.clerk)
    answer = post_file(client, world.mine["id"], multipart(filename))
    assert answer.status_code == 201, answer.content
    file_id = answer.json()["id"]
    # Whatever the parser kept, a stored name with header-breaking characters must not break
    # the header: set one directly, as an import or an older version could have stored it.
    DocumentFile.objects.filter(pk=file_id).update(original_name=filename.replace("%0d%0a", "\r\n"))
    download = client.get(f"/api/v1/documents/{world.mine['id']}/files/{file_id}/download/")
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.count(";") <= 2, disposition
    assert "Set-Cookie" not in download.headers or "x=1" not in download.headers["Set-Cookie"]


def test_json_body_over_the_memory_limit_is_refused_cleanly(world: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    count = Document.objects.count()
    answer = api_client(world.clerk).post(
        "/api/v1/incoming/", incoming_payload(summary="x" * 5000), format="json"
    )
    assert answer.status_code in (400, 413), answer.status_code
    assert Document.objects.count() == count


def test_too_many_form_fields_are_refused_cleanly(world: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    client = Client()
    client.force_login(world.clerk)
    count = Document.objects.count()
    answer = client.post("/van-ban/den/moi/", {f"f{i}": "x" for i in range(200)})
    assert answer.status_code in (400, 413), answer.status_code
    assert Document.objects.count() == count


def test_web_form_over_the_memory_limit_is_refused_cleanly(world: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    client = Client()
    client.force_login(world.clerk)
    count = Document.objects.count()
    answer = client.post("/van-ban/den/moi/", {"summary": "x" * 5000})
    assert answer.status_code in (400, 413), answer.status_code
    assert Document.objects.count() == count


def test_file_over_the_upload_limit_is_400_and_not_stored(world: Any, settings: Any) -> None:
    settings.VANTHU_MAX_UPLOAD_MB = 1
    files = DocumentFile.objects.count()
    big = b"%PDF-1.4\n" + b"x" * (1024 * 1024 + 1)
    answer = post_file(api_client(world.clerk), world.mine["id"], multipart("lon.pdf", big))
    assert answer.status_code in (400, 413), answer.status_code
    if answer.status_code == 400:
        assert "file" in answer.json()
    assert DocumentFile.objects.count() == files


def test_truncated_multipart_body_is_400(world: Any) -> None:
    files = DocumentFile.objects.count()
    body = multipart("a.pdf")[:-20]
    answer = post_file(api_client(world.clerk), world.mine["id"], body)
    assert answer.status_code == 400, answer.status_code
    assert DocumentFile.objects.count() == files
