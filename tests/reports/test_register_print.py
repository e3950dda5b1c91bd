"""Printed registers (NĐ 30 Phụ lục IV mục I, VI): the PDF and the Excel file, checked with
the real tools, and what they must never show."""

from __future__ import annotations

import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from tests.reports.conftest import (
    ORDINARY_SUMMARY,
    OTHER_ORG_SUMMARY,
    SECRET_SUMMARY,
    client_for,
)
from tests.reports.render import first_page_png, ink_share, pdf_fonts, pdf_pages, pdf_text
from vanthu.audit.models import Event
from vanthu.reports.columns import INCOMING_COLUMNS, OUTGOING_COLUMNS

INCOMING_HEADINGS = [c.heading for c in INCOMING_COLUMNS]
OUTGOING_HEADINGS = [c.heading for c in OUTGOING_COLUMNS]


def year_period() -> dict[str, str]:
    year = timezone.localdate().year
    return {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}


def fetch(user: Any, register_id: int, **params: str) -> Any:
    query = {**year_period(), **params}
    return client_for(user).get(f"/api/v1/registers/{register_id}/print/", query)


def body(answer: Any) -> bytes:
    return b"".join(answer.streaming_content)


def squeeze(text: str) -> str:
    return " ".join(text.split())


def cells(data: bytes, page: int | None = None) -> str:
    """The text in drawing order (-raw): a cell wrapped over lines reads as one phrase, where
    -layout would interleave it with its neighbours."""
    return squeeze(pdf_text(data, page, mode="-raw"))


def assert_headings_in_order(data: bytes, headings: list[str]) -> None:
    """The ten official headings, whole and in order (a wrapped heading is one cell: -raw)."""
    raw = cells(data, 1)
    at = 0
    for heading in headings:
        found = raw.find(heading, at)
        assert found >= 0, heading
        at = found + len(heading)


