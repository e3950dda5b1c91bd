"""Báo cáo tình hình giải quyết văn bản đến, văn bản đi (NĐ 30 Phụ lục VI): the PDF rendered to
an image and read back with pypdfium2, the Excel file read with openpyxl, counts only and
classified counted only where the viewer may see them."""

from __future__ import annotations

import datetime
import io
from typing import Any

import openpyxl
import pypdfium2
import pytest
from django.test import Client
from django.utils import timezone

from tests.reports.conftest import OTHER_ORG_SUMMARY, SECRET_SUMMARY, client_for, register_in
from vanthu.audit.models import Event
from vanthu.registry import services as registry
from vanthu.registry.models import Document

URL = "/api/v1/reports/periodic/"


def this_year() -> dict[str, str]:
    year = timezone.localdate().year
    return {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}


def fetch(user: Any, **params: Any) -> Any:
    return client_for(user).get(URL, {**this_year(), **params})


def body(answer: Any) -> bytes:
    assert answer.status_code == 200, answer.content
    return b"".join(answer.streaming_content)


def pdf_pages_text(data: bytes) -> list[str]:
    doc = pypdfium2.PdfDocument(data)
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in doc]
    finally:
        doc.close()


def first_page_ink(data: bytes) -> float:
    """The share of non-white pixels of page 1 rendered by pdfium: 0 for a blank page."""
    doc = pypdfium2.PdfDocument(data)
    try:
        image = doc[0].render(scale=0.5).to_pil().convert("L")
    finally:
        doc.close()
    hist = image.histogram()
    return 1 - sum(hist[245:]) / (image.width * image.height)


def sheet_rows(data: bytes) -> list[list[Any]]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def unit_rows(rows: list[list[Any]]) -> dict[str, list[Any]]:
    """The table body of the Excel file: from the row after "(1)…(8)" to the total."""
    start = next(i for i, r in enumerate(rows) if r[0] == "(1)") + 1
    found = {}
    for r in rows[start:]:
        if r[1] is None:
            break
        found[r[1]] = r[2:8]
    return found


def test_leader_pdf_has_the_official_layout_and_one_row_per_unit(world: Any) -> None:
    register_in(world.clerk_du1, world.city.du1, summary="Thứ hai của phường")
    data = body(fetch(world.leader, format="pdf"))
    assert data.startswith(b"%PDF")
    assert first_page_ink(data) > 0.01
    text = " ".join(pdf_pages_text(data))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐẾN, VĂN BẢN ĐI" in text
    assert f"Năm {timezone.localdate().year}" in text
    assert world.city.tu.name.upper() in text
    day = timezone.localdate()
    assert f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}" in text
    for heading in ("Văn bản đến", "Đã giải quyết", "Đang giải quyết", "Trong hạn", "Tổng cộng"):
        assert heading in text
    for org in (world.city.du1, world.city.du2):
        assert org.name in text
    assert "NGƯỜI LẬP BÁO CÁO" in text and "THỦ TRƯỞNG CƠ QUAN" in text
    assert world.leader.full_name in text
    # Counts only: no title of any document, and the secret one (the leader is not a
    # participant) is not counted: TU 1 + DU1 2 = 3 incoming.
    assert SECRET_SUMMARY not in text and "XKQ" not in text and OTHER_ORG_SUMMARY not in text
    assert "Văn bản đến: 3;" in text


def test_excel_rows_sum_to_the_total_and_match_the_statistics(world: Any) -> None:
    register_in(world.clerk_du1, world.city.du1, summary="Thứ hai của phường")
    rows = sheet_rows(body(fetch(world.leader, format="xlsx")))
    assert rows[2][0] == "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐẾN, VĂN BẢN ĐI"
    assert rows[0][5] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    units = unit_rows(rows)
    total = units.pop("Tổng cộng")
    stats = client_for(world.leader).get("/api/v1/reports/statistics/", this_year()).json()
    names = [
        r["organization"]["name"] + (" (cơ quan)" if r["own"] else "") for r in stats["children"]
    ]
    assert list(units) == names
    for column in range(6):
        assert total[column] == sum(u[column] for u in units.values())
    assert total[0] == stats["totals"]["incoming"] == 3
    assert total[5] == stats["totals"]["outgoing"]
    assert all(isinstance(v, int) for u in units.values() for v in u)


