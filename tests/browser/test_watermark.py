"""The red watermark in a real browser: a cleared user opens a classified document's page image
and the rendered pixels carry the red mark with their name (read back by Tesseract); an
uncleared colleague gets 404 for the same address."""

from __future__ import annotations

import io
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
from vanthu.core.text import fold
from vanthu.registry.models import Document

PASSWORD = "Mat-khau-2026!"
CLEARED_NAME = "Trần Thị Bảo Mật"


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


def log_in(page: Any, username: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def log_out(page: Any) -> None:
    page.goto("/")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(f"{page.base_url}/dang-nhap/", timeout=5000)


def is_red(pixel: tuple[int, int, int]) -> bool:
    r, g, b = pixel
    return r > 150 and g < 90 and b < 90


def red_only(image: Image.Image, box: tuple[int, int, int, int]) -> tuple[Image.Image, int]:
    band = image.convert("RGB").crop(box)
    out = Image.new("L", band.size, 255)
    count = 0
    src, dst = band.load(), out.load()
    for y in range(band.size[1]):
        for x in range(band.size[0]):
            if is_red(src[x, y]):  # type: ignore[index]
                dst[x, y] = 0  # type: ignore[index]
                count += 1
    return out, count


def ocr(image: Image.Image) -> str:
    buf = io.BytesIO()
    image.resize((image.width * 2, image.height * 2)).save(buf, format="PNG")
    done = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "vie", "--psm", "6"],
        input=buf.getvalue(),
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


def test_page_image_carries_the_red_mark_with_the_reader_s_name(browser_page: Any) -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("Tesseract is not installed (make system-deps installs it)")
    tu = OrganizationFactory(code="TU", name="Thành ủy Thủ Đức", symbol="TU", kind="committee")
    clerk = UserFactory(
        username="baomat",
        full_name=CLEARED_NAME,
        organization=tu,
        roles=["clerk"],
        clearance="secret",
    )
    UserFactory(
        username="thuong",
        full_name="Ngô Văn Thường",
        organization=tu,
        roles=["clerk"],
        clearance="none",
    )
    api = APIClient()
    api.force_authenticate(clerk)
    created = api.post("/api/v1/incoming/", incoming_payload(secrecy="secret"), format="json")
    assert created.status_code == 201, created.content
    document = Document.objects.get(pk=created.json()["id"])
    upload = api.post(
        f"/api/v1/incoming/{document.pk}/files/",
        {"file": SimpleUploadedFile("mat.pdf", pdf_with("Noi dung", pages=1), "application/pdf")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    url = f"/api/v1/documents/{document.pk}/files/{upload.json()['id']}/pages/1.png?width=2000"

    page = browser_page
    page.set_viewport_size({"width": 2000, "height": 2900})
    log_in(page, "baomat")
    answer = page.goto(url)
    assert answer is not None and answer.status == 200
    shot = Image.open(io.BytesIO(page.locator("img").screenshot()))
    width, height = shot.size
    assert width >= 1900, shot.size
    header, in_header = red_only(shot, (0, 0, width, height // 16))
    _footer, in_footer = red_only(shot, (0, height - height // 16, width, height))
    _middle, in_middle = red_only(shot, (0, height // 4, width, 3 * height // 4))
    # The header and footer lines are drawn in red; the page's own text is black.
    assert in_header > 500 and in_footer > 500, (in_header, in_footer)
    text = fold(ocr(header))
    assert fold(CLEARED_NAME) in text, text
    assert "toi mat" in text, text
    assert in_middle < in_header * 20  # the diagonal mark is pale: no solid red block

    log_out(page)
    log_in(page, "thuong")
    refused = page.goto(url)
    assert refused is not None and refused.status == 404
    assert fold(CLEARED_NAME) not in fold(page.content())