def test_incoming_register_pdf_has_the_official_layout(world: Any) -> None:
    register = world.register(world.city.tu, "incoming")
    answer = fetch(world.clerk, register.pk, format="pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert "attachment" in answer["Content-Disposition"]
    data = body(answer)
    text = pdf_text(data)
    flat = cells(data)
    assert "THÀNH ỦY" in text
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert f"Năm {timezone.localdate().year}" in text
    for heading in ["Ngày đến", "Tác giả", "Ghi chú"]:
        assert heading in text, heading
    assert_headings_in_order(data, INCOMING_HEADINGS)
    assert "(10)" in text
    # The row: number, issuer, number/symbol, the summary with ỦỘẢ intact, the lead unit.
    assert "12-CV/BTCTU" in text
    assert "Ban Tổ chức Thành ủy" in flat
    assert "ỦY BAN KIỂM TRA, ỘI, ẢNH" in flat
    assert "Hoàng Thị Ảnh" in flat
    assert timezone.localdate().strftime("%d/%m/%Y") in text
    assert "Trang 1" in text
    # Nothing secret, nothing of another year, nothing of another organisation.
    assert "XKQ-777" not in flat and "05-KH/TU" not in text
    assert "hai năm trước" not in flat
    assert OTHER_ORG_SUMMARY not in flat
    fonts = pdf_fonts(data)
    serif = [line.split() for line in fonts.splitlines() if "Serif" in line]
    assert serif, fonts
    # Columns emb, sub, uni: every serif face is embedded (as a subset) with a Unicode map.
    assert all(line[-5:-2] == ["yes", "yes", "yes"] for line in serif), fonts


def test_first_page_is_landscape_and_not_blank(world: Any) -> None:
    register = world.register(world.city.tu, "incoming")
    image = first_page_png(body(fetch(world.clerk, register.pk)), keep_as="so-den-trang-1.png")
    assert image.width > image.height
    assert abs(image.width / image.height - 297 / 210) < 0.02
    assert ink_share(image) > 0.02


def test_outgoing_register_pdf_and_columns(world: Any) -> None:
    register = world.register(world.city.tu, "outgoing")
    data = body(fetch(world.clerk, register.pk))
    text = pdf_text(data)
    flat = cells(data)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text
    assert_headings_in_order(data, OUTGOING_HEADINGS)
    assert world.outgoing.number_symbol in text
    assert "Nguyễn Văn Bí Thư" in flat
    assert "Lưu Văn phòng" in flat


def test_header_row_repeats_on_every_page(world: Any) -> None:
    from tests.reports.conftest import register_in

    for i in range(45):
        register_in(world.clerk, world.city.tu, summary=f"Văn bản số {i} về công tác Đảng")
    register = world.register(world.city.tu, "incoming")
    data = body(fetch(world.clerk, register.pk))
    pages = pdf_pages(data)
    assert pages >= 2
    for page in range(1, pages + 1):
        text = cells(data, page)
        assert "Ngày đến Số đến Tác giả" in text and "Ghi chú (1) (2)" in text, page
        assert f"Trang {page}" in text
    assert "Văn bản số 44" in cells(data)


def test_excel_reads_back_with_real_dates(world: Any) -> None:
    register = world.register(world.city.tu, "incoming")
    answer = fetch(world.clerk, register.pk, format="xlsx")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(body(answer)))
    sheet = book.active
    assert sheet is not None
    assert sheet["A2"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    assert sheet["A1"].value == "THÀNH ỦY"
    assert [c.value for c in sheet[5]] == INCOMING_HEADINGS
    assert sheet["A5"].font.bold
    assert sheet.freeze_panes == "A6"
    row = [c for c in sheet[6]]
    assert isinstance(row[0].value, datetime.datetime)
    assert row[0].value.date() == timezone.localdate()
    assert row[0].number_format == "DD/MM/YYYY"
    assert row[1].value == world.ordinary.number
    assert row[5].value.endswith(ORDINARY_SUMMARY)
    assert sheet.column_dimensions["F"].width > sheet.column_dimensions["B"].width
    assert sheet.max_row == 6
    values = " ".join(str(c.value) for r in sheet.iter_rows() for c in r)
    assert "XKQ-777" not in values


def test_outgoing_excel_headings(world: Any) -> None:
    register = world.register(world.city.tu, "outgoing")
    book = openpyxl.load_workbook(io.BytesIO(body(fetch(world.clerk, register.pk, format="xlsx"))))
    sheet = book.active
    assert sheet is not None
    assert [c.value for c in sheet[5]] == OUTGOING_HEADINGS
    assert sheet["A6"].value == world.outgoing.number_symbol
    assert sheet["G6"].value == 2


def test_classified_register_prints_for_its_cleared_clerk_and_is_audited(world: Any) -> None:
    register = world.register(world.city.tu, "incoming", "classified")
    data = body(fetch(world.clerk, register.pk))
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN MẬT" in pdf_text(data)
    assert SECRET_SUMMARY in cells(data)
    assert "ỦY BAN KIỂM TRA" not in cells(data)
    event = Event.objects.get(action="reports.register.print", object_id=str(register.pk))
    assert event.details["classified_entries"] == 1


@pytest.mark.parametrize("who", ["uncleared_clerk", "specialist", "leader", "clerk_du1"])
def test_classified_register_is_404_for_who_may_see_none_of_it(world: Any, who: str) -> None:
    register = world.register(world.city.tu, "incoming", "classified")
    for fmt in ("pdf", "xlsx"):
        answer = fetch(getattr(world, who), register.pk, format=fmt)
        assert answer.status_code == 404
        assert b"XKQ" not in answer.content
    listed = client_for(getattr(world, who)).get("/api/v1/registers/").json()["results"]
    assert register.pk not in [r["id"] for r in listed]
    assert not Event.objects.filter(action="reports.register.print").exists()


def test_a_leader_directing_the_classified_document_sees_only_that(world: Any) -> None:
    from vanthu.registry import services as registry

    registry.present(actor=world.clerk, document=world.secret, leader=world.leader)
    register = world.register(world.city.tu, "incoming", "classified")
    assert "XKQ-777" in cells(body(fetch(world.leader, register.pk)))


def test_uncleared_clerk_prints_the_ordinary_register_without_secrets(world: Any) -> None:
    register = world.register(world.city.tu, "incoming")
    flat = cells(body(fetch(world.uncleared_clerk, register.pk)))
    assert "ỦY BAN KIỂM TRA" in flat
    assert "XKQ-777" not in flat


def test_another_organisations_register_is_404(world: Any) -> None:
    register = world.register(world.city.du1, "incoming")
    assert fetch(world.clerk_du2, register.pk).status_code == 404
    assert fetch(world.clerk, register.pk).status_code == 404
    assert fetch(world.clerk_du1, register.pk).status_code == 200
    assert client_for(world.clerk).get("/api/v1/registers/999999/print/").status_code == 404


def test_the_leader_sees_the_subtree_registers_in_the_list(world: Any) -> None:
    listed = client_for(world.leader).get("/api/v1/registers/").json()
    ids = {r["id"] for r in listed["results"]}
    assert world.register(world.city.du1, "incoming").pk in ids
    assert world.register(world.city.tu, "outgoing").pk in ids
    own = client_for(world.clerk_du2).get("/api/v1/registers/").json()
    assert own["count"] == 0


BAD = [
    ("date_to", {"date_from": "2026-05-01", "date_to": "2026-04-30"}),
    ("date_from", {"date_from": "2026-02-31"}),
    ("date_to", {"date_to": "hôm qua"}),
    ("format", {"format": "docx"}),
    ("date_from", {"date_from": "1066-10-14", "date_to": "1066-12-31"}),
    ("date_to", {"date_from": "2001-01-01", "date_to": "2026-01-01"}),
    ("date_to", {"date_from": "2026-01-01", "date_to": "2999-01-01"}),
]


@pytest.mark.parametrize(("field", "params"), BAD)
def test_bad_period_or_format_is_400_with_field_error(
    world: Any, field: str, params: dict[str, str]
) -> None:
    register = world.register(world.city.tu, "incoming")
    events = Event.objects.count()
    answer = fetch(world.clerk, register.pk, **params)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    assert all(isinstance(m, str) and m for m in answer.json()[field])
    assert Event.objects.count() == events


def test_bad_input_on_an_invisible_register_is_still_404(world: Any) -> None:
    register = world.register(world.city.tu, "incoming", "classified")
    assert fetch(world.specialist, register.pk, format="docx").status_code == 404


def test_register_list_query_count_does_not_grow(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(6):
        answer = client_for(world.leader).get("/api/v1/registers/")
    assert answer.status_code == 200
