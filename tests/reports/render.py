"""Helpers that look at rendered files with the real tools (poppler's pdftotext, pdftoppm)."""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

# Page images kept for a person to look at (CI may point this at its artefact folder).
ARTIFACTS = (
    Path(os.environ.get("VANTHU_TEST_ARTIFACTS", Path(tempfile.gettempdir()) / "vanthu-artifacts"))
    / "reports"
)


def pdf_text(data: bytes, page: int | None = None, mode: str = "-layout") -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        pages = ["-f", str(page), "-l", str(page)] if page else []
        done = subprocess.run(
            ["pdftotext", mode, *pages, f.name, "-"],
            capture_output=True,
            check=True,
            timeout=60,
        )
    return done.stdout.decode()


def pdf_pages(data: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        done = subprocess.run(["pdfinfo", f.name], capture_output=True, check=True, timeout=60)
    for line in done.stdout.decode().splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo gave no page count")


def pdf_fonts(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        done = subprocess.run(["pdffonts", f.name], capture_output=True, check=True, timeout=60)
    return done.stdout.decode()


def first_page_png(data: bytes, keep_as: str | None = None) -> Image.Image:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        done = subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", f.name],
            capture_output=True,
            check=True,
            timeout=60,
        )
    if keep_as:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / keep_as).write_bytes(done.stdout)
    return Image.open(io.BytesIO(done.stdout))


def ink_share(image: Image.Image) -> float:
    """The share of pixels that are not white: 0 for a blank page."""
    grey = image.convert("L")
    hist = grey.histogram()
    return 1 - sum(hist[245:]) / (grey.width * grey.height)
