"""POST /api/v1/outgoing/{id}/sign/: the office signs an issued outgoing document's PDF with the
organisation's key (docs/signatures.md, "Ký số của cơ quan"). The signed file is a new file next
to the original, its check kept as valid, audited; everyone else is refused and nothing changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.capture.samples import docx
from tests.exchange.signing_pki import pdfsig, plain_pdf
from tests.exchange.test_signing import Pki
from tests.signatures.conftest import (
    api,
    count,
    needs_poppler,
    outgoing,
    personally_signed,
    render,
)
from vanthu.audit.models import Event
from vanthu.core import blobstore
from vanthu.exchange.signing import seal_box
from vanthu.exchange.verify import verify_all
from vanthu.registry.models import Document, DocumentFile
from vanthu.signatures.models import FileSignature, OrganizationSignature

pytestmark = pytest.mark.django_db


def _download(user: Any, f: DocumentFile) -> bytes:
    answer = api(user).get(f"/api/v1/documents/{f.document_id}/files/{f.pk}/download/")
    assert answer.status_code == 200
    return b"".join(answer.streaming_content)


def _state(document: Document) -> tuple[Any, ...]:
    """What a refused request must leave unchanged."""
    return (
        list(document.files.values_list("pk", "sha256")),
        OrganizationSignature.objects.count(),
        FileSignature.objects.count(),
        Event.objects.filter(action="signatures.organization.sign").count(),
    )


@needs_poppler
def test_the_office_signs_the_document_with_the_seal_over_the_signature(
    org_key: Pki, seal_file: Path, people: Any, tmp_path: Path
) -> None:
    original = personally_signed(org_key)
    doc = outgoing(people.clerk, ("cong-van.pdf", original, "application/pdf"))
    source = doc.files.get()

    answer = api(people.clerk).post(f"/api/v1/outgoing/{doc.pk}/sign/", {}, format="json")

    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["kind"] == "document" and body["source_file"] == source.pk
    assert body["signature"]["state"] == "valid"
    assert body["file"]["original_name"] == "cong-van-ky-so-co-quan.pdf"
    signed = DocumentFile.objects.get(pk=body["file"]["id"])
    # Kept next to the original, which is unchanged and still stored.
    assert signed.document_id == doc.pk and signed.position > source.position
    assert source.sha256 != signed.sha256
    assert _download(people.clerk, source) == original
    assert blobstore.exists(source.sha256) and blobstore.exists(signed.sha256)
    data = _download(people.clerk, signed)
    assert data.startswith(original)  # an incremental update: the first signature stays
    check = FileSignature.objects.get(file=signed)
    assert check.state == "valid" and len(check.signatures) == 2
    event = Event.objects.get(action="signatures.organization.sign")
    assert event.object_id == str(doc.pk)
    assert event.details["file"] == signed.pk and event.details["source"] == source.pk
    # pyHanko and pdfsig both validate both signatures; the seal is red over the signature.
    results = verify_all(data, [org_key.root_pem])
    assert len(results) == 2 and all(r.intact and r.valid and r.trusted for r in results)
    out = pdfsig(data, tmp_path)
    assert out.count("Signature is Valid") == 2 and "VanthuCoQuan" in out, out
    assert count(render(data, tmp_path), seal_box((330, 60, 560, 140), 36.0), "red") > 500


@needs_poppler
def test_an_attachment_gets_the_number_and_time_top_right(
    org_key: Pki, seal_file: Path, people: Any, tmp_path: Path
) -> None:
    doc = outgoing(
        people.clerk,
        ("cong-van.pdf", personally_signed(org_key), "application/pdf"),
        ("phu-luc.pdf", plain_pdf("Phu luc"), "application/pdf"),
    )
    appendix = doc.files.get(original_name="phu-luc.pdf")
    answer = api(people.clerk).post(
        f"/api/v1/outgoing/{doc.pk}/sign/", {"file": appendix.pk}, format="json"
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["kind"] == "attachment"
    data = _download(people.clerk, DocumentFile.objects.get(pk=answer.json()["file"]["id"]))
    assert count(render(data, tmp_path), (345, 760, 575, 827), "dark") > 100
    assert count(render(data, tmp_path), (0, 0, 595, 842), "red") == 0  # no image
    assert "Signature is Valid" in pdfsig(data, tmp_path)
    assert doc.number_symbol  # the text it carries
    assert FileSignature.objects.get(file_id=answer.json()["file"]["id"]).state == "valid"


def test_only_the_office_may_sign(org_key: Pki, seal_file: Path, people: Any) -> None:
    doc = outgoing(people.clerk, ("cong-van.pdf", personally_signed(org_key), "application/pdf"))
    before = _state(doc)
    for user in (people.specialist, people.admin):
        answer = api(user).post(f"/api/v1/outgoing/{doc.pk}/sign/", {}, format="json")
        assert answer.status_code == 403, (user.username, answer.content)
    # Another branch's clerk may not even see the document.
    answer = api(people.clerk_du2).post(f"/api/v1/outgoing/{doc.pk}/sign/", {}, format="json")
    assert answer.status_code == 404
    assert _state(doc) == before


def test_bad_requests_are_400_with_field_errors_and_change_nothing(
    org_key: Pki, seal_file: Path, people: Any, settings: Any
) -> None:
    clerk = api(people.clerk)
    signed_pdf = ("cong-van.pdf", personally_signed(org_key), "application/pdf")

    draft = outgoing(people.clerk, signed_pdf, issue=False)
    no_pdf = outgoing(people.clerk, ("ghi-chu.docx", docx(["Không phải PDF"]), "text/plain"))
    unsigned = outgoing(people.clerk, ("cong-van.pdf", plain_pdf(), "application/pdf"))
    good = outgoing(people.clerk, signed_pdf)
    other_file = no_pdf.files.get()

    cases: list[tuple[Document, dict[str, Any], str, str]] = [
        (draft, {}, "status", "chưa được cấp số"),
        (no_pdf, {}, "file", "chưa có tệp PDF"),
        (no_pdf, {"file": other_file.pk}, "file", "Chỉ ký số được tệp PDF"),
        (good, {"file": other_file.pk}, "file", "không có tệp này"),
        (good, {"file": "mot"}, "file", ""),
        (good, {"attachment": "co le"}, "attachment", ""),
        (unsigned, {}, "file", "Điều 32"),
    ]
    for doc, payload, field, message in cases:
        before = _state(doc)
        answer = clerk.post(f"/api/v1/outgoing/{doc.pk}/sign/", payload, format="json")
        assert answer.status_code == 400, (payload, answer.content)
        assert field in answer.json(), answer.json()
        assert message in " ".join(answer.json()[field]), answer.json()
        assert _state(doc) == before

    # No seal image configured for the organisation: refused, not signed without the seal.
    settings.VANTHU_SIGNING_SEAL_IMAGE = ""
    answer = clerk.post(f"/api/v1/outgoing/{good.pk}/sign/", {}, format="json")
    assert answer.status_code == 400 and "seal" in answer.json()
    settings.VANTHU_SIGNING_SEAL_IMAGE = str(seal_file)
    # No key configured: a field error, nothing stored.
    settings.VANTHU_SIGNING_KEY_P12 = ""
    answer = clerk.post(f"/api/v1/outgoing/{good.pk}/sign/", {}, format="json")
    assert answer.status_code == 400 and "key" in answer.json()
    assert OrganizationSignature.objects.count() == 0


def test_a_file_is_signed_by_the_organisation_once(
    org_key: Pki, seal_file: Path, people: Any
) -> None:
    doc = outgoing(people.clerk, ("cong-van.pdf", personally_signed(org_key), "application/pdf"))
    clerk = api(people.clerk)
    first = clerk.post(f"/api/v1/outgoing/{doc.pk}/sign/", {}, format="json")
    assert first.status_code == 201, first.content
    before = _state(doc)
    source = first.json()["source_file"]
    again = clerk.post(f"/api/v1/outgoing/{doc.pk}/sign/", {"file": source}, format="json")
    assert again.status_code == 400 and "đã được ký số của cơ quan" in again.json()["file"][0]
    of_signed = clerk.post(
        f"/api/v1/outgoing/{doc.pk}/sign/", {"file": first.json()["file"]["id"]}, format="json"
    )
    assert of_signed.status_code == 400 and "tệp gốc" in of_signed.json()["file"][0]
    # Nothing left to sign by default.
    rest = clerk.post(f"/api/v1/outgoing/{doc.pk}/sign/", {}, format="json")
    assert rest.status_code == 400 and "file" in rest.json()
    assert _state(doc) == before


def test_a_tampered_personal_signature_is_refused(
    org_key: Pki, seal_file: Path, people: Any
) -> None:
    signed = personally_signed(org_key)
    at = signed.index(b"Cong van so 15")
    doc = outgoing(
        people.clerk,
        ("cong-van.pdf", signed[:at] + b"D" + signed[at + 1 :], "application/pdf"),
    )
    before = _state(doc)
    answer = api(people.clerk).post(f"/api/v1/outgoing/{doc.pk}/sign/", {}, format="json")
    assert answer.status_code == 400 and "bị sửa" in answer.json()["file"][0]
    assert _state(doc) == before
