"""The Content-Security-Policy in a real browser: Chromium reports no violation on our pages,
htmx and Bootstrap still work under it, and Swagger UI still renders at /api/docs/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import browser_page, chromium  # noqa: F401 — fixtures
from tests.hostile.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.once, pytest.mark.slow]

# Collects every CSP violation the page reports, before any of its own scripts run.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile);
});
"""


def violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__csp || []"))


def test_pages_work_under_the_policy_without_violations(
    browser_page: Any,  # noqa: F811
    make_user: Any,
    city: Any,
) -> None:
    make_user(
        username="qtv", organization=city.du1, roles=["admin", "clerk"], clearance="confidential"
    )
    page = browser_page
    page.add_init_script(WATCH)
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("qtv")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{page.base_url}/")
    for path in (
        "/",
        "/van-ban/den/",
        "/van-ban/den/moi/",
        "/van-ban/di/moi/",
        "/quan-tri/to-chuc/",
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof htmx") == "object", path
        assert page.evaluate("typeof bootstrap") == "object", path
        assert violations(page) == [], path


def test_swagger_ui_renders_under_its_policy(browser_page: Any, make_user: Any, city: Any) -> None:  # noqa: F811
    make_user(username="vt", organization=city.du1, roles=["clerk"], clearance="confidential")
    page = browser_page
    page.add_init_script(WATCH)
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("vt")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{page.base_url}/")
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Vanthu API" in page.locator(".swagger-ui .info .title").inner_text()
    # Known bug (to fix): since GET /api/v1/notifications/preferences/ joined the schema,
    # Swagger UI stops after the first 13 operations (no console error; the schema loads
    # and validates). This test is about the policy: the spec must load and render.
    page.locator(".opblock").nth(9).wait_for(state="attached", timeout=60_000)
    assert page.locator(".opblock").count() >= 10
    assert violations(page) == []
