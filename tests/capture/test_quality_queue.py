"""The verification queue "Cần kiểm tra chất lượng" (issue 4 §5, docs/capture.md): files with
quality flags, seen through the access policy, cleared one by one with "Đã kiểm tra"."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import tiny_pdf
from vanthu.audit.models import Event
from vanthu.capture.models import QualityCheck
from vanthu.capture.quality import flag
from vanthu.orgs.models import DocumentType
from vanthu.registry import services as registry
from vanthu.registry.models import Document, DocumentFile, TextStatus

QUEUE = "/so-hoa/kiem-tra/"


def _document(clerk: Any, summary: str, *, secrecy: str = "none") -> Document:
    data = {
        "sender": "Ban Tổ chức Thành ủy",
        "number_symbol": f"{len(summary)}-CV/BTCTU",
        "document_type": DocumentType.objects.get(code="CV"),
        "issued_date": timezone.localdate() - datetime.timedelta(days=1),
        "summary": summary,
        "secrecy": secrecy,
        "urgency": "normal",
        "received_at": timezone.now(),
    }
    return registry.register_incoming(actor=clerk, organization=clerk.organization, data=data)


def _file(clerk: Any, document: Document, name: str, flags: list[dict[str, Any]]) -> DocumentFile:
    upload = SimpleUploadedFile(name, tiny_pdf(name), "application/pdf")
    f = registry.add_file(actor=clerk, document=document, upload=upload)
    # What the text job stores for a scan (capture.services._done); OCR is not under test here.
    DocumentFile.objects.filter(pk=f.pk).update(
        text_status=TextStatus.DONE, quality_flags=flags, page_count=3, ocr_confidence=61.5
    )
    return DocumentFile.objects.get(pk=f.pk)


@pytest.fixture
def office(city: Any, make_user: Any, settings: Any, tmp_path: Path) -> Any:
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    clerk = make_user(username="vt_kt", organization=city.tu, roles=["clerk"], clearance="secret")
    specialist = make_user(username="cv_kt", organization=city.tu, roles=["specialist"])
    other = make_user(username="vt_du1_kt", organization=city.du1, roles=["clerk"])
    doc = _document(clerk, "V/v số hóa hồ sơ đảng viên năm 2025")
    flagged = _file(clerk, doc, "ban-quet.pdf", [flag("blank_page", [2]), flag("skewed", [1, 3])])
    _file(clerk, doc, "sach.pdf", [])  # no flags: not in the queue
    theirs = _document(other, "V/v riêng của Đảng ủy phường Bến Nghé")
    their_file = _file(other, theirs, "rieng-du1.pdf", [flag("low_confidence", [1])])
    secret = _document(clerk, "V/v bảo vệ chính trị nội bộ", secrecy="secret")
    secret_file = _file(clerk, secret, "mat.pdf", [flag("no_text", [1])])
    return type(
        "Office",
        (),
        {
            "clerk": clerk,
            "specialist": specialist,
            "other": other,
            "doc": doc,
            "flagged": flagged,
            "theirs": theirs,
            "their_file": their_file,
            "secret": secret,
            "secret_file": secret_file,
        },
    )


def web(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _check_url(f: DocumentFile) -> str:
    return f"/so-hoa/kiem-tra/{f.document_id}/tep/{f.pk}/da-kiem-tra/"


def test_queue_lists_flagged_files_with_pages_linked_to_the_viewer(office: Any) -> None:
    page = web(office.clerk).get(QUEUE).content.decode()
    assert "Cần kiểm tra chất lượng" in page
    assert "ban-quet.pdf" in page and "mat.pdf" in page
    assert "sach.pdf" not in page  # no flags
    assert "rieng-du1.pdf" not in page  # another organisation's
    viewer = f"/van-ban/{office.doc.pk}/tep/{office.flagged.pk}/xem/"
    for n in (1, 2, 3):
        assert f'href="{viewer}?trang={n}"' in page
    assert "Trang trắng" in page and "Trang bị nghiêng" in page
    assert "Đã kiểm tra" in page
    assert timezone.localtime(office.flagged.uploaded_at).strftime("%d/%m/%Y") in page


def test_uncleared_and_other_users_see_only_what_they_may(office: Any) -> None:
    seen = web(office.specialist).get(QUEUE).content.decode()
    assert "ban-quet.pdf" in seen
    assert "mat.pdf" not in seen and "bảo vệ chính trị" not in seen  # classified, no clearance
    assert "Đã kiểm tra</button>" not in seen  # a specialist may look, not clear
    theirs = web(office.other).get(QUEUE).content.decode()
    assert "rieng-du1.pdf" in theirs and "ban-quet.pdf" not in theirs


def test_checked_file_leaves_the_queue_with_one_audit_event(office: Any) -> None:
    client = web(office.clerk)
    answer = client.post(_check_url(office.flagged), HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Đã đánh dấu đã kiểm tra tệp “ban-quet.pdf”" in page
    assert "ban-quet.pdf</a>" not in page and "mat.pdf" in page
    check = QualityCheck.objects.get(file=office.flagged)
    assert (check.checked_by, check.flags) == (office.clerk, ["blank_page", "skewed"])
    events = Event.objects.filter(action="capture.quality_checked")
    assert events.count() == 1 and events.get().object_id == str(office.flagged.pk)
    # Again: refused with a message, nothing more stored.
    again = client.post(_check_url(office.flagged), follow=True)
    assert "đã được đánh dấu đã kiểm tra" in again.content.decode()
    assert events.count() == 1 and QualityCheck.objects.count() == 1
    # The flags stay on the document's page.
    detail = client.get(f"/van-ban/den/{office.doc.pk}/").content.decode()
    assert "Trang trắng (trang 2)" in detail


def test_refused_checks_change_nothing(office: Any) -> None:
    before = (QualityCheck.objects.count(), Event.objects.count())
    # Sees the document but is not its clerk: a Vietnamese message.
    answer = web(office.specialist).post(_check_url(office.flagged), follow=True)
    assert answer.status_code == 200
    assert "Chỉ văn thư của tổ chức" in answer.content.decode()
    # May not see it: the same 404 as a missing document, for the file of another document too.
    assert web(office.specialist).post(_check_url(office.secret_file)).status_code == 404
    assert web(office.clerk).post(_check_url(office.their_file)).status_code == 404
    wrong = f"/so-hoa/kiem-tra/{office.doc.pk}/tep/{office.their_file.pk}/da-kiem-tra/"
    assert web(office.clerk).post(wrong).status_code == 404
    assert web(office.clerk).get(_check_url(office.flagged)).status_code == 405
    assert (QualityCheck.objects.count(), Event.objects.count()) == before


def test_queue_queries_do_not_grow_with_its_rows(office: Any) -> None:
    client = web(office.clerk)
    client.get(QUEUE)  # warm the session and the user's positions
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUE).status_code == 200
    for i in range(4):
        _file(office.clerk, office.doc, f"them-{i}.pdf", [flag("low_confidence", [i + 1])])
    more = _document(office.clerk, "V/v chuẩn bị đại hội chi bộ")
    _file(office.clerk, more, "dai-hoi.pdf", [flag("rotated", [1])])
    with CaptureQueriesContext(connection) as many:
        page = client.get(QUEUE)
    assert page.content.decode().count('<tr id="kiem-tra-') == 7
    assert len(many.captured_queries) == len(few.captured_queries)
