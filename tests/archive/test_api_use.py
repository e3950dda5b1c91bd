"""Khai thác through the API: requests, decisions, the reading viewer, copies, the register."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader

from tests.records.conftest import Office, client_for
from vanthu.archive import services_reading
from vanthu.archive.models import AccessRequest, CertifiedCopy, UseEntry
from vanthu.audit.models import Event
from vanthu.orgs.models import User
from vanthu.records import services as records
from vanthu.records.models import Dossier
from vanthu.registry import services as registry
from vanthu.registry.models import Document


def pdf_pages(*texts: str) -> bytes:
    doc = FPDF()
    doc.set_font("helvetica", size=14)
    for text in texts:
        doc.add_page()
        doc.cell(text=text)
    return bytes(doc.output())


def with_pdf(office: Office, doc: Document, pages: int = 2) -> int:
    made = registry.add_file(
        actor=office.clerk,
        document=doc,
        upload=SimpleUploadedFile(
            "vb.pdf",
            pdf_pages(*[f"Trang {n}" for n in range(1, pages + 1)]),
            content_type="application/pdf",
        ),
    )
    return made.pk


def dossier_with_pdf(office: Office) -> tuple[Dossier, Document, int]:
    doc = office.document(summary="Nghị quyết về công tác cán bộ")
    file_id = with_pdf(office, doc)
    dossier = office.dossier(code="07.VP")
    records.add_document(actor=office.clerk, dossier=dossier, document=doc)
    return dossier, doc, file_id


def ask(office: Office, dossier: Dossier, mode: str, by: User | None = None) -> int:
    answer = client_for(by or office.specialist).post(
        "/api/v1/access-requests/",
        {"dossiers": [dossier.pk], "purpose": "Nghiên cứu", "mode": mode, "days": 5},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    return int(answer.json()["id"])


def approve(office: Office, pk: int) -> None:
    url = f"/api/v1/access-requests/{pk}/decide/"
    answer = client_for(office.leader).post(url, {"approve": True}, format="json")
    assert answer.status_code == 200, answer.content


def test_request_bad_input_stores_nothing(office: Office) -> None:
    dossier, _doc, _file = dossier_with_pdf(office)
    api = client_for(office.specialist)
    bad = api.post(
        "/api/v1/access-requests/",
        {"dossiers": [dossier.pk], "purpose": " ", "mode": "steal", "days": 16},
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"purpose", "mode", "days"}
    assert "15 ngày" in bad.json()["days"][0]
    missing = api.post(
        "/api/v1/access-requests/",
        {"dossiers": [10**6], "purpose": "x", "mode": "read", "days": 1},
        format="json",
    )
    assert missing.status_code == 404
    foreign = client_for(office.outsider).post(
        "/api/v1/access-requests/",
        {"dossiers": [dossier.pk], "purpose": "x", "mode": "read", "days": 1},
        format="json",
    )
    assert foreign.status_code == 404
    assert not AccessRequest.objects.exists()


def test_decision_rules(office: Office) -> None:
    dossier, _doc, _file = dossier_with_pdf(office)
    pk = ask(office, dossier, "read")
    url = f"/api/v1/access-requests/{pk}/decide/"
    assert (
        client_for(office.outsider).post(url, {"approve": True}, format="json").status_code == 404
    )
    assert client_for(office.clerk).post(url, {"approve": True}, format="json").status_code == 403
    refuse = client_for(office.leader).post(url, {"approve": False, "note": ""}, format="json")
    assert refuse.status_code == 400 and "note" in refuse.json()
    assert client_for(office.leader).post(url, {}, format="json").status_code == 400
    assert AccessRequest.objects.get().status == "submitted"
    approve(office, pk)
    again = client_for(office.leader).post(url, {"approve": True}, format="json")
    assert again.status_code == 400 and "đã được xử lý" in again.json()["status"][0]
    detail = client_for(office.specialist).get(f"/api/v1/access-requests/{pk}/").json()
    assert detail["status"] == "approved" and detail["dossiers"] == [dossier.pk]
    assert client_for(office.outsider).get(f"/api/v1/access-requests/{pk}/").status_code == 404
    listed = client_for(office.outsider).get("/api/v1/access-requests/").json()
    assert listed["count"] == 0


def test_viewer_shows_pages_only_in_the_period_and_records_each(office: Office) -> None:
    dossier, doc, file_id = dossier_with_pdf(office)
    pk = ask(office, dossier, "read")
    reader = client_for(office.specialist)
    docs_url = f"/api/v1/access-requests/{pk}/documents/"
    page_url = f"/api/v1/access-requests/{pk}/documents/{doc.pk}/page.png?file={file_id}&page=1"
    not_yet = reader.get(docs_url)
    assert not_yet.status_code == 404 and "chưa được duyệt" in not_yet.json()["detail"]
    assert reader.get(page_url).status_code == 404
    approve(office, pk)
    listing = reader.get(docs_url)
    assert listing.status_code == 200
    assert [d["id"] for d in listing.json()] == [doc.pk]
    assert listing.json()[0]["files"][0]["id"] == file_id
    before = UseEntry.objects.filter(action="view").count()
    page = reader.get(page_url + "&width=300")
    assert page.status_code == 200 and page["Content-Type"] == "image/png"
    assert "attachment" not in page.get("Content-Disposition", "")
    assert "no-store" in page["Cache-Control"]
    image = Image.open(io.BytesIO(page.content))
    assert image.width == 300 and image.height > 300  # the page plus the margin band
    assert UseEntry.objects.filter(action="view").count() == before + 1
    assert Event.objects.filter(action="archive.use.view").count() == 1
    # No such page: 404 and no register line.
    assert reader.get(page_url.replace("page=1", "page=9")).status_code == 404
    assert reader.get(page_url + "&width=5").status_code == 400
    assert UseEntry.objects.filter(action="view").count() == before + 1
    # Others: the approving leader, the archivist, an outsider — nobody but the requester.
    for other in (office.leader, office.archivist, office.outsider):
        assert client_for(other).get(page_url).status_code == 404
        assert client_for(other).get(docs_url).status_code == 404
    # After the period: 404 with the clear message, nothing recorded.
    AccessRequest.objects.filter(pk=pk).update(
        valid_until=timezone.now() - datetime.timedelta(minutes=1)
    )
    late = reader.get(page_url)
    assert late.status_code == 404 and "hết thời hạn" in late.json()["detail"]
    assert UseEntry.objects.filter(action="view").count() == before + 1
    register = client_for(office.leader).get("/api/v1/use-register/").json()
    assert {e["action"] for e in register["results"]} == {"read", "view"}
    assert client_for(office.outsider).get("/api/v1/use-register/").json()["count"] == 0


def test_viewer_never_shows_a_classified_document_to_an_uncleared_reader(office: Office) -> None:
    dossier, doc, _file = dossier_with_pdf(office)
    pk = ask(office, dossier, "read")
    approve(office, pk)
    secret = office.document(summary="Kế hoạch tuyệt mật vtmk", secrecy="confidential")
    secret_file = with_pdf(office, secret, pages=1)
    records.add_document(actor=office.clerk, dossier=dossier, document=secret)
    reader = client_for(office.specialist)  # holds no clearance
    listing = reader.get(f"/api/v1/access-requests/{pk}/documents/")
    assert listing.status_code == 200
    assert [d["id"] for d in listing.json()] == [doc.pk]
    assert "vtmk" not in listing.content.decode()
    url = f"/api/v1/access-requests/{pk}/documents/{secret.pk}/page.png?file={secret_file}"
    refused = reader.get(url)
    assert refused.status_code == 404 and "vtmk" not in refused.content.decode()
    assert not UseEntry.objects.filter(action="view").exists()


def test_copy_mode_requests_do_not_open_the_viewer(office: Office) -> None:
    dossier, doc, file_id = dossier_with_pdf(office)
    pk = ask(office, dossier, "copy")
    approve(office, pk)
    page_url = f"/api/v1/access-requests/{pk}/documents/{doc.pk}/page.png?file={file_id}&page=1"
    assert client_for(office.specialist).get(page_url).status_code == 404
    with pytest.raises(services_reading.ReadingClosed):
        services_reading.reading_room(actor=office.specialist, request_pk=pk)


def test_certified_copies_numbered_and_recorded(office: Office) -> None:
    dossier, doc, file_id = dossier_with_pdf(office)
    pk = ask(office, dossier, "certified_copy")
    url = f"/api/v1/access-requests/{pk}/copies/"
    body = {"document": doc.pk, "file": file_id, "kind": "sao_y"}
    archivist = client_for(office.archivist)
    early = archivist.post(url, body, format="json")
    assert early.status_code == 400 and "chưa được duyệt" in early.json()["request"][0]
    approve(office, pk)
    first = archivist.post(url, body, format="json")
    assert first.status_code == 201 and first.content.startswith(b"%PDF")
    copy = PdfReader(io.BytesIO(first.content))
    assert len(copy.pages) == 3  # two pages and the certification block
    assert "BẢN SAO số 01" in copy.pages[0].extract_text()
    block = copy.pages[-1].extract_text()
    assert "SAO Y BẢN CHÍNH" in block and "Số: 01/SY" in block
    assert office.archivist.username in block or (office.archivist.full_name or "") in block
    part = archivist.post(url, {**body, "kind": "trich_sao", "pages": "2"}, format="json")
    assert part.status_code == 201 and part["X-Copy-Number"] == "2"
    assert len(PdfReader(io.BytesIO(part.content)).pages) == 2
    other_doc = office.document(summary="Văn bản ngoài phiếu")
    other_file = with_pdf(office, other_doc)
    stored = (CertifiedCopy.objects.count(), UseEntry.objects.count(), Event.objects.count())
    for bad, field in (
        ({**body, "kind": "trich_sao", "pages": "3-4"}, "pages"),
        ({**body, "kind": "trich_sao", "pages": "hai"}, "pages"),
        ({**body, "kind": "copy"}, "kind"),
        ({**body, "pages": "1"}, "pages"),
    ):
        answer = archivist.post(url, bad, format="json")
        assert answer.status_code == 400 and field in answer.json(), (bad, answer.content)
    assert client_for(office.specialist).post(url, body, format="json").status_code == 403
    assert client_for(office.outsider).post(url, body, format="json").status_code == 404
    outside = archivist.post(
        url, {"document": other_doc.pk, "file": other_file, "kind": "sao_y"}, format="json"
    )
    assert outside.status_code == 404
    assert (
        CertifiedCopy.objects.count(),
        UseEntry.objects.count(),
        Event.objects.count(),
    ) == stored
    kinds = list(UseEntry.objects.filter(action__in=["sao_y", "trich_sao"]).values_list("action"))
    assert sorted(k for (k,) in kinds) == ["sao_y", "trich_sao"]
    assert [c.number for c in CertifiedCopy.objects.order_by("number")] == [1, 2]


def test_certified_copy_is_signed_when_a_key_is_configured(
    office: Office, settings: Any, tmp_path: Path
) -> None:
    from tests.exchange.test_signing import PASS, Pki
    from vanthu.exchange.verify import verify_pdf

    pki = Pki()
    key = tmp_path / "lưu-trữ.p12"
    key.write_bytes(pki.p12)
    settings.VANTHU_COPY_SIGNING_P12 = str(key)
    settings.VANTHU_COPY_SIGNING_PASSPHRASE = PASS
    dossier, doc, file_id = dossier_with_pdf(office)
    pk = ask(office, dossier, "certified_copy")
    approve(office, pk)
    answer = client_for(office.archivist).post(
        f"/api/v1/access-requests/{pk}/copies/",
        {"document": doc.pk, "file": file_id, "kind": "sao_y"},
        format="json",
    )
    assert answer.status_code == 201
    result = verify_pdf(answer.content, trust_roots=[pki.root_pem])
    assert result.ok, result.summary
    assert CertifiedCopy.objects.get().signed


def test_loan_returned_through_the_api(office: Office, make_user: Callable[..., User]) -> None:
    dossier, _doc, _file = dossier_with_pdf(office)
    pk = ask(office, dossier, "borrow")
    url = f"/api/v1/access-requests/{pk}/return/"
    early = client_for(office.archivist).post(url)
    assert early.status_code == 400 and "chưa được duyệt" in early.json()["request"][0]
    approve(office, pk)
    assert client_for(office.clerk).post(url).status_code == 403
    assert client_for(office.outsider).post(url).status_code == 404
    done = client_for(office.archivist).post(url)
    assert done.status_code == 200 and done.json()["status"] == "returned"
    assert client_for(office.archivist).post(url).status_code == 400


def test_lists_do_not_grow_in_queries_with_rows(office: Office) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dossier, _doc, _file = dossier_with_pdf(office)
    urls = ("/api/v1/access-requests/", "/api/v1/use-register/")

    def counts() -> list[int]:
        api = client_for(office.leader)
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url).status_code == 200
            found.append(len(queries.captured_queries))
        return found

    approve(office, ask(office, dossier, "read"))
    counts()  # warm the content-type cache the access policy uses
    one = counts()
    for _ in range(3):
        approve(office, ask(office, dossier, "copy"))
    assert counts() == one
