"""POST /api/v1/outgoing/{id}/sign-personal/: the competent person signs a draft outgoing document
with their own PKCS#12 key (docs/signatures.md, "Ký số cá nhân"); then the office issues it and
signs for the organisation, and the result carries both signatures. Every refusal leaves files,
rows and audit unchanged."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.exchange import signing_pki as keys
from tests.exchange.test_signing import PASS, Pki
from tests.signatures.conftest import api, count, needs_poppler, outgoing, render, signature_png
from vanthu.audit.models import Event
from vanthu.core import blobstore
from vanthu.exchange.verify import verify_all
from vanthu.registry.models import Document, DocumentFile
from vanthu.signatures.models import (
    FileSignature,
    HandwrittenSignature,
    OrganizationSignature,
    PersonalSignature,
)

pytestmark = pytest.mark.django_db
SIGNER = "Nguyễn Văn Ấn"  # the signer tests.signatures.conftest.outgoing enters


@pytest.fixture(scope="module")
def own_p12(pki: Pki) -> bytes:
    """The signer's own key, issued by the test CA the installation trusts."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return keys.p12(key, keys.leaf(SIGNER, key, pki.ca.subject, pki.ca_key), [pki.ca])


@pytest.fixture
def leaders(city: Any, make_user: Any) -> Any:
    def user(username: str, name: str, role: str = "leader") -> Any:
        return make_user(
            username=username, full_name=name, organization=city.tu, roles=[role],
            clearance="secret",
        )  # fmt: skip

    return type(
        "Leaders", (), {"signer": user("ld_an", SIGNER), "other": user("ld_binh", "Trần Thị Bình")}
    )


def _draft(people: Any, *files: tuple[str, bytes, str]) -> Document:
    return outgoing(people.clerk, *files, issue=False)


def _post(user: Any, doc: Document, **fields: Any) -> Any:
    data: dict[str, Any] = {"passphrase": PASS, **fields}
    for name in ("key", "image"):
        if isinstance(data.get(name), bytes):
            data[name] = SimpleUploadedFile(f"{name}.bin", data[name])
    data = {k: v for k, v in data.items() if v is not None}
    return api(user).post(f"/api/v1/outgoing/{doc.pk}/sign-personal/", data, format="multipart")


def _opaque_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (200, 80), (255, 255, 255)).save(buf, "PNG")
    return buf.getvalue()


def _state(doc: Document) -> tuple[Any, ...]:
    return (
        list(doc.files.values_list("pk", "sha256")),
        PersonalSignature.objects.count(),
        HandwrittenSignature.objects.count(),
        FileSignature.objects.count(),
        Event.objects.filter(action__startswith="signatures.").count(),
    )


def _download(user: Any, f: DocumentFile) -> bytes:
    answer = api(user).get(f"/api/v1/documents/{f.document_id}/files/{f.pk}/download/")
    assert answer.status_code == 200
    return b"".join(answer.streaming_content)


@needs_poppler
def test_the_signer_signs_the_draft_with_their_handwritten_image(
    org_key: Pki, own_p12: bytes, people: Any, leaders: Any, tmp_path: Path
) -> None:
    original = keys.plain_pdf()
    doc = _draft(people, ("du-thao.pdf", original, "application/pdf"))
    source = doc.files.get()

    answer = _post(leaders.signer, doc, key=own_p12, image=signature_png())

    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["source_file"] == source.pk and body["level"] == "B-B"
    assert "TSA" in body["level_note"]
    assert body["file"]["original_name"] == "du-thao-ky-so-ca-nhan.pdf"
    assert body["signature"]["state"] == "valid"
    assert body["signature"]["signer_name"] == SIGNER
    signing = PersonalSignature.objects.get(pk=body["id"])
    assert signing.signed_by == leaders.signer and signing.certificate_subject.endswith(SIGNER)
    signed = signing.signed
    assert signed.document_id == doc.pk and signed.position > source.position
    assert _download(people.clerk, source) == original  # the draft stays as it was
    assert blobstore.exists(signed.sha256)
    data = _download(people.clerk, signed)
    results = verify_all(data, [org_key.root_pem])
    assert [(r.intact, r.valid, r.trusted, r.signer_name) for r in results] == [
        (True, True, True, SIGNER)
    ]
    # The handwritten image (blue) is drawn in the signature box, and kept for next time.
    assert count(render(data, tmp_path), (330, 60, 560, 140), "blue") > 300
    assert bytes(HandwrittenSignature.objects.get(user=leaders.signer).image) == signature_png()
    event = Event.objects.get(action="signatures.personal.sign")
    assert event.details["file"] == signed.pk and event.details["source"] == source.pk
    assert event.details["image_stored"] is True and event.details["state"] == "valid"
    text = json.dumps(event.details, ensure_ascii=False)
    assert PASS not in text and SIGNER not in text and "chữ ký số" not in text.lower()


