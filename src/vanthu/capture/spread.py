"""Spreading the OCR of one large scan across workers (issue 4): pure file functions.

A PDF of at least ``spread_pages()`` pages that needs OCR, or a multi-page TIFF of that many
frames (wrapped in a PDF first, ``source_path``), is cut into page ranges of about
``range_pages()`` pages; each range is OCR'd by its own ``capture.ocr_range`` job on the
``ocr`` queue (so N worker processes OCR N ranges at once, and a failed range is retried alone),
and ``capture.merge_ocr`` joins the ranges' PDF/A outputs, in page order, into one PDF/A.
The database side is in ``services.py``.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pikepdf
from django.conf import settings
from PIL import Image

from .tesseract_plugin import PageMeasure


def _setting(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    return int(value if value is not None else os.environ.get(name, default))


def spread_pages() -> int:
    """Files with at least this many pages are OCR'd as ranges (VANTHU_OCR_SPREAD_PAGES, 16)."""
    return _setting("VANTHU_OCR_SPREAD_PAGES", 16)


def range_pages() -> int:
    """Pages per range (VANTHU_OCR_RANGE_PAGES, default 5: a 40-page file is 8 ranges)."""
    return max(1, _setting("VANTHU_OCR_RANGE_PAGES", 5))


def ranges(pages: int, size: int) -> list[tuple[int, int]]:
    """Balanced 1-based inclusive ranges covering ``pages`` pages, none longer than ``size``."""
    if pages < 1:
        return []
    count = math.ceil(pages / size)
    base, extra = divmod(pages, count)
    out, first = [], 1
    for index in range(count):
        length = base + (1 if index < extra else 0)
        out.append((first, first + length - 1))
        first += length
    return out


def range_root() -> Path:
    return Path(settings.DATA_DIR) / "capture" / "ocr-ranges"


def part_path(file_id: int, first: int, last: int) -> Path:
    return range_root() / str(file_id) / f"{first:05d}-{last:05d}.pdf"


def source_path(file_id: int) -> Path:
    """A multi-page TIFF wrapped in a PDF (img2pdf, pixels unchanged) once, by the job that
    spreads it: every range job cuts its pages from this, none converts the whole TIFF again."""
    return range_root() / str(file_id) / "source.pdf"


def tiff_pages(path: Path) -> int:
    """Frames of a TIFF from its directory chain (no pixel decoded); 1 when Pillow cannot say:
    the single-run path then refuses a broken or oversized image with its own message."""
    try:
        with Image.open(path) as im:
            return int(getattr(im, "n_frames", 1))
    except Exception:  # any unreadable or hostile image is the single run's to refuse
        return 1


def cut(source: Path, first: int, last: int, output: Path) -> None:
    """Pages ``first``..``last`` (1-based, inclusive) of ``source`` as a PDF of their own."""
    with pikepdf.open(source) as pdf, pikepdf.new() as out:
        for number in range(first, last + 1):
            out.pages.append(pdf.pages[number - 1])
        out.save(output)


def merge(parts: list[Path], output: Path) -> None:
    """Join the OCR'd ranges in order. The first part's catalogue (its PDF/A-2b XMP metadata and
    output intent) is kept; the other parts bring their pages with their own resources."""
    with pikepdf.open(parts[0]) as pdf:
        others = [pikepdf.open(p) for p in parts[1:]]
        try:
            for other in others:
                pdf.pages.extend(other.pages)
            pdf.save(output)
        finally:
            for other in others:
                other.close()


def write_part(data: Path, target: Path) -> None:
    """Copy a range's output where the merge job will find it, fsynced (any worker may merge)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with data.open("rb") as src, tmp.open("wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    tmp.replace(target)


def dump_measures(measures: dict[int, PageMeasure], offset: int) -> dict[str, Any]:
    """A range's measures as JSON, keyed by the page number in the whole file."""
    return {str(page + offset): asdict(m) for page, m in measures.items()}


def load_measures(data: dict[str, Any]) -> dict[int, PageMeasure]:
    return {int(page): PageMeasure(**values) for page, values in data.items()}
