"""Main flow in a real browser: an admin logs in and adds an organisation to the tree."""

from __future__ import annotations

import os
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import screenshot_path
from tests.factories import OrganizationFactory, UserFactory
from vanthu.orgs.models import Organization

PASSWORD = "Mat-khau-2026!"


def test_admin_logs_in_and_creates_an_organisation(browser_page: Any) -> None:
    page = browser_page
    tu = OrganizationFactory(code="TU", name="Thành ủy Thủ Đức", symbol="TU", kind="committee")
    du = OrganizationFactory(
        code="DU1", name="Đảng ủy phường Bến Nghé", symbol="ĐU", kind="committee", parent=tu
    )
    UserFactory(
        username="qtv",
        full_name="Nguyễn Thị Quản Trị",
        organization=tu,
        roles=["admin", "leader"],
        clearance="confidential",
    )

    page.goto("/")
    expect(page).to_have_url(f"{page.base_url}/dang-nhap/?next=/")
    page.get_by_label("Tên đăng nhập").fill("qtv")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Nguyễn Thị Quản Trị!")
    expect(page.get_by_role("note")).to_contain_text("Vùng cách ly — được lưu tài liệu mật")
    if os.environ.get("VANTHU_SCREENSHOTS"):
        page.screenshot(path=str(screenshot_path("home")), full_page=True)

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Quản trị"
    ).click()
    page.get_by_role("link", name="Tổ chức", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cây tổ chức")
    page.get_by_role("link", name="Thêm tổ chức").click()

    page.get_by_label("Mã", exact=True).fill("CB9")
    page.get_by_label("Tên tổ chức").fill("Chi bộ khu phố 9")
    page.get_by_label("Ký hiệu").fill("CB")
    page.get_by_label("Loại").select_option("grassroots")
    # The parent is found on the server as the admin types (htmx), never a 3,000-option list.
    page.get_by_label("Tìm theo tên hoặc mã").fill("ben nghe")
    page.get_by_label("Đảng ủy phường Bến Nghé").check()
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_role("status")).to_contain_text("Đã tạo tổ chức Chi bộ khu phố 9.")
    created = Organization.objects.get(code="CB9")
    assert created.parent_id == du.pk and created.kind == "grassroots"

    # The new organisation appears in the tree once its parent is opened (lazy load).
    page.goto("/quan-tri/to-chuc/")
    page.locator("summary", has_text="Thành ủy Thủ Đức").click()
    page.locator("summary", has_text="Đảng ủy phường Bến Nghé").click()
    expect(page.locator("#cay-to-chuc")).to_contain_text("Chi bộ khu phố 9")
    if os.environ.get("VANTHU_SCREENSHOTS"):
        page.screenshot(path=str(screenshot_path("org-tree")), full_page=True)
