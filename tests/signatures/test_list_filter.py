"""The signature check in the document lists (docs/signatures.md, "Lists"): ``?signature=``
on the incoming and outgoing list APIs (failed / valid / unsigned, 400 on ``signature`` for
anything else, in the OpenAPI schema), the "Chữ ký số" filter and badge of the sổ đến and sổ đi
pages. Every file is checked by the real background job, against the configured trust root."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.exchange import signing_pki as keys
from tests.exchange.test_signing import Pki
from tests.signatures.conftest import api, incoming, outgoing
from vanthu.core import jobs
from vanthu.core.models import Job
from vanthu.registry import services as registry
from vanthu.registry.models import Document, DocumentFile
from vanthu.signatures.models import FileSignature
from vanthu.signatures.services import JOB_KIND

pytestmark = pytest.mark.django_db


def _attach(clerk: Any, document: Document, data: bytes, name: str) -> DocumentFile:
    upload = SimpleUploadedFile(name, data, "application/pdf")
    f = registry.add_file(actor=clerk, document=document, upload=upload)
    job = Job.objects.get(kind=JOB_KIND, payload={"file_id": f.pk})
    jobs.run_job(job.pk)
    return f


def _incoming(clerk: Any, summary: str, *files: tuple[str, bytes]) -> Document:
    doc = incoming(clerk, summary)
    for name, data in files:
        _attach(clerk, doc, data, name)
    return doc


@pytest.fixture
def register(org_key: Pki, people: Any) -> dict[str, Document]:
    """Incoming: tampered (invalid), valid, valid + self-signed (untrusted), unsigned scan, no
    file. The signed files are signed by the test CA, which the installation trusts."""
    good = keys.signed_with(org_key.p12)
    clerk = people.clerk
    docs = {
        "tampered": _incoming(clerk, "Văn bản bị sửa", ("a.pdf", keys.tampered(good))),
        "valid": _incoming(clerk, "Văn bản ký hợp lệ", ("b.pdf", good)),
        "mixed": _incoming(
            clerk,
            "Văn bản có chữ ký tự cấp",
            ("c1.pdf", good),
            ("c2.pdf", keys.signed_with(keys.self_signed_p12())),
        ),
        "scan": _incoming(clerk, "Bản quét không ký", ("d.pdf", keys.plain_pdf())),
        "empty": _incoming(clerk, "Văn bản chưa có tệp"),
    }
    states = dict(FileSignature.objects.values_list("file__original_name", "state"))
    assert states == {
        "a.pdf": "invalid",
        "b.pdf": "valid",
        "c1.pdf": "valid",
        "c2.pdf": "untrusted",
        "d.pdf": "unsigned",
    }
    return docs


def _ids(answer: Any) -> set[int]:
    assert answer.status_code == 200, answer.content
    return {r["id"] for r in answer.json()["results"]}


def test_the_incoming_list_filters_by_the_signature_check(
    register: dict[str, Document], people: Any
) -> None:
    client = api(people.clerk)
    pk = {name: d.pk for name, d in register.items()}
    url = "/api/v1/incoming/"
    assert _ids(client.get(url, {"signature": "failed"})) == {pk["tampered"], pk["mixed"]}
    assert _ids(client.get(url, {"signature": "valid"})) == {pk["valid"]}
    assert _ids(client.get(url, {"signature": "unsigned"})) == {pk["scan"], pk["empty"]}
    assert _ids(client.get(url, {"signature": ""})) == set(pk.values())
    assert _ids(client.get(url)) == set(pk.values())
    # With the other filters and the keyset cursor, page after page.
    both = client.get(url, {"signature": "failed", "q": "sửa"})
    assert _ids(both) == {pk["tampered"]}
    first = client.get(url, {"signature": "unsigned", "page_size": 1}).json()
    assert first["count"] == 2 and first["next_after"]
    rest = client.get(url, {"signature": "unsigned", "page_size": 1, "after": first["next_after"]})
    assert _ids(rest) | {first["results"][0]["id"]} == {pk["scan"], pk["empty"]}


def test_the_outgoing_list_filters_by_the_signature_check(org_key: Pki, people: Any) -> None:
    good = keys.signed_with(org_key.p12)
    failed = outgoing(people.clerk, ("a.pdf", keys.tampered(good), "application/pdf"))
    valid = outgoing(people.clerk, ("b.pdf", good, "application/pdf"))
    none = outgoing(people.clerk, issue=False)
    for f in DocumentFile.objects.all():
        jobs.run_job(Job.objects.get(kind=JOB_KIND, payload={"file_id": f.pk}).pk)
    client = api(people.clerk)
    url = "/api/v1/outgoing/"
    assert _ids(client.get(url, {"signature": "failed"})) == {failed.pk}
    assert _ids(client.get(url, {"signature": "valid"})) == {valid.pk}
    assert _ids(client.get(url, {"signature": "unsigned"})) == {none.pk}
    page = Client()
    page.force_login(people.clerk)
    text = page.get("/van-ban/di/", {"chu_ky": "failed"}).content.decode()
    assert f"/van-ban/di/{failed.pk}/" in text
    assert f"/van-ban/di/{valid.pk}/" not in text and "app-signature-failed" in text


@pytest.mark.parametrize("value", ["failed,valid", "FAILED", "invalid", "x" * 300])
def test_an_unknown_signature_value_is_a_field_error(
    register: dict[str, Document], people: Any, value: str
) -> None:
    for url in ("/api/v1/incoming/", "/api/v1/outgoing/"):
        answer = api(people.clerk).get(url, {"signature": value})
        assert answer.status_code == 400, (url, answer.content)
        body = answer.json()
        assert list(body) == ["signature"] and "chọn một trong" in body["signature"][0]


def test_the_filtered_list_reads_a_bounded_number_of_queries(
    register: dict[str, Document], people: Any, django_assert_max_num_queries: Any
) -> None:
    client = api(people.clerk)
    client.get("/api/v1/incoming/")  # the session's first request reads what it caches
    with django_assert_max_num_queries(6):
        answer = client.get("/api/v1/incoming/", {"signature": "failed"})
    assert answer.status_code == 200


def test_the_filter_is_in_the_openapi_schema(people: Any) -> None:
    schema = api(people.clerk).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/incoming/", "/api/v1/outgoing/"):
        [param] = [
            p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "signature"
        ]
        assert param["in"] == "query"
        assert sorted(param["schema"]["enum"]) == ["failed", "unsigned", "valid"]


def test_the_register_page_shows_the_badge_and_the_filter(
    register: dict[str, Document], people: Any
) -> None:
    page = Client()
    page.force_login(people.clerk)
    text = page.get("/van-ban/den/").content.decode()
    assert 'name="chu_ky"' in text and "Chữ ký số không đạt" in text
    assert text.count("app-signature-failed") == 2  # the tampered and the mixed document
    filtered = page.get("/van-ban/den/", {"chu_ky": "failed"}).content.decode()
    assert register["tampered"].summary in filtered and register["mixed"].summary in filtered
    assert register["valid"].summary not in filtered
    valid = page.get("/van-ban/den/", {"chu_ky": "valid"}).content.decode()
    assert register["valid"].summary in valid and "app-signature-failed" not in valid
    bad = page.get("/van-ban/den/", {"chu_ky": "khong-ro"})
    assert bad.status_code == 200
    shown = bad.content.decode()
    assert "Bộ lọc chữ ký số không hợp lệ" in shown and register["valid"].summary in shown


def test_no_signature_file_no_badge(tmp_path: Path, people: Any, settings: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    _incoming(people.clerk, "Không có tệp")
    page = Client()
    page.force_login(people.clerk)
    text = page.get("/van-ban/den/").content.decode()
    assert "Không có tệp" in text and "app-signature-failed" not in text
