"""Quality flags a clerk checks in the verification queue (issue 4 §5).

Each flag is ``{"code", "label", "pages"}``: a stable code for the API and filters, a Vietnamese
label for the UI, and the 1-based pages concerned (empty when it is about the whole file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import pikepdf
import pypdfium2 as pdfium

from .tesseract_plugin import PageMeasure

LABELS: Final[dict[str, str]] = {
    "low_confidence": "Độ tin cậy nhận dạng chữ thấp",
    "blank_page": "Trang trắng",
    "rotated": "Trang bị xoay sai chiều (đã tự xoay lại)",
    "skewed": "Trang bị nghiêng",
    "no_text": "Không nhận dạng được chữ",
    "low_resolution": "Độ phân giải dưới 200 dpi",
    "not_colour": "Ảnh không phải ảnh màu",
    "not_pdfa": "Không tạo được bản PDF/A",
}
# Mean word confidence (Tesseract, 0–100) under which a page needs a human look; clean 200 dpi
# scans measure 85–95 here, noisy or faded ones fall below 70.
LOW_CONFIDENCE: Final = 70.0
SKEW_DEGREES: Final = 1.0
# Tesseract's OSD confidence for turning a page: its default (14) missed upside-down 200 dpi
# pages here (measured 7.8); upright pages report angle 0, so a low bar turns nothing wrongly.
ORIENTATION_CONFIDENCE: Final = 5.0
# TT 05/2025/TT-BNV Điều 8: administrative documents are digitised at ≥ 200 dpi, in colour.
MIN_DPI: Final = 200
# A blank page: hardly any dark pixels at a coarse rendering (pixel statistics, no OCR needed).
BLANK_INK_FRACTION: Final = 0.002
BLANK_RENDER_DPI: Final = 40


def flag(code: str, pages: list[int] | None = None) -> dict[str, Any]:
    return {"code": code, "label": LABELS[code], "pages": sorted(pages or [])}


def blank_pages(pdf_path: Path) -> list[int]:
    """1-based numbers of pages with (almost) no ink, from a coarse greyscale rendering."""
    blank: list[int] = []
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        for index in range(len(doc)):
            page = doc[index]
            image = page.render(scale=BLANK_RENDER_DPI / 72, grayscale=True).to_pil().convert("L")
            histogram = image.histogram()
            dark = sum(histogram[:160])
            if dark / max(image.width * image.height, 1) < BLANK_INK_FRACTION:
                blank.append(index + 1)
            page.close()
    finally:
        doc.close()
    return blank


def scan_properties(pdf_path: Path) -> tuple[list[int], list[int]]:
    """(pages under 200 dpi, pages whose main image is not colour) of a scanned PDF."""
    low, grey = [], []
    with pikepdf.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            images = [im for im in page.get_images().values() if isinstance(im, pikepdf.Stream)]
            if not images:
                continue
            biggest = max(
                images, key=lambda im: int(im.get("/Width", 0)) * int(im.get("/Height", 0))
            )
            info = pikepdf.PdfImage(biggest)
            box = page.mediabox
            width_in = float(box[2] - box[0]) / 72
            if width_in > 0 and info.width / width_in < MIN_DPI - 2:
                low.append(number)
            if info.mode not in ("RGB", "CMYK"):
                grey.append(number)
    return low, grey


def assess(
    *,
    pdf_path: Path | None,
    measures: dict[int, PageMeasure],
    page_texts: list[str],
    scanned: bool,
    pdfa: bool = True,
) -> list[dict[str, Any]]:
    """All flags for one file. ``scanned``: the file went through OCR (image properties apply)."""
    flags: list[dict[str, Any]] = []
    blank = blank_pages(pdf_path) if pdf_path is not None else []
    low_conf = [
        n
        for n, m in measures.items()
        if n not in blank
        and m.confidences
        and sum(m.confidences) / len(m.confidences) < LOW_CONFIDENCE
    ]
    if low_conf:
        flags.append(flag("low_confidence", low_conf))
    if blank:
        flags.append(flag("blank_page", blank))
    rotated = [
        n
        for n, m in measures.items()
        if m.orientation and m.orientation_confidence >= ORIENTATION_CONFIDENCE
    ]
    if rotated:
        flags.append(flag("rotated", rotated))
    skewed = [
        n
        for n, m in measures.items()
        if m.skew_degrees is not None and abs(m.skew_degrees) >= SKEW_DEGREES
    ]
    if skewed:
        flags.append(flag("skewed", skewed))
    empty = [
        n
        for n, text in enumerate(page_texts, start=1)
        if n not in blank and not any(ch.isalnum() for ch in text)
    ]
    if empty:
        flags.append(flag("no_text", empty))
    if scanned and pdf_path is not None:
        low, grey = scan_properties(pdf_path)
        if low:
            flags.append(flag("low_resolution", low))
        if grey:
            flags.append(flag("not_colour", grey))
        if not pdfa:
            flags.append(flag("not_pdfa"))
    return flags
