"""Issue 9: a clerk attaches a signed PDF whose bytes were changed after signing through the
document page; once the background check has run, the page flags it in red, in Vietnamese,
and the file is still listed (stored, never silently accepted)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import expect
from rest_framework.test import APIClient

from tests.browser.conftest import screenshot_path
from tests.exchange import signing_pki as keys
from tests.exchange.test_signing import Pki
from tests.factories import OrganizationFactory, UserFactory
from tests.registry.conftest import incoming_payload
from vanthu.core import jobs
from vanthu.core.models import Job
from vanthu.registry.models import DocumentFile
from vanthu.signatures.services import JOB_KIND

PASSWORD = "Mat-khau-2026!"


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path) -> None:
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""  # the login form without the TOTP step


@pytest.fixture(scope="module")
def signed() -> tuple[Pki, bytes]:
    # Made before the browser starts: Playwright keeps an event loop running in this thread,
    # and pyHanko calls asyncio.run().
    pki = Pki()
    return pki, keys.signed_with(pki.p12)


def _in_thread(job_id: int) -> None:
    """Run the job as a worker would, in a thread of its own (no event loop there)."""

    def work() -> None:
        try:
            jobs.run_job(job_id)
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=120)


def test_a_tampered_signature_is_flagged_on_the_document_page(
    signed: tuple[Pki, bytes], browser_page: Any, tmp_path: Path, settings: Any
) -> None:
    pki, data = signed
    roots = tmp_path / "roots.pem"
    roots.write_bytes(pki.root_pem)
    settings.VANTHU_EXCHANGE_TRUST_ROOTS = str(roots)
    tu = OrganizationFactory(code="TU", name="Thành ủy Thủ Đức", symbol="TU", kind="committee")
    clerk = UserFactory(username="vanthu", organization=tu, roles=["clerk"], clearance="secret")
    api = APIClient()
    api.force_authenticate(clerk)
    created = api.post("/api/v1/incoming/", incoming_payload(), format="json")
    assert created.status_code == 201, created.content
    pdf = tmp_path / "cong-van-ky-so.pdf"
    pdf.write_bytes(keys.tampered(data))

    page = browser_page
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("vanthu")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    page.goto(f"/van-ban/den/{created.json()['id']}/")
    page.locator("input[name=attachments]").set_input_files(str(pdf))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_role("link", name="cong-van-ky-so.pdf")).to_be_visible()

    # The check runs in the background, like the text extraction.
    [f] = DocumentFile.objects.filter(document_id=created.json()["id"])
    job = Job.objects.get(kind=JOB_KIND, payload={"file_id": f.pk})
    _in_thread(job.pk)
    job.refresh_from_db()
    assert job.status == "done", job.error
    page.reload()
    alert = page.get_by_role("alert").filter(has_text="Chữ ký số không đạt")
    expect(alert).to_contain_text("nội dung đã bị thay đổi sau khi ký")
    expect(page.locator('[data-signature="invalid"]')).to_have_text(
        "Chữ ký số: không hợp lệ / bị sửa đổi"
    )
    expect(page.get_by_role("link", name="cong-van-ky-so.pdf")).to_be_visible()
    expect(page.get_by_text("Kiểm tra chữ ký số")).to_be_visible()  # in the history
    # A copy for a person to look at (test-artifacts/ is gitignored; CI keeps it).
    page.screenshot(path=str(screenshot_path("signature_flag")), full_page=True)
