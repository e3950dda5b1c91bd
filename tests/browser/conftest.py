"""Browser tests: Debian's Chromium driven by Playwright's sync API against ``live_server``.

Run: ``VANTHU_TEST_BACKEND=sqlite .venv/bin/python -m pytest tests/browser``. Every test here is
marked ``browser`` and ``once`` (it touches the database, so it runs only in the SQLite pass).
A failing test leaves a screenshot in ``test-artifacts/`` (gitignored; CI keeps it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django would refuse the ORM calls
# the test makes between browser steps. Nothing here is really async, so this is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.once)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    # Module scope, not session: Playwright's sync API keeps an asyncio loop running in the
    # main thread while it lives, and code run by later tests (pyHanko) calls asyncio.run().
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (make system-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def screenshot_path(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:150] + ".png")


@pytest.fixture
def browser_page(
    request: pytest.FixtureRequest, chromium: Any, live_server: Any, transactional_db: Any
) -> Iterator[Any]:
    """A fresh page (own cookies) in Vietnamese; ``page.base_url`` is the live server."""
    context = chromium.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 900},
        base_url=live_server.url,
    )
    # 30 s: a page of a loaded 2-core machine can take 10 s; a failing wait costs only time.
    context.set_default_timeout(int(os.environ.get("VANTHU_BROWSER_TIMEOUT_MS", "30000")))
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        page.screenshot(path=str(screenshot_path(request.node.nodeid)), full_page=True)
    context.close()
