"""Signatures on incoming PDFs are checked when the file is attached (upload, exchange receipt,
scan batch), kept per file with an audit event, shown on the document page and in the API; a
failed signature flags the document and the file is still stored."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.capture.samples import docx
from tests.exchange import signing_pki as keys
from tests.exchange.conftest import package_bytes
from tests.exchange.test_signing import Pki
from vanthu.audit.models import Event
from vanthu.core import blobstore, jobs
from vanthu.core.models import Job
from vanthu.exchange import edxml
from vanthu.exchange import services as exchange_services
from vanthu.exchange.models import Partner
from vanthu.orgs.models import DocumentType, Organization
from vanthu.registry import services as registry
from vanthu.registry.models import Document, DocumentFile
from vanthu.signatures.models import FileSignature
from vanthu.signatures.services import JOB_KIND, verify_file


@pytest.fixture(autouse=True)
def _no_second_factor(settings: Any) -> None:
    # The pages are read by the clerk (clearance "secret"); the TOTP step is tested elsewhere.
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


@pytest.fixture(scope="module")
def good(pki: Pki) -> bytes:
    return keys.signed_with(pki.p12)


@pytest.fixture
def roots(pki: Pki, tmp_path: Path, settings: Any) -> Path:
    """The installation trusts a folder of PEM files: another root and ours."""
    folder = tmp_path / "trust"
    folder.mkdir()
    (folder / "khac.pem").write_bytes(Pki("Other Root").root_pem)
    (folder / "vanthu-test.crt").write_bytes(pki.root_pem)
    (folder / "README.txt").write_text("not a certificate")
    settings.VANTHU_EXCHANGE_TRUST_ROOTS = str(folder)
    return folder


def _incoming(clerk: Any, tu: Organization, secrecy: str = "none") -> Document:
    data = {
        "sender": "Tỉnh ủy Nghệ An",
        "number_symbol": "15-CV/TU",
        "document_type": DocumentType.objects.get(code="CV"),
        "issued_date": timezone.localdate() - datetime.timedelta(days=1),
        "summary": "V/v phối hợp tổ chức hội nghị" if secrecy == "none" else "",
        "secrecy": secrecy,
        "urgency": "normal",
        "received_at": timezone.now(),
    }
    return registry.register_incoming(actor=clerk, organization=tu, data=data)


def _attach(clerk: Any, doc: Document, data: bytes, name: str = "cong-van.pdf") -> DocumentFile:
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    return registry.add_file(actor=clerk, document=doc, upload=upload)


def _run_check(f: DocumentFile) -> FileSignature:
    """Run the background job queued for the file (only that job: OCR is not under test)."""
    job = Job.objects.get(kind=JOB_KIND, payload={"file_id": f.pk})
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "done", job.error
    return FileSignature.objects.get(file=f)


def _api_file(user: Any, doc: Document) -> dict[str, Any]:
    client = APIClient()
    client.force_authenticate(user)
    answer = client.get(f"/api/v1/incoming/{doc.pk}/")
    assert answer.status_code == 200, answer.content
    [f] = answer.json()["files"]
    return f  # type: ignore[no-any-return]


def _page(user: Any, doc: Document) -> str:
    client = Client()
    client.force_login(user)
    answer = client.get(reverse("registry:incoming-detail", args=[doc.pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def test_a_valid_signature_is_checked_in_the_background_kept_and_shown(
    tu: Organization, clerk: Any, good: bytes, roots: Path
) -> None:
    doc = _incoming(clerk, tu)
    f = _attach(clerk, doc, good)
    assert not FileSignature.objects.exists()  # background: nothing until the job runs
    check = _run_check(f)
    assert check.state == "valid" and check.signer_name == "Văn thư Thành ủy"
    assert check.signing_time is not None
    assert abs(timezone.now() - check.signing_time) < datetime.timedelta(minutes=5)
    assert "hợp lệ, toàn vẹn, chứng thư tin cậy" in check.reason
    assert check.checked_sha256 == f.plaintext_sha256
    [event] = Event.objects.filter(action="signatures.file.verify")
    assert event.object_id == str(doc.pk)
    assert event.details["state"] == "valid" and event.details["file"] == f.pk
    assert "Văn thư" not in str(event.details)  # type and id, never a name or title

    shown = _api_file(clerk, doc)["signature"]
    assert shown["state"] == "valid" and shown["signer_name"] == "Văn thư Thành ủy"
    assert shown["signatures"][0]["state"] == "valid"
    page = _page(clerk, doc)
    assert "Chữ ký số: hợp lệ" in page and 'data-signature="valid"' in page
    assert "Chữ ký số không đạt" not in page
    # dd/mm/yyyy in Vietnam's time on the page
    assert timezone.localtime(check.signing_time).strftime("%d/%m/%Y %H:%M") in page


def test_checking_the_same_bytes_again_changes_nothing(
    tu: Organization, clerk: Any, good: bytes, roots: Path
) -> None:
    f = _attach(clerk, _incoming(clerk, tu), good)
    first = _run_check(f)
    again = verify_file(file_id=f.pk)
    assert again is not None and again.pk == first.pk and again.checked_at == first.checked_at
    assert Event.objects.filter(action="signatures.file.verify").count() == 1


BAD = {
    "tampered": ("invalid", "bị thay đổi sau khi ký"),
    "self_signed": ("untrusted", "không thuộc chuỗi tin cậy"),
    "expired": ("expired", "hết hạn"),
    "broken": ("invalid", "Chữ ký số bị hỏng"),
}


def _bad(kind: str, pki: Pki, good: bytes) -> bytes:
    if kind == "tampered":
        return keys.tampered(good)
    if kind == "self_signed":
        return keys.signed_with(keys.self_signed_p12())
    if kind == "expired":
        return keys.signed_with(keys.expired_p12(pki))
    return keys.broken_dictionary(good)


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_signature_flags_the_document_and_the_file_is_still_stored(
    kind: str, tu: Organization, clerk: Any, pki: Pki, good: bytes, roots: Path
) -> None:
    doc = _incoming(clerk, tu)
    data = _bad(kind, pki, good)
    f = _attach(clerk, doc, data)
    check = _run_check(f)
    state, words = BAD[kind]
    assert check.state == state and check.failed
    assert words in check.reason
    # The file is stored as received, the document is whole and unchanged otherwise.
    f.refresh_from_db()
    assert blobstore.exists(f.sha256) and f.size == len(data)
    doc.refresh_from_db()
    assert doc.status == "new" and doc.files.count() == 1
    assert Event.objects.get(action="signatures.file.verify").details["state"] == state

    assert _api_file(clerk, doc)["signature"]["state"] == state
    page = _page(clerk, doc)
    assert "Chữ ký số không đạt" in page and f'data-signature="{state}"' in page


PDFSIG = {
    "tampered": "Digest Mismatch",
    "self_signed": "Certificate issuer is unknown",
    "expired": "Certificate has Expired",
    "broken": "Unknown Validation Failure",
}


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("kind", sorted(BAD))
def test_pdfsig_independently_finds_the_same_fault(
    kind: str, pki: Pki, good: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "in.pdf"
    path.write_bytes(_bad(kind, pki, good))
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    out = done.stdout + done.stderr
    assert PDFSIG[kind] in out, out
    if kind in ("tampered", "broken"):
        assert "Signature is Valid" not in out, out


def test_an_unsigned_pdf_is_reported_unsigned_and_not_flagged(
    tu: Organization, clerk: Any, roots: Path
) -> None:
    doc = _incoming(clerk, tu)
    check = _run_check(_attach(clerk, doc, keys.plain_pdf()))
    assert check.state == "unsigned" and not check.failed
    assert "không có chữ ký số" in check.reason
    page = _page(clerk, doc)
    assert "Chữ ký số: không có chữ ký số" in page and "Chữ ký số không đạt" not in page


def test_without_configured_roots_a_good_signature_is_untrusted_not_accepted(
    tu: Organization, clerk: Any, good: bytes, settings: Any
) -> None:
    settings.VANTHU_EXCHANGE_TRUST_ROOTS = ""
    check = _run_check(_attach(clerk, _incoming(clerk, tu), good))
    assert check.state == "untrusted" and check.failed


def test_a_file_that_is_not_a_pdf_is_not_checked(
    tu: Organization, clerk: Any, partner: Partner
) -> None:
    doc = _incoming(clerk, tu)
    upload = SimpleUploadedFile("ghi-chu.docx", docx(["Ghi chú"]), content_type="text/plain")
    registry.add_file(actor=clerk, document=doc, upload=upload)
    assert not Job.objects.filter(kind=JOB_KIND).exists()
    assert _api_file(clerk, doc)["signature"] is None
    # A file named .pdf that is not one: uploads refuse it, but a partner's edXML attachment is
    # kept as it comes (docs/capture.md). The job runs and keeps nothing.
    fake_pdf = edxml.Attachment(
        name="gia.pdf", content_type="application/pdf", data=b"not a pdf at all", content_id="a1"
    )
    received = exchange_services.receive_package(
        organization=tu, data=package_bytes(attachments=[fake_pdf])
    )
    fake = received.files.get()
    job = Job.objects.get(kind=JOB_KIND, payload={"file_id": fake.pk})
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and not FileSignature.objects.exists()


def test_a_job_for_a_missing_file_fails_permanently(db: Any) -> None:
    job = jobs.enqueue(JOB_KIND, {"file_id": 987654})
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "987654" in job.error


def test_a_signed_pdf_received_by_exchange_is_checked(
    tu: Organization, partner: Partner, good: bytes, roots: Path
) -> None:
    attachment = edxml.Attachment(
        name="cong-van.pdf", content_type="application/pdf", data=good, content_id="a1"
    )
    doc = exchange_services.receive_package(
        organization=tu, data=package_bytes(attachments=[attachment]), partner=partner
    )
    [f] = doc.files.all()
    assert _run_check(f).state == "valid"


def test_a_tampered_pdf_in_a_scan_batch_is_flagged(
    tu: Organization, clerk: Any, good: bytes, roots: Path, tmp_path: Path
) -> None:
    from vanthu.capture import batches
    from vanthu.capture.models import ScanBatch

    folder = tmp_path / "lo-quet"
    folder.mkdir()
    (folder / "van-ban.pdf").write_bytes(keys.tampered(good))
    batch = batches.create_batch(
        actor=clerk, organization=tu, source=ScanBatch.Source.FOLDER, source_path=folder
    )
    batches.run_batch(batch_id=batch.pk)
    [f] = DocumentFile.objects.filter(document__status="pending_registration")
    check = _run_check(f)
    assert check.state == "invalid"
    assert "Chữ ký số không đạt" in _page(clerk, f.document)
    # And in the "chờ vào sổ" queue of scans, on the document's row.
    client = Client()
    client.force_login(clerk)
    queue = client.get(reverse("capture:register"))
    assert queue.status_code == 200
    row = queue.content.decode().split(f'data-row="{f.document_id}"', 1)[1]
    assert 'data-signature="invalid"' in row.split("</tr>", 1)[0]


def test_a_classified_file_is_checked_through_its_encryption_and_hidden_from_others(
    tu: Organization, clerk: Any, good: bytes, roots: Path, make_user: Callable[..., Any]
) -> None:
    doc = _incoming(clerk, tu, secrecy="secret")
    f = _attach(clerk, doc, good)
    assert f.encrypted
    check = _run_check(f)
    assert check.state == "valid"
    event = Event.objects.get(action="signatures.file.verify")
    assert "Văn thư" not in str(event.details)
    outsider = make_user(username="cv_khong_mat", organization=tu, roles=["specialist"])
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.get(f"/api/v1/incoming/{doc.pk}/").status_code == 404
    web = Client()
    web.force_login(outsider)
    answer = web.get(reverse("registry:incoming-detail", args=[doc.pk]))
    assert answer.status_code == 404
    assert "Văn thư Thành ủy" not in answer.content.decode()