@needs_poppler
def test_personal_then_issue_then_organisation_signature_verify_both(
    org_key: Pki, seal_file: Path, own_p12: bytes, people: Any, leaders: Any, tmp_path: Path
) -> None:
    doc = _draft(people, ("cong-van.pdf", keys.plain_pdf(), "application/pdf"))
    # No image uploaded and none kept: a box with the signer's name.
    personal = _post(leaders.signer, doc, key=own_p12)
    assert personal.status_code == 201, personal.content
    assert not HandwrittenSignature.objects.exists()
    issued = api(people.clerk).post(f"/api/v1/outgoing/{doc.pk}/issue/")
    assert issued.status_code == 200, issued.content

    # By default the office signs the personally signed file, as the document itself.
    answer = api(people.clerk).post(f"/api/v1/outgoing/{doc.pk}/sign/", {}, format="json")

    assert answer.status_code == 201, answer.content
    assert answer.json()["kind"] == "document"
    assert answer.json()["source_file"] == personal.json()["file"]["id"]
    data = _download(people.clerk, DocumentFile.objects.get(pk=answer.json()["file"]["id"]))
    results = verify_all(data, [org_key.root_pem])
    assert len(results) == 2 and all(r.intact and r.valid and r.trusted for r in results)
    assert [r.signer_name for r in results] == [SIGNER, "Văn thư Thành ủy"]
    out = keys.pdfsig(data, tmp_path)
    assert out.count("Signature is Valid") == 2, out
    assert "VanthuNguoiKy" in out and "VanthuCoQuan" in out, out
    # The seal overlaps the personal signature's box (the signature's text is dark).
    assert count(render(data, tmp_path), (230, 40, 410, 160), "red") > 500


def test_refusals_are_field_errors_and_change_nothing(
    org_key: Pki, own_p12: bytes, people: Any, leaders: Any
) -> None:
    doc = _draft(people, ("du-thao.pdf", keys.plain_pdf(), "application/pdf"))
    empty = _draft(people, ("chu-ky.png", signature_png(), "image/png"))
    before = (_state(doc), _state(empty))
    cases: list[tuple[Document, dict[str, Any], str, str]] = [
        (doc, {"key": own_p12, "passphrase": "sai-mat-khau"}, "passphrase", "không đúng"),
        (doc, {"key": b"khong phai khoa"}, "key", "PKCS#12"),
        (doc, {"key": keys.expired_p12(org_key)}, "key", "hết hạn"),
        (doc, {"key": org_key.p12}, "key", "khóa ký số của cơ quan"),
        (doc, {"key": None}, "key", ""),
        (doc, {"key": own_p12, "image": b"GIF89a khong phai PNG"}, "image", "PNG"),
        (doc, {"key": own_p12, "image": _opaque_png()}, "image", "nền trong suốt"),
        (doc, {"key": own_p12, "file": 999999}, "file", "không có tệp"),
        (empty, {"key": own_p12}, "file", "PDF"),
    ]
    for target, fields, field, words in cases:
        answer = _post(leaders.signer, target, **fields)
        assert answer.status_code == 400, (fields.keys(), answer.content)
        errors = answer.json()
        assert field in errors, (field, errors)
        assert words in " ".join(errors[field]), errors
    assert (_state(doc), _state(empty)) == before


def test_an_issued_document_is_not_signed_personally(
    org_key: Pki, own_p12: bytes, people: Any, leaders: Any
) -> None:
    doc = outgoing(people.clerk, ("cong-van.pdf", keys.plain_pdf(), "application/pdf"))
    before = _state(doc)
    answer = _post(leaders.signer, doc, key=own_p12)
    assert answer.status_code == 400 and "status" in answer.json(), answer.content
    assert _state(doc) == before


def test_a_revoked_certificate_is_refused(
    people: Any, leaders: Any, tmp_path: Path, settings: Any
) -> None:
    ca = keys.RevocationPki("http://127.0.0.1:9/crl")
    (tmp_path / "crl").mkdir()
    (tmp_path / "crl" / "ca.crl").write_bytes(ca.crl())
    (tmp_path / "root.pem").write_bytes(ca.root_pem)
    settings.VANTHU_SIGNING_PKCS11_MODULE = ""
    settings.VANTHU_SIGNING_KEY_P12 = ""
    settings.VANTHU_EXCHANGE_TRUST_ROOTS = str(tmp_path / "root.pem")
    settings.VANTHU_SIGNATURE_CRL_DIR = str(tmp_path / "crl")
    settings.VANTHU_SIGNATURE_FETCH_REVOCATION = False
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    doc = _draft(people, ("du-thao.pdf", keys.plain_pdf(), "application/pdf"))
    before = _state(doc)
    answer = _post(leaders.signer, doc, key=ca.p12("revoked"))
    assert answer.status_code == 400, answer.content
    assert "thu hồi" in " ".join(answer.json()["key"])
    assert _state(doc) == before
    # The same CA's good certificate signs (positive control: the CRL is read, not guessed).
    assert _post(leaders.signer, doc, key=ca.p12("good")).status_code == 201


