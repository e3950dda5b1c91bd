"""A year of records and archives in a real browser (issue #7, "Done when"), stage by stage:
the file plan made and approved, dossiers opened from it, documents filed in bulk, dossiers
closed; the transfer with its printed list and hand-over record, accepted, given archival
numbers and a box with its label; an access request from the form to the read-only viewer; a
disposal from the review list through the council's votes and the decision to the destruction
record. Each stage starts from what the previous ones leave, built through the services."""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.archive.test_api_use import with_pdf
from tests.archive.test_disposal import expired
from tests.browser.test_registry_flow import log_in, log_out
from tests.records.conftest import Office
from vanthu.archive.models import (
    AccessRequest,
    ArchivalUnit,
    Disposal,
    Fonds,
    StorageLocation,
    Transfer,
    UseEntry,
)
from vanthu.orgs.models import User
from vanthu.records import services as records
from vanthu.records.models import Dossier, FilePlan, FilePlanItem
from vanthu.registry.models import Document


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path) -> Iterator[None]:
    # The office's clerk, leader and archivist hold clearances: no second factor in these tests.
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")
    yield


@pytest.fixture
def office(city: Any, make_user: Callable[..., User]) -> Office:
    return Office(city, make_user)


def squash(text: str) -> str:
    """PDF text without spaces or line breaks (cells wrap), in NFC."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def pdf_text(page: Any, href: str) -> str:
    """Fetch a printed form with the page's own session: it must be a PDF; its text."""
    answer = page.request.get(href)
    assert answer.ok, (href, answer.status)
    assert answer.headers["content-type"] == "application/pdf"
    body = answer.body()
    assert body.startswith(b"%PDF")
    return squash("\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages))


def this_year() -> int:
    return timezone.localdate().year


def new_year_day() -> datetime.date:
    """A document date inside this year and never in the future."""
    return datetime.date(this_year(), 1, 1)


def closed_dossier(office: Office, code: str, title: str, years: int | None) -> Dossier:
    """A dossier of this year with one document, closed: built through the services."""
    doc = office.document(summary=f"Văn bản của hồ sơ {code}", issued=new_year_day())
    dossier = office.dossier(code=code, title=title, year=this_year(), retention_years=years)
    records.add_document(actor=office.clerk, dossier=dossier, document=doc)
    return records.close_dossier(actor=office.clerk, dossier=dossier)


def status(page: Any) -> Any:
    return page.get_by_role("status")


# --- 1. Danh mục hồ sơ, mở hồ sơ, lập hồ sơ hàng loạt, kết thúc hồ sơ ------------------------


def test_plan_approved_dossiers_opened_filed_and_closed(browser_page: Any, office: Office) -> None:
    page = browser_page
    year = this_year()
    for n in range(1, 4):
        office.document(summary=f"Báo cáo công tác văn phòng số {n}", issued=new_year_day())

    log_in(page, office.clerk.username)
    page.goto("/ho-so/")
    page.get_by_role("link", name="Danh mục hồ sơ").click()
    page.get_by_label("Năm").fill("năm nay")
    page.get_by_role("button", name="Lập dự thảo danh mục").click()
    expect(status(page)).to_contain_text("Năm của danh mục phải là số")
    assert not FilePlan.objects.exists()
    page.get_by_label("Năm").fill(str(year))
    page.get_by_role("button", name="Lập dự thảo danh mục").click()
    expect(status(page)).to_contain_text(f"Đã lập dự thảo danh mục hồ sơ năm {year}")

    page.get_by_label("Tên đề mục").fill("Công tác văn phòng")
    page.get_by_label("Chữ viết tắt").fill("VP")
    page.get_by_role("button", name="Thêm đề mục").click()
    expect(status(page)).to_contain_text("Đã thêm đề mục I. Công tác văn phòng")

    # Bad input: a period that is not a number; nothing is stored.
    page.get_by_label("Tiêu đề hồ sơ").fill("Hồ sơ hội nghị sơ kết công tác văn phòng")
    page.get_by_label("Thời hạn bảo quản").fill("mười")
    page.get_by_role("button", name="Thêm hồ sơ").click()
    expect(status(page)).to_contain_text("Thời hạn bảo quản phải là số năm")
    assert not FilePlanItem.objects.exists()

    page.get_by_label("Tiêu đề hồ sơ").fill("Hồ sơ hội nghị sơ kết công tác văn phòng")
    page.get_by_label("Thời hạn bảo quản").fill("10")
    page.get_by_label("Người lập hồ sơ").select_option(value=str(office.clerk.pk))
    page.get_by_role("button", name="Thêm hồ sơ").click()
    expect(status(page)).to_contain_text("Đã thêm hồ sơ 01.VP vào danh mục")
    page.get_by_label("Tiêu đề hồ sơ").fill("Hồ sơ Đại hội đảng bộ cơ quan")
    page.get_by_role("button", name="Thêm hồ sơ").click()
    expect(status(page)).to_contain_text("Đã thêm hồ sơ 02.VP vào danh mục")
    plan_table = page.get_by_role("table", name="Danh mục hồ sơ")
    expect(plan_table).to_contain_text("10 năm")
    expect(plan_table).to_contain_text("Vĩnh viễn")
    expect(plan_table).to_contain_text("1 hồ sơ bảo quản vĩnh viễn, 1 hồ sơ bảo quản có thời hạn")
    # The clerk drafts; only the head approves (no button for the clerk).
    expect(page.get_by_role("button", name="Ban hành danh mục")).to_have_count(0)
    plan_url = page.url
    log_out(page)

    log_in(page, office.leader.username)
    page.goto(plan_url)
    page.get_by_role("button", name="Ban hành danh mục").click()
    expect(status(page)).to_contain_text(f"Đã ban hành danh mục hồ sơ năm {year}")
    expect(page.locator(".app-plan-status")).to_have_text("Đã ban hành")
    log_out(page)

    log_in(page, office.clerk.username)
    page.goto(plan_url)
    page.get_by_role("button", name="Mở hồ sơ 01.VP").click()
    expect(status(page)).to_contain_text("Đã mở hồ sơ 01.VP")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "01.VP — Hồ sơ hội nghị sơ kết công tác văn phòng"
    )
    dossier = Dossier.objects.get(code="01.VP")
    assert dossier.retention_years == 10 and dossier.plan_item is not None

    # Lập hồ sơ hàng loạt: the year's unfiled documents, two of them into the new dossier.
    page.goto("/ho-so/")
    page.get_by_role("link", name="Lập hồ sơ hàng loạt").click()
    docs = Document.objects.order_by("pk")
    page.get_by_label(f"Chọn {docs[0].number_symbol}").first.check()
    page.get_by_label(f"Chọn {docs[0].number_symbol}").nth(1).check()
    page.get_by_label("Đưa vào hồ sơ").select_option(value=str(dossier.pk))
    page.get_by_role("button", name="Lập hồ sơ").click()
    expect(status(page)).to_contain_text("Đã đưa 2 văn bản vào hồ sơ 01.VP")

    page.goto(f"/ho-so/{dossier.pk}/")
    expect(page.get_by_role("cell", name="Báo cáo công tác văn phòng số 1")).to_be_visible()
    # Bad input: a sheet count that is not a number; the dossier stays open.
    page.get_by_label("Số tờ").fill("năm")
    page.get_by_role("button", name="Kết thúc hồ sơ").click()
    expect(status(page)).to_contain_text("Số tờ phải là số nguyên dương")
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.OPEN
    page.get_by_label("Số tờ").fill("5")
    page.get_by_role("button", name="Kết thúc hồ sơ").click()
    expect(status(page)).to_contain_text("Đã kết thúc hồ sơ 01.VP")
    expect(page.get_by_text("Hồ sơ này gồm có 2 văn bản")).to_be_visible()
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.CLOSED and dossier.sheet_count == 5


