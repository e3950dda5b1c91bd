"""POST /api/v1/documents/{id}/files/{file_id}/certified-copy/: sao y from paper to electronic
(NĐ 30 Điều 25–27, Phụ lục I): the digitised scan signed by the organisation with the copy mark
top right, numbered 01, 02… per year in the organisation's sequence of copies, audited; a
classified document only in the isolated zone, never leaked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.capture.samples import docx
from tests.exchange.signing_pki import pdfsig
from tests.exchange.test_signing import Pki
from tests.signatures.conftest import (
    api,
    count,
    incoming_file,
    needs_poppler,
    personally_signed,
    render,
)
from vanthu.audit.models import Event
from vanthu.exchange.verify import verify_all
from vanthu.registry import services as registry
from vanthu.registry.models import Document, DocumentFile
from vanthu.signatures.models import FileSignature, OrganizationSignature

pytestmark = pytest.mark.django_db


def _incoming(clerk: Any, secrecy: str = "none", scan: bytes | None = None) -> DocumentFile:
    return incoming_file(clerk, scan, secrecy)


def _url(f: DocumentFile) -> str:
    return f"/api/v1/documents/{f.document_id}/files/{f.pk}/certified-copy/"


def _state() -> tuple[int, int, int, int]:
    return (
        DocumentFile.objects.count(),
        OrganizationSignature.objects.count(),
        FileSignature.objects.count(),
        Event.objects.filter(action="signatures.organization.sign").count(),
    )


@needs_poppler
def test_a_scan_becomes_a_signed_numbered_copy(org_key: Pki, people: Any, tmp_path: Path) -> None:
    scan = _incoming(people.clerk)
    answer = api(people.clerk).post(_url(scan), {"place": "Thành phố Hồ Chí Minh"}, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["kind"] == "sao_y" and body["copy_number"] == 1 and body["copy_symbol"] == "01/SY"
    assert body["signature"]["state"] == "valid"
    copy = DocumentFile.objects.get(pk=body["file"]["id"])
    assert copy.document_id == scan.document_id and copy.original_name == "ban-quet-sao-y-01.pdf"
    got = api(people.clerk).get(f"/api/v1/documents/{copy.document_id}/files/{copy.pk}/download/")
    data = b"".join(got.streaming_content)
    assert verify_all(data, [org_key.root_pem])[0].trusted
    out = pdfsig(data, tmp_path)
    assert "Signature is Valid" in out and "VanthuCoQuan" in out, out
    # The copy mark is drawn in the top-right corner of the first page; the scan had none.
    assert count(render(data, tmp_path), (345, 740, 575, 827), "dark") > 150
    event = Event.objects.get(action="signatures.organization.sign")
    assert event.details["copy_number"] == 1 and event.details["kind"] == "sao_y"

    # The next copy in the organisation takes 02, from another document too.
    second = _incoming(people.clerk)
    again = api(people.clerk).post(_url(second), {}, format="json")
    assert again.status_code == 201 and again.json()["copy_symbol"] == "02/SY"


def test_refusals_change_nothing(org_key: Pki, people: Any) -> None:
    scan = _incoming(people.clerk)
    signed = _incoming(people.clerk, scan=personally_signed(org_key))
    text = registry.add_file(
        actor=people.clerk,
        document=Document.objects.get(pk=scan.document_id),
        upload=SimpleUploadedFile("ghi-chu.docx", docx(["Ghi chú"]), "text/plain"),
    )
    before = _state()
    assert api(people.specialist).post(_url(scan), {}, format="json").status_code == 403
    assert api(people.clerk_du2).post(_url(scan), {}, format="json").status_code == 404
    wrong = f"/api/v1/documents/{signed.document_id}/files/{scan.pk}/certified-copy/"
    assert api(people.clerk).post(wrong, {}, format="json").status_code == 404
    for f, payload, field in (
        (signed, {}, "file"),  # already signed: not a scan of paper
        (text, {}, "file"),  # not a PDF
        (scan, {"place": "x" * 101}, "place"),
    ):
        answer = api(people.clerk).post(_url(f), payload, format="json")
        assert answer.status_code == 400 and field in answer.json(), answer.content
    assert _state() == before


def test_a_copy_is_made_once_per_scan(org_key: Pki, people: Any) -> None:
    scan = _incoming(people.clerk)
    assert api(people.clerk).post(_url(scan), {}, format="json").status_code == 201
    before = _state()
    again = api(people.clerk).post(_url(scan), {}, format="json")
    assert again.status_code == 400 and "file" in again.json()
    assert _state() == before


def test_classified_copies_only_in_the_isolated_zone_and_never_leak(
    org_key: Pki, people: Any, make_user: Any, settings: Any
) -> None:
    settings.VANTHU_SECURITY_ZONE = "isolated"
    scan = _incoming(people.clerk, secrecy="secret")
    uncleared = make_user(
        username="vt_khong", organization=people.clerk.organization, roles=["clerk"],
        clearance="none",
    )  # fmt: skip
    before = _state()
    refused = api(uncleared).post(_url(scan), {}, format="json")
    assert refused.status_code == 404 and b"ban-quet" not in refused.content
    settings.VANTHU_SECURITY_ZONE = "connected"
    answer = api(people.clerk).post(_url(scan), {}, format="json")
    assert answer.status_code == 400 and "document" in answer.json()
    assert _state() == before

    settings.VANTHU_SECURITY_ZONE = "isolated"
    done = api(people.clerk).post(_url(scan), {}, format="json")
    assert done.status_code == 201, done.content
    copy = DocumentFile.objects.get(pk=done.json()["file"]["id"])
    assert copy.encrypted  # the copy of a classified document is encrypted at rest too