def test_processing_columns(world: Any) -> None:
    late_doc = register_in(world.clerk, world.city.tu, summary="Trễ hạn")
    registry.assign(actor=world.leader, document=late_doc, lead=world.specialist)
    registry.complete(actor=world.leader, document=late_doc)
    Document.objects.filter(pk=late_doc.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    overdue = register_in(world.clerk, world.city.tu, summary="Đã quá hạn")
    Document.objects.filter(pk=overdue.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    units = unit_rows(sheet_rows(body(fetch(world.uncleared_clerk, format="xlsx"))))
    # No roll-up for a clerk: the organisation's own row and the total.
    assert list(units) == [world.city.tu.name, "Tổng cộng"]
    # đến, đúng hạn, quá hạn, trong hạn, quá hạn (open), đi
    assert units["Tổng cộng"] == [3, 0, 1, 1, 1, 1]


def test_classified_counted_only_for_the_cleared(world: Any) -> None:
    cleared = unit_rows(sheet_rows(body(fetch(world.clerk, format="xlsx"))))
    uncleared = unit_rows(sheet_rows(body(fetch(world.uncleared_clerk, format="xlsx"))))
    assert cleared["Tổng cộng"][0] == 2
    assert uncleared["Tổng cộng"][0] == 1


def test_each_report_leaves_one_audit_event(world: Any) -> None:
    before = Event.objects.filter(action="reports.periodic.print").count()
    body(fetch(world.leader, format="pdf", organization=world.city.du1.pk))
    events = Event.objects.filter(action="reports.periodic.print")
    assert events.count() == before + 1
    event = events.latest("pk")
    assert event.details["format"] == "pdf" and event.details["rollup"] is True


@pytest.mark.parametrize(
    ("field", "params"),
    [
        ("format", {"format": "docx"}),
        ("date_to", {"date_from": "2026-03-01", "date_to": "2026-02-01"}),
        ("date_from", {"date_from": "31/02/2026"}),
        ("organization", {"organization": "TU"}),
    ],
)
def test_bad_input_is_400_and_nothing_recorded(
    world: Any, field: str, params: dict[str, str]
) -> None:
    before = Event.objects.count()
    answer = client_for(world.leader).get(URL, params)
    assert answer.status_code == 400
    assert field in answer.json()
    assert Event.objects.count() == before


def test_another_organisation_is_404_and_nothing_recorded(world: Any) -> None:
    before = Event.objects.count()
    assert fetch(world.clerk_du2, organization=world.city.du1.pk).status_code == 404
    assert fetch(world.clerk_du1, organization=world.city.tu.pk).status_code == 404
    assert fetch(world.clerk, organization=999999).status_code == 404
    assert Event.objects.count() == before


def test_anonymous_is_refused(world: Any) -> None:
    assert Client().get(URL, this_year()).status_code in (401, 403)


def test_web_statistics_page_links_the_report_and_a_bad_period_comes_back(
    world: Any, settings: Any
) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    client = Client()
    client.force_login(world.leader)
    html = client.get("/bao-cao/thong-ke/").content.decode()
    assert "/bao-cao/thong-ke/bao-cao/?" in html and "format=xlsx" in html
    year = timezone.localdate().year
    answer = client.get(
        "/bao-cao/thong-ke/bao-cao/",
        {"date_from": f"01/01/{year}", "date_to": f"31/12/{year}", "format": "pdf"},
    )
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    before = Event.objects.count()
    answer = client.get(
        "/bao-cao/thong-ke/bao-cao/",
        {"date_from": "01/03/2026", "date_to": "01/02/2026"},
        follow=True,
    )
    assert "Ngày kết thúc không được trước ngày bắt đầu." in answer.content.decode()
    assert Event.objects.count() == before
