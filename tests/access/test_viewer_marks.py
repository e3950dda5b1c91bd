"""The viewer's page images carry the same mark as a download: the reader's name, the time, the
secrecy mark and the number of the copy the reader holds (docs/security.md §3, §9)."""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.access.conftest import Office, api
from tests.security.conftest import body_of, pdf_text, pdf_with
from vanthu.access import watermark
from vanthu.core.text import fold
from vanthu.registry.models import Document

pytestmark = pytest.mark.django_db


def _with_file(office: Office) -> tuple[Document, int]:
    document = office.classified("secret")
    upload = api(office.clerk).post(
        f"/api/v1/incoming/{document.pk}/files/",
        {"file": SimpleUploadedFile("mat.pdf", pdf_with("Noi dung", pages=1), "application/pdf")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    return document, int(upload.json()["id"])


def _issue(office: Office, document: Document, *holders: Any) -> None:
    answer = api(office.clerk).post(
        f"/api/v1/documents/{document.pk}/copies/",
        {"holders": [{"user": h.pk} for h in holders]},
        format="json",
    )
    assert answer.status_code == 201, answer.content


def test_reader_mark_names_the_copy_the_reader_holds(office: Office) -> None:
    document = office.classified("secret")
    _issue(office, document, office.leader, office.clerk)
    assert watermark.reader_mark(office.clerk, document).copy_label == "Bản số 2/2"
    assert watermark.reader_mark(office.leader, document).line.startswith("TỐI MẬT — Bản số 1/2")
    # A reader without a copy: name, time and mark only.
    mark = watermark.reader_mark(office.specialist, document)
    assert mark.copy_label == "" and mark.line.startswith("TỐI MẬT — Đỗ Chuyên Viên — ")


def _red_header(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    band = image.crop((0, 0, image.width, image.height // 16))
    out = Image.new("L", band.size, 255)
    src, dst = band.load(), out.load()
    for y in range(band.size[1]):
        for x in range(band.size[0]):
            r, g, b = src[x, y]  # type: ignore[index,misc]
            if r > 150 and g < 90 and b < 90:
                dst[x, y] = 0  # type: ignore[index]
    return out


def _ocr(image: Image.Image) -> str:
    buf = io.BytesIO()
    image.resize((image.width * 2, image.height * 2)).save(buf, format="PNG")
    done = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "vie", "--psm", "6"],
        input=buf.getvalue(),
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


@pytest.mark.slow
def test_page_image_carries_the_copy_number_as_the_download_does(office: Office) -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("Tesseract is not installed (make system-deps installs it)")
    document, file_id = _with_file(office)
    _issue(office, document, office.leader, office.clerk)
    base = f"/api/v1/documents/{document.pk}/files/{file_id}"
    download = api(office.clerk).get(f"{base}/download/")
    assert download.status_code == 200
    assert "Bản số 2/2" in pdf_text(body_of(download))
    page = api(office.clerk).get(f"{base}/pages/1.png", {"width": 2000})
    assert page.status_code == 200 and page["Content-Type"] == "image/png"
    text = fold(_ocr(_red_header(body_of(page))))
    assert "ban so 2/2" in text, text
    assert fold("Lê Thị Văn Thư") in text, text
