"""Issue 6, "done when": a cleared clerk downloads a classified PDF through the document page's
link in Chromium; the saved file, rendered with pdftoppm, carries the red mark at the top and
the bottom of the page, and its text (pdftotext) names the reader, the copy they hold and the
secrecy mark."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect
from rest_framework.test import APIClient

from tests.factories import OrganizationFactory, UserFactory
from tests.registry.conftest import incoming_payload
from tests.security.conftest import pdf_with
from vanthu.core import crypto
from vanthu.registry.models import Document

PASSWORD = "Mat-khau-2026!"
READER = "Trần Thị Bảo Mật"


@pytest.fixture(autouse=True)
def classified_setup(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""  # the login form without the TOTP step
    monkeypatch.setenv("VANTHU_ENCRYPTION_KEY", crypto.new_key())
    monkeypatch.delenv("VANTHU_ENCRYPTION_OLD_KEYS", raising=False)
    crypto.reset()
    yield
    crypto.reset()


def _red_pixels(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    raw = image.convert("RGB").crop(box).tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    return sum(1 for r, g, b in pixels if r > 150 and g < 90 and b < 90)


def test_downloaded_classified_pdf_carries_the_red_mark(browser_page: Any, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed (make system-deps installs it)")
    tu = OrganizationFactory(code="TU", name="Thành ủy Thủ Đức", symbol="TU", kind="committee")
    clerk = UserFactory(
        username="baomat", full_name=READER, organization=tu, roles=["clerk"], clearance="secret"
    )
    api = APIClient()
    api.force_authenticate(clerk)
    created = api.post("/api/v1/incoming/", incoming_payload(secrecy="secret"), format="json")
    assert created.status_code == 201, created.content
    document = Document.objects.get(pk=created.json()["id"])
    upload = api.post(
        f"/api/v1/incoming/{document.pk}/files/",
        {"file": SimpleUploadedFile("mat.pdf", pdf_with("Noi dung", pages=2), "application/pdf")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    issued = api.post(
        f"/api/v1/documents/{document.pk}/copies/",
        {"holders": [{"user": clerk.pk}]},
        format="json",
    )
    assert issued.status_code == 201, issued.content

    page = browser_page
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("baomat")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    page.goto(f"/van-ban/den/{document.pk}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="mat.pdf").click()
    saved = tmp_path / "tai-ve.pdf"
    info.value.save_as(saved)

    text = " ".join(
        subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    assert f"TỐI MẬT — Bản số 1/1 — {READER} — " in text, text
    assert text.count(READER) >= 4  # header and footer of both pages

    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", str(saved), str(tmp_path / "trang")], check=True
    )
    pages = sorted(tmp_path.glob("trang-*.png"))
    assert len(pages) == 2
    for png in pages:
        image = Image.open(png)
        width, height = image.size
        top = _red_pixels(image, (0, 0, width, height // 16))
        bottom = _red_pixels(image, (0, height - height // 16, width, height))
        # The page's own text is black: the red is the mark.
        assert top > 200 and bottom > 200, (png.name, top, bottom)
