"""Scan folders for the batch tests: rendered pages (low dpi: no OCR runs here)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from tests.capture.scans import SAMPLES, blank_page, render

DPI = 100


def page(index: int) -> Image.Image:
    return render(SAMPLES[index % len(SAMPLES)], dpi=DPI).convert("RGB")


def pdf_bytes(images: list[Image.Image]) -> bytes:
    out = io.BytesIO()
    images[0].save(out, format="PDF", resolution=DPI, save_all=True, append_images=images[1:])
    return out.getvalue()


def jpeg(path: Path, index: int) -> Path:
    page(index).save(path, format="JPEG", quality=80, dpi=(DPI, DPI))
    return path


def scan_folder(folder: Path) -> Path:
    """Two single-page scans, one 2-page PDF, and a corrupt PDF (4 files, 5 pages)."""
    folder.mkdir(parents=True, exist_ok=True)
    jpeg(folder / "01-nghi-quyet.jpg", 0)
    jpeg(folder / "02-quyet-dinh.jpg", 1)
    (folder / "03-cong-van.pdf").write_bytes(pdf_bytes([page(2), page(3)]))
    (folder / "04-hong.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<\ntruncated")
    return folder


def separated_pdf(path: Path) -> Path:
    """Document A (2 pages), a blank separator, document B (1 page)."""
    blank = blank_page(dpi=DPI).convert("RGB")
    path.write_bytes(pdf_bytes([page(0), page(1), blank, page(2)]))
    return path