# --- 2. Nộp lưu, mục lục và biên bản giao nhận, tiếp nhận, số lưu trữ, nhãn hộp -------------


def test_transfer_printed_accepted_numbered_and_boxed(browser_page: Any, office: Office) -> None:
    page = browser_page
    meeting = closed_dossier(office, "01.VP", "Hồ sơ hội nghị sơ kết công tác văn phòng", 10)
    congress = closed_dossier(office, "02.VP", "Hồ sơ Đại hội đảng bộ cơ quan", None)
    closed_dossier(office, "03.VP", "Sổ theo dõi công văn đi lại", 2)  # under 05 years: kept

    log_in(page, office.clerk.username)
    page.goto("/ho-so/")
    page.get_by_role("link", name="Nộp lưu").click()
    waiting = page.get_by_role("table", name="Hồ sơ chưa nộp lưu")
    expect(waiting).to_contain_text("01.VP")
    expect(waiting).not_to_contain_text("03.VP")
    page.get_by_role("button", name="Nộp lưu").click()
    expect(status(page)).to_contain_text("Phải chọn ít nhất một hồ sơ để nộp lưu")
    assert not Transfer.objects.exists()
    page.get_by_label("Chọn 01.VP").check()
    page.get_by_label("Chọn 02.VP").check()
    page.get_by_label("Tên khối tài liệu").fill(f"Hồ sơ, tài liệu Văn phòng năm {this_year()}")
    page.get_by_role("button", name="Nộp lưu").click()
    expect(status(page)).to_contain_text("Đã nộp lưu 2 hồ sơ")
    transfer = Transfer.objects.get()
    expect(page.get_by_role("table", name="Mục lục hồ sơ nộp lưu")).to_contain_text("02.VP")

    listing = pdf_text(
        page, page.get_by_role("link", name="Mục lục hồ sơ, tài liệu nộp lưu").get_attribute("href")
    )
    assert squash("MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU") in listing.upper()
    for d in (meeting, congress):
        assert squash(d.title) in listing and d.code in listing
    handover = pdf_text(
        page,
        page.get_by_role("link", name="Biên bản giao nhận hồ sơ, tài liệu").get_attribute("href"),
    )
    assert squash("BIÊN BẢN") in handover.upper()
    assert squash(transfer.title) in handover and squash(office.org.name) in handover
    # Only the archivist accepts: the clerk is told whom the transfer waits for.
    expect(page.get_by_text("Chờ lưu trữ viên của tổ chức tiếp nhận")).to_be_visible()
    expect(page.get_by_role("button", name="Tiếp nhận hồ sơ")).to_have_count(0)
    log_out(page)

    log_in(page, office.archivist.username)
    page.goto("/luu-tru/nop-luu/")
    page.get_by_role("link", name=transfer.title).click()
    page.get_by_label("Tình trạng tài liệu khi giao nhận").fill("Đủ hồ sơ theo mục lục, tốt")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(status(page)).to_contain_text("Đã tiếp nhận hồ sơ vào lưu trữ cơ quan")
    expect(page.locator(".app-transfer-status")).to_have_text("Lưu trữ đã tiếp nhận")
    transfer_url = page.url
    handover = pdf_text(
        page,
        page.get_by_role("link", name="Biên bản giao nhận hồ sơ, tài liệu").get_attribute("href"),
    )
    assert squash("Đủ hồ sơ theo mục lục, tốt") in handover

    # Phông, kho, giá, hộp on the archive page.
    page.goto("/luu-tru/")
    fonds_form = page.locator("form", has_text="Tạo phông lưu trữ")
    fonds_form.get_by_label("Mã phông").fill("P01")
    fonds_form.get_by_label("Tên phông").fill("Phông Văn phòng Thành ủy")
    fonds_form.get_by_role("button", name="Tạo phông").click()
    expect(status(page)).to_contain_text("Đã tạo phông lưu trữ")
    expect(page.locator("#kho")).to_contain_text("P01 — Phông Văn phòng Thành ủy")
    # Each form is sent with htmx: wait for the page to show what it made before the next.
    for kind, code, parent, shown in (
        ("Kho", "K1", "", "option:text('Kho K1')"),
        ("Giá", "G1", "Kho K1", "option:text('Giá G1')"),
        ("Hộp", "H01", "Giá G1", "li:text('Hộp số H01')"),
    ):
        form = page.locator("form", has_text="Thêm kho, giá, hộp")
        form.get_by_label("Loại").select_option(label=kind)
        form.get_by_label("Số", exact=True).fill(code)
        if parent:
            form.get_by_label("Thuộc").select_option(label=parent)
        form.get_by_role("button", name="Thêm").click()
        expect(page.locator("#kho").locator(shown)).to_have_count(1)
        expect(status(page)).to_contain_text("Đã thêm vị trí bảo quản")
    assert StorageLocation.objects.filter(kind="box", code="H01").exists()

    page.goto(transfer_url)
    numbers = page.locator("form", has_text="Cấp số lưu trữ và xếp hộp")
    numbers.get_by_label("Hồ sơ", exact=True).select_option(value=str(meeting.pk))
    numbers.get_by_label("Mục lục số").fill("1")
    numbers.get_by_label("Hồ sơ số").fill("một")
    numbers.get_by_role("button", name="Cấp số lưu trữ").click()
    expect(status(page)).to_contain_text("Mục lục số và hồ sơ số phải là số nguyên dương")
    assert not ArchivalUnit.objects.exists()
    for dossier, n in ((meeting, "1"), (congress, "2")):
        numbers = page.locator("form", has_text="Cấp số lưu trữ và xếp hộp")
        numbers.get_by_label("Hồ sơ", exact=True).select_option(value=str(dossier.pk))
        numbers.get_by_label("Phông").select_option(label="P01 — Phông Văn phòng Thành ủy")
        numbers.get_by_label("Mục lục số").fill("1")
        numbers.get_by_label("Hộp").select_option(label="Hộp số H01 · Giá G1 · Kho K1")
        numbers.get_by_label("Hồ sơ số").fill(n)
        numbers.get_by_role("button", name="Cấp số lưu trữ").click()
        expect(status(page)).to_contain_text(f"Đã cấp số lưu trữ cho hồ sơ {dossier.code}")
    listed = page.get_by_role("table", name="Mục lục hồ sơ nộp lưu")
    expect(listed).to_contain_text("P01/ML1/HS1")
    expect(listed).to_contain_text("P01/ML1/HS2")
    assert Fonds.objects.get().units.count() == 2

    label = pdf_text(
        page, page.get_by_role("link", name="In nhãn hộp H01").first.get_attribute("href")
    )
    assert "H01" in label and squash("Phông Văn phòng Thành ủy") in label