def test_only_the_signer_may_sign_and_others_see_404(
    org_key: Pki, own_p12: bytes, people: Any, leaders: Any
) -> None:
    doc = _draft(people, ("du-thao.pdf", keys.plain_pdf(), "application/pdf"))
    before = _state(doc)
    for user in (leaders.other, people.clerk, people.specialist, people.admin):
        answer = _post(user, doc, key=own_p12)
        assert answer.status_code == 403, (user.username, answer.content)
    # Another branch's clerk may not even see the draft: 404, as for a missing document.
    assert _post(people.clerk_du2, doc, key=own_p12).status_code == 404
    assert _post(leaders.signer, Document(pk=987654), key=own_p12).status_code == 404
    assert _state(doc) == before


def test_the_schema_documents_the_call(people: Any) -> None:
    spec = api(people.clerk).get("/api/schema/", {"format": "json"}).json()
    call = spec["paths"]["/api/v1/outgoing/{id}/sign-personal/"]["post"]
    form = call["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    fields = spec["components"]["schemas"][form.rsplit("/", 1)[1]]
    assert {"key", "passphrase", "file", "image"} <= set(fields["properties"])
    assert "201" in call["responses"]
    assert OrganizationSignature.objects.count() == 0


# --- the page: "Ký số cá nhân" -------------------------------------------------------------

FORM = "app-personal-sign-form"


def _web(user: Any, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _page(user: Any, doc: Document) -> str:
    answer = _web(user).get(f"/van-ban/di/{doc.pk}/")
    assert answer.status_code == 200
    return answer.content.decode()


def _form(key: bytes | None, passphrase: str = PASS, **more: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"passphrase": passphrase, **more}
    if key is not None:
        data["key"] = SimpleUploadedFile("khoa.p12", key, "application/x-pkcs12")
    return data


def test_the_signer_signs_from_the_page_and_the_office_then_signs(
    org_key: Pki, seal_file: Path, own_p12: bytes, people: Any, leaders: Any
) -> None:
    doc = _draft(people, ("cong-van.pdf", keys.plain_pdf(), "application/pdf"))
    # Only the signer sees the form; the office sees no organisation button on a draft.
    assert FORM in _page(leaders.signer, doc)
    for user in (leaders.other, people.clerk, people.specialist):
        assert FORM not in _page(user, doc)
    url = f"/van-ban/di/{doc.pk}/ky-so-ca-nhan/"

    answer = _web(leaders.signer).post(url, _form(own_p12), follow=True)

    assert answer.status_code == 200
    text = answer.content.decode()
    assert "Đã ký số cá nhân: tệp mới “cong-van-ky-so-ca-nhan.pdf” (hợp lệ)" in text, text
    assert "Bản ký số cá nhân" in text and FORM not in text  # nothing left to sign
    signed = PersonalSignature.objects.get().signed
    # The office issues the document; its button is on the personally signed file only.
    assert api(people.clerk).post(f"/api/v1/outgoing/{doc.pk}/issue/").status_code == 200
    page = _page(people.clerk, doc)
    assert page.count("Ký số của cơ quan</button>") == 1
    assert f'name="file" value="{signed.pk}"' in page
    done = _web(people.clerk).post(f"/van-ban/di/{doc.pk}/ky-so/", {"file": signed.pk})
    assert done.status_code == 302
    assert OrganizationSignature.objects.get().source == signed


def test_page_refusals_show_vietnamese_messages_and_change_nothing(
    org_key: Pki, own_p12: bytes, people: Any, leaders: Any
) -> None:
    doc = _draft(people, ("cong-van.pdf", keys.plain_pdf(), "application/pdf"))
    url = f"/van-ban/di/{doc.pk}/ky-so-ca-nhan/"
    before = _state(doc)
    cases = [
        (_form(own_p12, "sai-mat-khau"), "Mật khẩu của tệp khóa không đúng."),
        (_form(None), "Hãy chọn tệp khóa ký số"),
        (_form(b"khong phai khoa"), "không phải tệp PKCS#12"),
        (_form(org_key.p12), "Đây là khóa ký số của cơ quan"),
        (_form(keys.expired_p12(org_key)), "đã hết hạn"),
    ]
    for data, message in cases:
        answer = _web(leaders.signer).post(url, data)
        assert answer.status_code == 400
        assert message in answer.content.decode(), message
    assert _web(leaders.other).post(url, _form(own_p12)).status_code == 403
    assert _web(people.clerk_du2).post(url, _form(own_p12)).status_code == 404
    # CSRF is still required, the uploads kept in memory notwithstanding.
    assert _web(leaders.signer, csrf=True).post(url, _form(own_p12)).status_code == 403
    assert _state(doc) == before
