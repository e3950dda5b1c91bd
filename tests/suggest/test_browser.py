"""One key in a real browser: the clerk opens a new document and presses G."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_page, chromium  # noqa: F401 (fixtures)
from tests.suggest.conftest import Office
from vanthu.records.models import DossierDocument
from vanthu.registry.models import Document, Status
from vanthu.suggest import services

pytestmark = [pytest.mark.browser, pytest.mark.once]


def test_clerk_accepts_the_suggestions_with_the_g_key(
    browser_page: Any,  # noqa: F811 (the imported fixture, requested by name)
    office: Office,
    settings: Any,
) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    office.build_history(rounds=1)
    services.train(organization=office.org)
    doc = office.register(
        "Hướng dẫn công tác phát triển đảng viên", sender="Ban Tổ chức Trung ương", code="HD"
    )
    page = browser_page
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(office.clerk.username)
    page.get_by_label("Mật khẩu").fill("Mat-khau-2026!")
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"/van-ban/den/{doc.pk}/")
    button = page.get_by_role("button", name="Áp dụng gợi ý")
    expect(button).to_be_visible()
    expect(page.locator("#goi-y")).to_contain_text(str(office.leader_a))
    page.locator("body").press("g")
    expect(page.locator(".app-messages")).to_contain_text("Đã áp dụng gợi ý")
    doc = Document.objects.get(pk=doc.pk)
    assert doc.status == Status.AWAITING_DIRECTION and doc.directed_by == office.leader_a
    assert DossierDocument.objects.filter(document=doc, dossier=office.dossier_tc).exists()
