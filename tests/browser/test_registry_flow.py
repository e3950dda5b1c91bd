"""Registry flows in a real browser: incoming from registration to completion (keyboard-fast
form), and outgoing from draft to the recipient's register."""

from __future__ import annotations

import datetime
import os
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import screenshot_path
from tests.factories import OrganizationFactory, UserFactory
from vanthu.registry.models import Direction, Document, Status

PASSWORD = "Mat-khau-2026!"


def log_in(page: Any, username: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(f"{page.base_url}/dang-nhap/", timeout=5000)


def city() -> Any:
    tu = OrganizationFactory(code="TU", name="Thành ủy Thủ Đức", symbol="TU", kind="committee")
    du1 = OrganizationFactory(
        code="DU1", name="Đảng ủy phường Bến Nghé", symbol="ĐU", kind="committee", parent=tu
    )
    du2 = OrganizationFactory(
        code="DU2", name="Đảng ủy phường Sài Gòn", symbol="ĐU", kind="committee", parent=tu
    )
    people = {
        "vanthu": UserFactory(
            username="vanthu", full_name="Lê Thị Văn Thư", organization=tu, roles=["clerk"]
        ),
        "lanhdao": UserFactory(
            username="lanhdao", full_name="Trần Văn Lãnh Đạo", organization=tu, roles=["leader"]
        ),
        "chuyenvien": UserFactory(
            username="chuyenvien", full_name="Phạm Thị Chuyên Viên", organization=tu
        ),
        "vanthu_du1": UserFactory(
            username="vanthu_du1", full_name="Võ Văn Thư Phường", organization=du1, roles=["clerk"]
        ),
    }
    return type("City", (), {"tu": tu, "du1": du1, "du2": du2, **people})


def test_clerk_registers_leader_directs_specialist_completes(browser_page: Any) -> None:
    page = browser_page
    c = city()
    log_in(page, "vanthu")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Văn bản đến"
    ).click()
    page.get_by_role("link", name="Vào sổ văn bản đến").click()
    expect(page.locator(".app-expected")).to_contain_text("Số đến dự kiến: 1")

    # Keyboard only: the first field (ngày đến, prefilled with now) has the focus.
    issued = (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    deadline = (timezone.localdate() + datetime.timedelta(days=7)).strftime("%d/%m/%Y")
    expect(page.get_by_label("Ngày đến")).to_be_focused()
    kb = page.keyboard
    kb.press("Tab")
    kb.type("Ban Tổ chức Trung ương")
    kb.press("Tab")
    kb.type("15-CV/BTCTW")
    kb.press("Tab")
    kb.type(issued)
    kb.press("Tab")
    kb.type("CV")  # type-ahead in the select: "CV — Công văn"
    kb.press("Tab")
    kb.type("V/v tổ chức hội nghị sơ kết công tác Đảng")
    kb.press("Tab")
    kb.type("Nguyễn Văn Ký")
    kb.press("Tab")  # độ mật: Thường
    kb.press("Tab")
    kb.type("K")  # độ khẩn: Khẩn
    kb.press("Tab")
    kb.type(deadline)
    kb.press("Tab")
    kb.type("4")
    if os.environ.get("VANTHU_SCREENSHOTS"):
        page.screenshot(path=str(screenshot_path("registry-incoming-form")), full_page=True)
    kb.press("Enter")

    expect(page.locator("#vua-vao-so")).to_contain_text("Đã vào sổ: số đến 1")
    expect(page.get_by_label("Ngày đến")).to_be_focused()  # ready for "Vào sổ tiếp"
    doc = Document.objects.get(direction=Direction.INCOMING)
    assert doc.document_type.code == "CV" and doc.urgency == "urgent" and doc.page_count == 4
    assert doc.summary == "V/v tổ chức hội nghị sơ kết công tác Đảng"

    page.get_by_role("link", name="Xem văn bản").click()
    page.get_by_label("Lãnh đạo").select_option(label="Trần Văn Lãnh Đạo (lanhdao)")
    page.get_by_role("button", name="Trình lãnh đạo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã trình lãnh đạo.")
    log_out(page)

    log_in(page, "lanhdao")
    page.goto("/van-ban/cua-toi/")
    page.get_by_role("link", name="V/v tổ chức hội nghị sơ kết").click()
    page.get_by_label("Chủ trì").select_option(label="Phạm Thị Chuyên Viên (chuyenvien)")
    page.get_by_label("Hạn giải quyết").fill(deadline)
    page.get_by_label("Ý kiến chỉ đạo").fill("Giao Ban Tổ chức chủ trì, báo cáo trước hạn.")
    page.get_by_role("button", name="Giao xử lý").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi ý kiến chỉ đạo")
    if os.environ.get("VANTHU_SCREENSHOTS"):
        page.screenshot(path=str(screenshot_path("registry-incoming-detail")), full_page=True)
    log_out(page)

    log_in(page, "chuyenvien")
    page.goto("/van-ban/cua-toi/")
    expect(page.locator("#chu-tri")).to_be_visible()
    page.get_by_role("link", name="V/v tổ chức hội nghị sơ kết").click()
    page.get_by_label("Kết quả xử lý").fill("Đã tham mưu tổ chức hội nghị.")
    page.get_by_role("button", name="Hoàn thành").click()
    expect(page.locator(".app-status")).to_have_text("Hoàn thành")
    doc.refresh_from_db()
    assert doc.status == Status.DONE
    assert c.tu is not None


def test_draft_issue_send_and_the_recipient_registers(browser_page: Any) -> None:
    page = browser_page
    c = city()
    log_in(page, "chuyenvien")
    page.goto("/van-ban/di/")
    page.get_by_role("link", name="Soạn dự thảo").click()
    page.get_by_label("Loại văn bản").select_option(label="NQ — Nghị quyết")
    page.get_by_label("Trích yếu").fill("Nghị quyết về công tác cán bộ năm 2026")
    page.get_by_label("Người ký").fill("Trần Văn Lãnh Đạo")
    page.get_by_label("Gửi tất cả các đảng bộ trực thuộc (2)").check()
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu dự thảo văn bản đi.")
    log_out(page)

    log_in(page, "vanthu")
    page.goto("/van-ban/di/")
    page.get_by_role("link", name="Nghị quyết về công tác cán bộ năm 2026").click()
    page.get_by_role("button", name="Ban hành").click()
    expect(page.locator(".app-number")).to_have_text("01-NQ/TU")
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi văn bản")
    expect(page.locator("#noi-nhan").locator("..")).to_contain_text("Đảng ủy phường Sài Gòn")
    log_out(page)

    log_in(page, "vanthu_du1")
    page.goto("/van-ban/den/")
    queue = page.locator(".app-queue")
    expect(queue).to_contain_text("Nghị quyết về công tác cán bộ năm 2026")
    expect(queue).to_contain_text("01-NQ/TU")
    queue.get_by_role("button", name="Vào sổ").click()
    expect(page.get_by_role("status")).to_contain_text("Đã vào sổ văn bản đến, số đến 1.")
    registered = Document.objects.get(organization=c.du1, direction=Direction.INCOMING)
    assert registered.status == Status.NEW and registered.number == 1
