"""Downloads of classified files carry the reader's name, the time and the red secrecy mark."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.capture.samples import docx
from tests.security.conftest import body_of, client_for, pdf_text, pdf_with, register, upload
from vanthu.audit.models import Event


def _download(user: Any, doc_id: int, file_id: int) -> Any:
    return client_for(user).get(f"/api/v1/documents/{doc_id}/files/{file_id}/download/")


def _red_pixels(pdf: bytes, tmp_path: Path) -> int:
    (tmp_path / "in.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "30",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "in.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    raw = image.tobytes()
    rgb = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    return sum(1 for r, g, b in rgb if r > 180 and g < 140 and b < 140)


def test_classified_pdf_carries_name_time_and_red_mark_on_every_page(
    staff: Any, tmp_path: Path
) -> None:
    doc = register(staff.clerk, secrecy="confidential", summary="Về công tác bảo vệ")
    f = upload(staff.clerk, doc["id"], pdf_with("Noi dung", pages=3), "a.pdf", "application/pdf")
    answer = _download(staff.clerk, doc["id"], f.json()["id"])
    assert answer.status_code == 200
    data = body_of(answer)
    text = pdf_text(data)
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 3
    for page in pages[:3]:
        assert "Lê Thị Văn Thư" in page and "MẬT" in page and "Noi dung" in page
    assert _red_pixels(data, tmp_path) > 50
    event = Event.objects.filter(action="document.download").get()
    assert event.details == {"file": f.json()["id"], "watermarked": True}


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_classified_images_become_watermarked_pdfs(staff: Any, tmp_path: Path, fmt: str) -> None:
    doc = register(staff.clerk, secrecy="secret", summary="Về ảnh chụp")
    buf = io.BytesIO()
    Image.new("RGB", (600, 400), "white").save(buf, fmt)
    kind = fmt.lower()
    f = upload(staff.clerk, doc["id"], buf.getvalue(), f"anh.{kind}", f"image/{kind}")
    assert f.status_code == 201, f.content
    out = _download(staff.clerk, doc["id"], f.json()["id"])
    assert out.status_code == 200 and out["Content-Type"] == "application/pdf"
    assert 'filename="anh.pdf"' in out["Content-Disposition"]
    data = body_of(out)
    assert "TỐI MẬT" in pdf_text(data) and "Lê Thị Văn Thư" in pdf_text(data)
    assert _red_pixels(data, tmp_path) > 50


def test_classified_file_that_cannot_carry_a_mark_is_refused_and_audited(staff: Any) -> None:
    doc = register(staff.clerk, secrecy="confidential", summary="Về dự thảo")
    f = upload(staff.clerk, doc["id"], docx(["Dự thảo"]), "du-thao.docx", "application/zip")
    out = _download(staff.clerk, doc["id"], f.json()["id"])
    assert out.status_code == 403
    assert "không gắn được dấu" in out.json()["detail"]
    assert Event.objects.filter(action="document.download_refused").count() == 1


def test_a_corrupt_classified_pdf_is_refused_not_handed_out_unmarked(staff: Any) -> None:
    doc = register(staff.clerk, secrecy="confidential", summary="Về tệp hỏng")
    f = upload(staff.clerk, doc["id"], b"%PDF-1.4 garbage", "hong.pdf", "application/pdf")
    out = _download(staff.clerk, doc["id"], f.json()["id"])
    assert out.status_code == 403 and "hỏng" in out.json()["detail"]


def test_ordinary_files_are_not_watermarked_by_default(staff: Any) -> None:
    doc = register(staff.clerk)
    data = pdf_with("Thuong")
    f = upload(staff.clerk, doc["id"], data, "a.pdf", "application/pdf")
    assert body_of(_download(staff.clerk, doc["id"], f.json()["id"])) == data


def test_watermark_all_marks_ordinary_pdfs_too(staff: Any, settings: Any) -> None:
    settings.VANTHU_WATERMARK_ALL = True
    doc = register(staff.clerk)
    f = upload(staff.clerk, doc["id"], pdf_with("Thuong"), "a.pdf", "application/pdf")
    text = pdf_text(body_of(_download(staff.clerk, doc["id"], f.json()["id"])))
    assert "Lê Thị Văn Thư" in text and "MẬT" not in text
    other = upload(staff.clerk, doc["id"], docx(["Khác"]), "b.docx", "application/zip")
    assert _download(staff.clerk, doc["id"], other.json()["id"]).status_code == 200