# --- 3. Khai thác: phiếu yêu cầu, duyệt, đọc trên hệ thống -----------------------------------


def test_access_request_from_form_to_the_reading_viewer(browser_page: Any, office: Office) -> None:
    page = browser_page
    doc = office.document(summary="Nghị quyết về công tác cán bộ", issued=new_year_day())
    with_pdf(office, doc)
    dossier = office.dossier(code="05.VP", title="Hồ sơ công tác cán bộ", year=this_year())
    records.add_document(actor=office.clerk, dossier=dossier, document=doc)
    records.close_dossier(actor=office.clerk, dossier=dossier)

    log_in(page, office.specialist.username)
    page.goto("/luu-tru/")
    form = page.locator("form", has_text="Lập phiếu yêu cầu khai thác")
    # "Hồ sơ" is also in the head's label ("… bắt buộc với hồ sơ mật"): the field by its name.
    form.locator("select[name=dossiers]").select_option(value=str(dossier.pk))
    form.get_by_label("Mục đích khai thác").fill("Nghiên cứu phục vụ tổng kết công tác cán bộ")
    form.get_by_label("Hình thức").select_option(value="read")
    form.get_by_label("Số ngày").fill("3")
    form.get_by_role("button", name="Gửi phiếu").click()
    expect(status(page)).to_contain_text("Đã gửi phiếu yêu cầu khai thác")
    req = AccessRequest.objects.get()
    # Not approved yet: the viewer says why, and shows nothing.
    page.goto(f"/luu-tru/khai-thac/{req.pk}/doc/")
    expect(page.locator(".alert-warning")).to_contain_text("chưa được duyệt")
    expect(page.locator("img")).to_have_count(0)
    log_out(page)

    log_in(page, office.leader.username)
    page.goto("/luu-tru/")
    row = page.locator("#khai-thac tr", has_text="Nghiên cứu phục vụ tổng kết")
    row.get_by_role("button", name="Duyệt", exact=True).click()
    expect(status(page)).to_contain_text("Đã duyệt phiếu yêu cầu")
    # The leader who approved may not read it (only the requester): 404, not 403.
    refused = page.goto(f"/luu-tru/khai-thac/{req.pk}/doc/")
    assert refused is not None and refused.status == 404
    expect(page.locator("img")).to_have_count(0)
    page.goto("/luu-tru/")
    log_out(page)

    log_in(page, office.specialist.username)
    page.goto("/luu-tru/")
    page.locator("#khai-thac").get_by_role("link", name="Đọc tài liệu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đọc tài liệu lưu trữ")
    expect(page.get_by_text("không tải về")).to_be_visible()
    first = page.get_by_role("img", name="vb.pdf, trang 1")
    expect(first).to_be_visible()
    page.wait_for_function(
        "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)"
    )
    # (page 2 is listed once the text job has counted the pages; here page 1 is shown)
    # Read-only: no download link, no link to a file, images not draggable.
    assert page.locator("a[download], a[href$='.pdf'], a[href*='download']").count() == 0
    assert first.get_attribute("draggable") == "false"
    answer = page.request.get(first.get_attribute("src"))
    assert answer.ok and answer.headers["content-type"] == "image/png"
    assert "no-store" in answer.headers["cache-control"]
    # The mark of the reading copy: a band under the page naming the organisation.
    image = Image.open(io.BytesIO(answer.body())).convert("L")
    band = max(10, image.width // 60) * 2
    bottom = image.crop((0, image.height - band, image.width, image.height))
    above = image.crop((0, image.height - 2 * band, image.width, image.height - band))
    assert bottom.getextrema()[0] < 100, "the band names the organisation in dark letters"
    assert above.getextrema()[0] > bottom.getextrema()[0]
    assert UseEntry.objects.filter(request=req, action="view").count() >= 2
    # The register of use shows the reading.
    page.goto("/luu-tru/")
    expect(page.locator("#khai-thac")).to_contain_text("05.VP")


# --- 4. Hủy: xem xét, hội đồng biểu quyết, quyết định, thực hiện, biên bản hủy ----------------


def test_disposal_from_review_to_destruction_record(browser_page: Any, office: Office) -> None:
    page = browser_page
    old = expired(office, "01.VP", file=b"Bao cao cu het gia tri")
    council = "\n".join(
        f"{u.username} | {role}"
        for u, role in (
            (office.leader, "Chủ tịch Hội đồng"),
            (office.archivist, "Thành viên"),
            (office.clerk, "Thư ký"),
        )
    )

    log_in(page, office.archivist.username)
    page.goto("/luu-tru/")
    review = page.locator("#huy")
    review.get_by_label(f"Chọn {old.code}").check()
    review.get_by_label("Tên danh mục").fill("Danh mục tài liệu hết giá trị năm 2010")
    review.get_by_label("Bản thuyết minh").fill("Tài liệu đã hết thời hạn bảo quản 10 năm.")
    review.get_by_label("Hội đồng").fill("khongco | Thành viên")
    review.get_by_role("button", name="Lập danh mục").click()
    expect(status(page)).to_contain_text("Không có người dùng “khongco”")
    assert not Disposal.objects.exists()
    review = page.locator("#huy")
    review.get_by_label(f"Chọn {old.code}").check()
    review.get_by_label("Tên danh mục").fill("Danh mục tài liệu hết giá trị năm 2010")
    review.get_by_label("Bản thuyết minh").fill("Tài liệu đã hết thời hạn bảo quản 10 năm.")
    review.get_by_label("Hội đồng").fill(council)
    review.get_by_role("button", name="Lập danh mục").click()
    expect(status(page)).to_contain_text("Đã lập danh mục tài liệu hết giá trị")
    expect(page.get_by_role("table", name="Danh mục tài liệu hết giá trị")).to_contain_text("01.VP")
    disposal_url = page.url
    disposal = Disposal.objects.get()

    for member in (office.archivist, office.leader, office.clerk):
        if member is not office.archivist:
            log_out(page)
            log_in(page, member.username)
            page.goto(disposal_url)
        page.get_by_label("Ý kiến của bạn").fill("Đồng ý hủy")
        page.get_by_role("button", name="Đồng ý hủy").click()
        expect(status(page)).to_contain_text("Đã ghi biểu quyết")
    votes = page.get_by_role("table", name="Biểu quyết của hội đồng")
    expect(votes.get_by_text("đồng ý hủy", exact=True)).to_have_count(3)

    # The head, who did not make the list, decides.
    log_out(page)
    log_in(page, office.leader.username)
    page.goto(disposal_url)
    page.get_by_role("button", name="Quyết định hủy").click()
    expect(status(page)).to_contain_text("số quyết định hủy")
    disposal.refresh_from_db()
    assert disposal.status == Disposal.Status.DRAFT
    page.get_by_label("Số quyết định hủy").fill("15-QĐ/VPTU")
    page.get_by_label("Biên bản họp hội đồng").fill("Hội đồng họp, 3/3 thành viên đồng ý hủy.")
    page.get_by_role("button", name="Quyết định hủy").click()
    expect(status(page)).to_contain_text("Đã ghi quyết định hủy")
    expect(page.locator(".app-disposal-status")).to_have_text("Đã có quyết định hủy")
    log_out(page)

    log_in(page, office.archivist.username)
    page.goto(disposal_url)
    page.get_by_role("button", name="Hủy tài liệu").click()
    expect(status(page)).to_contain_text("Phải có biên bản hủy tài liệu")
    disposal.refresh_from_db()
    assert disposal.status == Disposal.Status.APPROVED
    page.get_by_label("Biên bản bàn giao tài liệu hủy").fill("Bàn giao 01 hồ sơ cho đơn vị hủy.")
    page.get_by_label("Biên bản hủy tài liệu").fill("Đã hủy bằng máy hủy giấy, có chứng kiến.")
    page.get_by_role("button", name="Hủy tài liệu").click()
    expect(status(page)).to_contain_text("Đã hủy tài liệu và lưu biên bản")
    record = page.locator("#bien-ban-huy")
    expect(record).to_contain_text("Đã hủy bằng máy hủy giấy, có chứng kiến.")
    expect(record).to_contain_text("Bàn giao 01 hồ sơ cho đơn vị hủy.")
    expect(page.get_by_role("table", name="Danh mục tài liệu hết giá trị")).to_contain_text("a.pdf")
    disposal.refresh_from_db()
    assert disposal.status == Disposal.Status.EXECUTED
    assert Dossier.objects.filter(pk=old.pk).exists()  # rows are never deleted
