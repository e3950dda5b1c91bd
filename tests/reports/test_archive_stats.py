"""Thống kê tài liệu lưu trữ và khai thác sử dụng: holdings (dossiers, documents, pages, boxes,
metres of shelf, digitised share) and use (requests, reads, copies) for a period, through the
access policy — a classified dossier counted only by who may see it, never named."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pypdfium2
import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from tests.archive.test_api_use import approve, ask, with_pdf
from tests.archive.test_holdings import shelf_and_box
from tests.archive.test_transfer import closed
from tests.records.conftest import Office, client_for
from vanthu.archive import services as archive
from vanthu.archive import services_storage, services_use
from vanthu.archive.models import AccessRequest, CertifiedCopy, UseEntry
from vanthu.audit.models import Event
from vanthu.orgs.models import User
from vanthu.records import services as records
from vanthu.records.models import Dossier
from vanthu.reports.archive_stats import BOX_METRES

URL = "/api/v1/reports/archive-statistics/"
PRINT = "/api/v1/reports/archive-statistics/print/"
SECRET_TITLE = "Hồ sơ bảo vệ chính trị nội bộ QZX-919"


def this_year() -> dict[str, str]:
    year = timezone.localdate().year
    return {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}


class Holdings:
    """Four dossiers of the Văn phòng: archived in a box, digitised, secret, still open; one
    read request (read once) and one certified copy."""

    def __init__(self, office: Office) -> None:
        ended = datetime.date(2025, 6, 20)
        self.office = office
        self.archived = closed(office, "01.VP", ended=ended)
        transfer = archive.create_transfer(
            actor=office.clerk, organization=office.org, dossiers=[self.archived]
        )
        archive.accept_transfer(actor=office.archivist, transfer=transfer, note="Đủ")
        fonds = services_storage.create_fonds(
            actor=office.archivist, organization=office.org, kind="party", code="P01", name="Phông"
        )
        services_storage.assign_number(
            actor=office.archivist,
            dossier=self.archived,
            fonds=fonds,
            catalogue_number=1,
            file_number=1,
            box=shelf_and_box(office),
        )
        doc = office.document(summary="Nghị quyết về công tác cán bộ", issued=ended)
        self.file_id = with_pdf(office, doc)
        self.digitised_doc = doc
        self.digitised = office.dossier(code="02.VP")
        records.add_document(actor=office.clerk, dossier=self.digitised, document=doc)
        self.digitised = records.close_dossier(actor=office.clerk, dossier=self.digitised)
        secret = office.dossier(code="03.VP", title=SECRET_TITLE)
        records.add_document(
            actor=office.clerk,
            dossier=secret,
            document=office.document(summary="Báo cáo mật", secrecy="secret", issued=ended),
        )
        self.secret = records.close_dossier(actor=office.clerk, dossier=secret)
        office.dossier(code="04.VP")  # still open: not a holding
        read = ask(office, self.digitised, "read")
        approve(office, read)
        services_use.read_dossier(
            actor=office.specialist,
            request=AccessRequest.objects.get(pk=read),
            dossier=self.digitised,
        )
        copy = ask(office, self.digitised, "certified_copy")
        approve(office, copy)
        answer = client_for(office.archivist).post(
            f"/api/v1/access-requests/{copy}/copies/",
            {"document": doc.pk, "file": self.file_id, "kind": "sao_y"},
            format="json",
        )
        assert answer.status_code == 201, answer.content
        ask(office, self.archived, "borrow")  # pending


@pytest.fixture
def office(city: Any, make_user: Callable[..., User]) -> Office:
    return Office(city, make_user)


@pytest.fixture
def holdings(office: Office) -> Holdings:
    return Holdings(office)


def stats(user: User, **params: Any) -> dict[str, Any]:
    answer = client_for(user).get(URL, {**this_year(), **params})
    assert answer.status_code == 200, answer.content
    return dict(answer.json())


def test_holdings_counted_through_the_access_policy(holdings: Holdings) -> None:
    office = holdings.office
    closed_ones = [holdings.archived, holdings.digitised, holdings.secret]
    # The clerk made every dossier (need-to-know: a participant) and is cleared top secret.
    data = stats(office.clerk)["holdings"]
    assert data["dossiers"] == len(closed_ones) == data["closed_in_period"]
    assert data["archived"] == 1
    sums = Dossier.objects.filter(pk__in=[d.pk for d in closed_ones]).aggregate(
        d=Sum("document_count"), p=Sum("page_count"), s=Sum("sheet_count")
    )
    assert (data["documents"], data["pages"], data["sheets"]) == (sums["d"], sums["p"], sums["s"])
    assert data["pages"] > 0
    assert data["boxes"] == 1
    assert data["shelf_metres"] == pytest.approx(float(BOX_METRES))
    assert data["filed_documents"] == 3 and data["digitised_documents"] == 1
    assert data["digitised_percent"] == pytest.approx(round(100 / 3, 1))
    # The leader is cleared but no participant of the secret dossier: not counted.
    leader = stats(office.leader)["holdings"]
    assert leader["dossiers"] == 2 and leader["filed_documents"] == 2
    assert leader["digitised_percent"] == 50.0
    # Another organisation's clerk may not ask for the Văn phòng.
    answer = client_for(office.outsider).get(URL, {"organization": office.org.pk})
    assert answer.status_code == 404


def test_use_in_the_period(holdings: Holdings) -> None:
    use = stats(holdings.office.clerk)["use"]
    assert use["requests"] == AccessRequest.objects.count() == 3
    assert (use["approved"], use["refused"], use["pending"]) == (2, 0, 1)
    assert use["by_mode"] == {"read": 1, "copy": 0, "certified_copy": 1, "borrow": 1}
    assert use["reads"] == UseEntry.objects.filter(action="view").count() == 1
    assert use["dossiers_read"] == 1
    assert use["copies"] == CertifiedCopy.objects.count() == 1
    assert use["copies_by_kind"]["sao_y"] == 1
    # A period before all of it counts nothing.
    last_year = timezone.localdate().year - 1
    old = stats(holdings.office.clerk, date_from=f"{last_year}-01-01", date_to=f"{last_year}-12-31")
    assert old["use"]["requests"] == 0 and old["use"]["copies"] == 0
    assert old["holdings"]["dossiers"] == 0


def test_pdf_and_excel(holdings: Holdings) -> None:
    office = holdings.office
    before = Event.objects.filter(action="reports.archive.print").count()
    answer = client_for(office.clerk).get(PRINT, {**this_year(), "format": "pdf"})
    assert answer.status_code == 200
    data = b"".join(answer.streaming_content)
    doc = pypdfium2.PdfDocument(data)
    try:
        text = " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in doc)
        image = doc[0].render(scale=0.5).to_pil().convert("L")
    finally:
        doc.close()
    hist = image.histogram()
    assert 1 - sum(hist[245:]) / (image.width * image.height) > 0.01
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "THỐNG KÊ TÀI LIỆU LƯU TRỮ VÀ KHAI THÁC SỬ DỤNG" in text
    assert "Chiều dài tài liệu 0,1 mét giá" in text
    assert "Tỷ lệ số hóa 33,3 %" in text
    assert SECRET_TITLE not in text and "QZX" not in text
    answer = client_for(office.clerk).get(PRINT, {**this_year(), "format": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(answer.streaming_content))).worksheets[0]
    figures = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert figures["Tổng số hồ sơ đã kết thúc"] == 3
    assert figures["Số bản sao đã cấp"] == 1
    assert figures["Chiều dài tài liệu"] == pytest.approx(0.1)
    assert Event.objects.filter(action="reports.archive.print").count() == before + 2


@pytest.mark.parametrize(
    ("url", "field", "params"),
    [
        (PRINT, "format", {"format": "csv"}),
        (PRINT, "date_to", {"date_from": "2026-03-01", "date_to": "2026-02-01"}),
        (URL, "date_from", {"date_from": "hôm qua"}),
        (URL, "organization", {"organization": "VP"}),
    ],
)
def test_bad_input_is_400_and_nothing_recorded(
    office: Office, url: str, field: str, params: dict[str, str]
) -> None:
    before = Event.objects.count()
    answer = client_for(office.clerk).get(url, params)
    assert answer.status_code == 400
    assert field in answer.json()
    assert Event.objects.count() == before


def test_web_page_and_download(holdings: Holdings, settings: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    client = Client()
    client.force_login(holdings.office.leader)
    html = client.get("/bao-cao/luu-tru/").content.decode()
    assert "Thống kê tài liệu lưu trữ và khai thác sử dụng" in html
    assert "Tỷ lệ số hóa" in html and "50,0" in html
    assert "/bao-cao/luu-tru/in/?" in html and SECRET_TITLE not in html
    year = timezone.localdate().year
    answer = client.get(
        "/bao-cao/luu-tru/in/",
        {"date_from": f"01/01/{year}", "date_to": f"31/12/{year}", "format": "xlsx"},
    )
    assert answer.status_code == 200 and "spreadsheetml" in answer["Content-Type"]
    before = Event.objects.count()
    back = client.get("/bao-cao/luu-tru/in/", {"format": "doc"}, follow=True)
    assert "Định dạng phải là pdf hoặc xlsx." in back.content.decode()
    assert Event.objects.count() == before
