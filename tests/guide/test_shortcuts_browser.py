"""Keyboard shortcuts in a real browser: "g d" goes to văn bản đến, "?" lists the shortcuts,
"/" goes to the search box, and keys typed into a field are left alone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_page, chromium
from tests.factories import OrganizationFactory, UserFactory

__all__ = ["browser_page", "chromium"]
pytestmark = [pytest.mark.browser, pytest.mark.once]
PASSWORD = "Mat-khau-2026!"


def test_shortcuts_move_around_without_the_mouse(browser_page: Any) -> None:
    page = browser_page
    org = OrganizationFactory(code="TU", name="Thành ủy", symbol="TU", kind="committee")
    UserFactory(username="vanthu", full_name="Lê Thị Văn Thư", organization=org, roles=["clerk"])
    # The live server's first answer imports every URL module: on a busy machine that alone can
    # exceed the browser's default 10 s, so the first page gets longer.
    page.goto("/dang-nhap/", timeout=120_000)
    page.get_by_label("Tên đăng nhập").fill("vanthu")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")

    page.keyboard.press("g")
    page.keyboard.press("d")
    expect(page).to_have_url(f"{page.base_url}/van-ban/den/")

    page.keyboard.press("?")
    dialog = page.locator("dialog#phim-tat")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Chờ vào sổ")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.keyboard.press("/")
    search = page.locator("#top-search")
    expect(search).to_be_focused()
    # Typing "g d" into a field types text; it does not navigate.
    page.keyboard.type("g d")
    expect(search).to_have_value("g d")
    expect(page).to_have_url(f"{page.base_url}/van-ban/den/")

    page.locator("h1").click()
    page.keyboard.press("g")
    page.keyboard.press("h")
    expect(page).to_have_url(f"{page.base_url}/hom-nay/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Việc hôm nay")
