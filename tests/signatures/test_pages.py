"""The organisation's signature on the document pages (docs/signatures.md, "On the pages"):
"Ký số của cơ quan" on an issued outgoing document and "Sao y bản chính" on a scan, through the
same services as the API; only the office sees the buttons, the server checks again, every
refusal shows its Vietnamese message and changes nothing, CSRF is required, and a user who may
not see a classified document sees neither its buttons nor its files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.exchange import signing_pki as keys
from tests.exchange.test_signing import Pki
from tests.signatures.conftest import incoming_file, outgoing, personally_signed
from vanthu.audit.models import Event
from vanthu.core import jobs
from vanthu.core.models import Job
from vanthu.registry.models import Document, DocumentFile
from vanthu.signatures.models import FileSignature, OrganizationSignature
from vanthu.signatures.services import JOB_KIND

pytestmark = pytest.mark.django_db

SIGN_BUTTON = "Ký số của cơ quan</button>"
COPY_BUTTON = "Sao y bản chính</button>"


def web(user: Any, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _state() -> tuple[Any, ...]:
    """What a refused action must leave unchanged."""
    return (
        sorted(DocumentFile.objects.values_list("pk", "sha256")),
        OrganizationSignature.objects.count(),
        FileSignature.objects.count(),
        Event.objects.filter(action="signatures.organization.sign").count(),
    )


def _checked(f: DocumentFile) -> FileSignature:
    """Run the background check queued for ``f`` (the job the upload queued)."""
    job = Job.objects.get(kind=JOB_KIND, payload={"file_id": f.pk})
    jobs.run_job(job.pk)
    return FileSignature.objects.get(file=f)


def _page(user: Any, document: Document) -> str:
    kind = "di" if document.direction == "outgoing" else "den"
    answer = web(user).get(f"/van-ban/{kind}/{document.pk}/")
    assert answer.status_code == 200
    return answer.content.decode()


def _sign_url(document: Document) -> str:
    return f"/van-ban/di/{document.pk}/ky-so/"


def _copy_url(f: DocumentFile) -> str:
    return f"/van-ban/{f.document_id}/tep/{f.pk}/sao-y/"


def _scan(clerk: Any, secrecy: str = "none", data: bytes | None = None) -> DocumentFile:
    f = incoming_file(clerk, data, secrecy)
    _checked(f)
    return f


def test_the_office_signs_from_the_page_and_sees_the_new_file_with_its_badge(
    org_key: Pki, seal_file: Path, people: Any
) -> None:
    doc = outgoing(people.clerk, ("cong-van.pdf", personally_signed(org_key), "application/pdf"))
    source = doc.files.get()
    page = _page(people.clerk, doc)
    assert SIGN_BUTTON in page and "data-confirm=" in page and 'name="csrfmiddlewaretoken"' in page
    # Only the office of the organisation is offered the button.
    assert SIGN_BUTTON not in _page(people.specialist, doc)

    answer = web(people.clerk).post(_sign_url(doc), {"file": source.pk}, follow=True)

    assert answer.status_code == 200
    text = answer.content.decode()
    assert "Đã ký số của cơ quan" in text
    signed = OrganizationSignature.objects.get(source=source).signed
    assert signed.original_name in text
    assert 'data-signature="valid"' in text and "Chữ ký số: hợp lệ" in text
    assert "Bản ký số của cơ quan" in text
    # Both files are signed now: nothing left to offer.
    assert SIGN_BUTTON not in text


def test_each_refusal_of_the_signing_shows_its_message_and_changes_nothing(
    org_key: Pki, seal_file: Path, people: Any, settings: Any
) -> None:
    signed_pdf = personally_signed(org_key)
    draft = outgoing(people.clerk, ("du-thao.pdf", signed_pdf, "application/pdf"), issue=False)
    unsigned = outgoing(people.clerk, ("cong-van.pdf", keys.plain_pdf(), "application/pdf"))
    tampered = outgoing(
        people.clerk, ("cong-van.pdf", keys.tampered(signed_pdf), "application/pdf")
    )
    good = outgoing(people.clerk, ("cong-van.pdf", signed_pdf, "application/pdf"))
    clerk = web(people.clerk)
    before = _state()
    for document, data, message in (
        (draft, {}, "Văn bản chưa được cấp số, ban hành"),
        (unsigned, {}, "Văn bản chưa có chữ ký số của người có thẩm quyền"),
        (tampered, {}, "không hợp lệ hoặc văn bản đã bị sửa sau khi ký"),
        (good, {"file": "abc"}, "Văn bản không có tệp này."),
        (good, {"file": unsigned.files.get().pk}, "Văn bản không có tệp này."),
    ):
        answer = clerk.post(_sign_url(document), data)
        assert answer.status_code == 400, (message, answer.status_code)
        assert message in answer.content.decode(), message
    assert _state() == before

    settings.VANTHU_SIGNING_SEAL_IMAGE = ""
    answer = clerk.post(_sign_url(good), {})
    assert answer.status_code == 400 and "Chưa có ảnh con dấu" in answer.content.decode()
    settings.VANTHU_SIGNING_KEY_P12 = ""
    answer = clerk.post(_sign_url(good), {})
    assert answer.status_code == 400
    assert _state() == before

    refused = web(people.specialist).post(_sign_url(good), {})
    assert refused.status_code == 403
    assert "Chỉ văn thư của cơ quan được ký số" in refused.content.decode()
    assert web(people.clerk_du2).post(_sign_url(good), {}).status_code == 404
    assert _state() == before


def test_a_file_already_signed_is_refused_on_the_page(
    org_key: Pki, seal_file: Path, people: Any
) -> None:
    doc = outgoing(people.clerk, ("cong-van.pdf", personally_signed(org_key), "application/pdf"))
    source = doc.files.get()
    assert web(people.clerk).post(_sign_url(doc), {"file": source.pk}).status_code == 302
    before = _state()
    again = web(people.clerk).post(_sign_url(doc), {"file": source.pk})
    assert again.status_code == 400
    assert "Tệp này đã được ký số của cơ quan." in again.content.decode()
    assert _state() == before


def test_signing_and_copying_need_the_csrf_token(
    org_key: Pki, seal_file: Path, people: Any
) -> None:
    doc = outgoing(people.clerk, ("cong-van.pdf", personally_signed(org_key), "application/pdf"))
    scan = _scan(people.clerk)
    before = _state()
    client = web(people.clerk, csrf=True)
    assert client.post(_sign_url(doc), {}).status_code == 403
    assert client.post(_copy_url(scan), {}).status_code == 403
    assert _state() == before


def test_the_office_certifies_a_scan_from_the_page(org_key: Pki, people: Any) -> None:
    scan = _scan(people.clerk)
    document = Document.objects.get(pk=scan.document_id)
    page = _page(people.clerk, document)
    assert COPY_BUTTON in page
    assert COPY_BUTTON not in _page(people.specialist, document)

    answer = web(people.clerk).post(
        _copy_url(scan), {"place": "Thành phố Hồ Chí Minh"}, follow=True
    )

    text = answer.content.decode()
    assert answer.status_code == 200 and "Đã sao y bản chính: bản sao số 01/SY" in text
    assert "ban-quet-sao-y-01.pdf" in text and "Bản sao y số 01/SY" in text
    assert 'data-signature="valid"' in text
    # The copy itself carries a signature: it is not a scan to copy again.
    copy = OrganizationSignature.objects.get(source=scan).signed
    assert f'action="/van-ban/{document.pk}/tep/{copy.pk}/sao-y/"' not in text


def test_each_refusal_of_the_copy_shows_its_message_and_changes_nothing(
    org_key: Pki, people: Any, settings: Any
) -> None:
    scan = _scan(people.clerk)
    signed = _scan(people.clerk, data=personally_signed(org_key))
    clerk = web(people.clerk)
    before = _state()
    for f, data, message in (
        (signed, {}, "Tệp đã có chữ ký số: sao y từ giấy chỉ áp dụng cho bản số hóa."),
        (scan, {"place": "x" * 101}, "Địa danh dài quá 100 ký tự."),
    ):
        answer = clerk.post(_copy_url(f), data)
        assert answer.status_code == 400 and message in answer.content.decode(), message
    settings.VANTHU_SIGNING_KEY_P12 = ""
    assert clerk.post(_copy_url(scan), {}).status_code == 400
    assert web(people.specialist).post(_copy_url(scan), {}).status_code == 403
    assert web(people.clerk_du2).post(_copy_url(scan), {}).status_code == 404
    # A file of another document, named under this one: 404.
    wrong = f"/van-ban/{signed.document_id}/tep/{scan.pk}/sao-y/"
    assert clerk.post(wrong, {}).status_code == 404
    assert _state() == before


def test_an_uncleared_user_sees_no_button_no_file_and_gets_404(
    org_key: Pki, people: Any, make_user: Any, settings: Any
) -> None:
    settings.VANTHU_SECURITY_ZONE = "isolated"
    scan = _scan(people.clerk, secrecy="secret")
    document = Document.objects.get(pk=scan.document_id)
    assert COPY_BUTTON in _page(people.clerk, document)
    uncleared = make_user(
        username="vt_khong", organization=people.clerk.organization, roles=["clerk"],
        clearance="none",
    )  # fmt: skip
    before = _state()
    page = web(uncleared).get(f"/van-ban/den/{document.pk}/")
    assert page.status_code == 404 and b"ban-quet" not in page.content
    answer = web(uncleared).post(_copy_url(scan), {})
    assert answer.status_code == 404 and b"ban-quet" not in answer.content
    # In the connected zone the cleared clerk is offered nothing for it either.
    settings.VANTHU_SECURITY_ZONE = "connected"
    assert COPY_BUTTON not in _page(people.clerk, document)
    refused = web(people.clerk).post(_copy_url(scan), {})
    assert refused.status_code == 400 and "vùng cách ly" in refused.content.decode()
    assert _state() == before
