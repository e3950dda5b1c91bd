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
    # Swagger UI renders its operation list virtualised: only what is on screen is in the DOM.
    # Scroll to the end, collecting what appears, so that every tag and operation must render.
    paths: set[str] = set()
    tags: set[str] = set()
    page.locator(".opblock").first.wait_for(state="attached", timeout=60_000)
    for _ in range(200):
        for tag in page.locator(".opblock-tag").all():
            tags.add((tag.get_attribute("data-tag") or tag.inner_text()).strip())
        for op in page.locator(".opblock-summary-path").all():
            paths.add(op.get_attribute("data-path") or "")
        if "users" in tags and "/api/v1/search/" in paths:
            break
        page.mouse.wheel(0, 1500)
        page.wait_for_timeout(100)
    # One tag per resource (SCHEMA_PATH_PREFIX), down to the last one, and the operations of
    # the middle and the end of the list.
    assert {"incoming", "outgoing", "search", "dossiers", "users"} <= tags, tags
    assert "/api/v1/search/" in paths and "/api/v1/incoming/" in paths
    assert len(paths) > 60
    assert violations(page) == []
