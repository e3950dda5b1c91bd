"""Revocation at registration and the organisation's B-LT signature (docs/signatures.md,
"Thu hồi chứng thư", "Mức chữ ký"): a revoked signer is flagged (state ``revoked``), an unknown
revocation is said, bad CRL settings never crash the check job; the office's signature and sao
y copies reach B-LT with a timestamp authority and a CRL, and fall back saying why.

The timestamp authority and the CRL's publication point are a real HTTP server on loopback
(``tests.exchange.signing_pki.Authority``); the CA is generated at run time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.exchange.signing_pki import Authority, plain_pdf
from tests.exchange.test_signing import PASS, Pki
from tests.signatures.conftest import api, incoming_file, outgoing, personally_signed
from vanthu.audit.models import Event
from vanthu.core import jobs
from vanthu.core.models import Job
from vanthu.exchange.signing import LongTerm, sign_pdf
from vanthu.registry.models import Document, DocumentFile
from vanthu.signatures.models import FileSignature, OrganizationSignature
from vanthu.signatures.services import JOB_KIND

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def authority() -> Iterator[Authority]:
    served = Authority().start()
    yield served
    served.stop()


@pytest.fixture
def lt(authority: Authority, tmp_path: Path, settings: Any) -> Authority:
    """The organisation's key from the CA that publishes a CRL, its root trusted, the CRL in
    the office's folder, the loopback TSA; fetching off."""
    pki = authority.pki
    assert pki is not None
    key = tmp_path / "co-quan.p12"
    key.write_bytes(pki.p12("good"))
    authority.configure(settings, tmp_path)
    settings.VANTHU_SIGNING_PKCS11_MODULE = ""
    settings.VANTHU_SIGNING_KEY_P12 = str(key)
    settings.VANTHU_SIGNING_KEY_PASSPHRASE = PASS
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    return authority


def _revoked_pdf(authority: Authority) -> bytes:
    """Signed elsewhere with the revoked certificate (B-B: no TSA, no revocation data)."""
    return sign_pdf(
        plain_pdf(), signer_p12=authority.pki.p12("revoked"), passphrase=PASS,  # type: ignore[union-attr]
        reason="Ban hành", location="Nghệ An", long_term=LongTerm(),
    )  # fmt: skip


def _incoming(clerk: Any, data: bytes, secrecy: str = "none") -> DocumentFile:
    return incoming_file(clerk, data, secrecy, name="cong-van.pdf")


def _run_check(f: DocumentFile) -> FileSignature:
    job = Job.objects.get(kind=JOB_KIND, payload={"file_id": f.pk})
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "done", job.error
    return FileSignature.objects.get(file=f)


def _page(user: Any, doc_id: int) -> str:
    client = Client()
    client.force_login(user)
    answer = client.get(reverse("registry:incoming-detail", args=[doc_id]))
    assert answer.status_code == 200
    return answer.content.decode()


def test_a_revoked_signer_is_flagged_at_registration(lt: Authority, people: Any) -> None:
    data = _revoked_pdf(lt)
    f = _incoming(people.clerk, data)
    doc_before = Document.objects.filter(pk=f.document_id).values().get()
    check = _run_check(f)
    assert check.state == "revoked" and check.failed
    assert "đã bị thu hồi" in check.reason and "lộ khóa bí mật" in check.reason
    [event] = Event.objects.filter(action="signatures.file.verify")
    assert event.details["state"] == "revoked" and "Người ký" not in str(event.details)
    # Nothing else changed: the file is kept as received, the document as it was.
    f.refresh_from_db()
    assert f.size == len(data) and f.document.files.count() == 1
    assert Document.objects.filter(pk=f.document_id).values().get() == doc_before

    [shown] = api(people.clerk).get(f"/api/v1/incoming/{f.document_id}/").json()["files"]
    assert shown["signature"]["state"] == "revoked"
    [entry] = shown["signature"]["signatures"]
    assert entry["revocation"] == "revoked" and "thu hồi lúc" in entry["revocation_note"]
    page = _page(people.clerk, f.document_id)
    assert "Chữ ký số: chứng thư đã bị thu hồi" in page and 'data-signature="revoked"' in page
    assert "text-bg-danger app-signature" in page and "Chữ ký số không đạt" in page


def test_without_a_crl_the_verdict_stands_and_the_check_says_unchecked(
    lt: Authority, people: Any, settings: Any
) -> None:
    settings.VANTHU_SIGNATURE_CRL_DIR = ""
    f = _incoming(people.clerk, _revoked_pdf(lt))
    check = _run_check(f)
    assert check.state == "valid"
    [shown] = api(people.clerk).get(f"/api/v1/incoming/{f.document_id}/").json()["files"]
    [entry] = shown["signature"]["signatures"]
    assert entry["revocation"] == "unknown" and entry["level"] == "B-B"
    assert "chưa cấu hình danh sách chứng thư bị thu hồi" in entry["revocation_note"]
    # The page's tooltip (the reason) says so too.
    assert "Chưa kiểm tra được tình trạng thu hồi chứng thư" in _page(people.clerk, f.document_id)


def test_bad_crl_settings_never_crash_the_check_job(
    lt: Authority, people: Any, settings: Any, tmp_path: Path
) -> None:
    junk = tmp_path / "crl-hong"
    junk.mkdir()
    (junk / "hong.crl").write_bytes(b"\x30\x82\xff\xff khong phai CRL")
    for where in (tmp_path / "khong-co", junk):
        settings.VANTHU_SIGNATURE_CRL_DIR = str(where)
        check = _run_check(_incoming(people.clerk, _revoked_pdf(lt)))
        assert check.state == "valid"
        assert "Chưa kiểm tra được tình trạng thu hồi" in check.reason
        assert ("không tồn tại" if where.name == "khong-co" else "hong.crl") in check.reason


def test_a_classified_revoked_file_is_flagged_and_still_hidden(
    lt: Authority, people: Any, make_user: Any
) -> None:
    f = _incoming(people.clerk, _revoked_pdf(lt), secrecy="secret")
    assert f.encrypted and _run_check(f).state == "revoked"
    outsider = make_user(
        username="cv_khong_mat", organization=people.clerk.organization, roles=["specialist"]
    )
    answer = api(outsider).get(f"/api/v1/incoming/{f.document_id}/")
    assert answer.status_code == 404 and "thu hồi".encode() not in answer.content
    web = Client()
    web.force_login(outsider)
    page = web.get(reverse("registry:incoming-detail", args=[f.document_id]))
    assert page.status_code == 404 and "thu hồi" not in page.content.decode()


def test_the_office_signs_b_lt_and_the_level_is_kept(
    lt: Authority, seal_file: Path, people: Any, pki: Pki
) -> None:
    doc = outgoing(people.clerk, ("cong-van.pdf", personally_signed(pki), "application/pdf"))
    answer = api(people.clerk).post(f"/api/v1/outgoing/{doc.pk}/sign/", {}, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["level"] == "B-LT" and body["level_note"] == ""
    assert body["signature"]["state"] == "untrusted"  # the personal signature's CA is not
    org = body["signature"]["signatures"][-1]
    assert org["state"] == "valid" and org["revocation"] == "good" and org["level"] == "B-LT"
    signing = OrganizationSignature.objects.get()
    assert signing.level == "B-LT"
    event = Event.objects.get(action="signatures.organization.sign")
    assert event.details["level"] == "B-LT"


def test_without_a_tsa_the_office_signs_b_b_and_says_why(
    lt: Authority, people: Any, settings: Any
) -> None:
    settings.VANTHU_SIGNING_TSA_URL = ""
    scan = _incoming(people.clerk, plain_pdf())
    url = f"/api/v1/documents/{scan.document_id}/files/{scan.pk}/certified-copy/"
    answer = api(people.clerk).post(url, {}, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["level"] == "B-B"
    assert "Chưa cấu hình máy chủ dấu thời gian (TSA)" in body["level_note"]
    assert OrganizationSignature.objects.get().level_note == body["level_note"]


def test_a_sao_y_copy_is_b_lt(lt: Authority, people: Any) -> None:
    scan = _incoming(people.clerk, plain_pdf())
    url = f"/api/v1/documents/{scan.document_id}/files/{scan.pk}/certified-copy/"
    answer = api(people.clerk).post(url, {}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["level"] == "B-LT"
    assert answer.json()["signature"]["signatures"][0]["revocation"] == "good"


def test_a_revoked_organisation_key_is_refused_and_nothing_changes(
    lt: Authority, people: Any, settings: Any, tmp_path: Path
) -> None:
    key = tmp_path / "thu-hoi.p12"
    key.write_bytes(lt.pki.p12("revoked"))  # type: ignore[union-attr]
    settings.VANTHU_SIGNING_KEY_P12 = str(key)
    scan = _incoming(people.clerk, plain_pdf())
    before = (DocumentFile.objects.count(), OrganizationSignature.objects.count())
    url = f"/api/v1/documents/{scan.document_id}/files/{scan.pk}/certified-copy/"
    answer = api(people.clerk).post(url, {}, format="json")
    assert answer.status_code == 400 and "đã bị thu hồi" in answer.json()["key"][0]
    assert (DocumentFile.objects.count(), OrganizationSignature.objects.count()) == before
    assert not Event.objects.filter(action="signatures.organization.sign").exists()


def test_the_schema_carries_the_new_state_and_level(people: Any) -> None:
    schema = api(people.clerk).get("/api/schema/", {"format": "json"}).json()
    parts = schema["components"]["schemas"]
    assert "revoked" in parts["SignatureStateEnum"]["enum"]
    assert {"level", "level_note"} <= set(parts["OrganizationSignatureOut"]["properties"])
    assert {"revocation", "revocation_note", "level"} <= set(
        parts["SignatureEntryOut"]["properties"]
    )
