"""Scans to a two-layer PDF/A-2b (image + Tesseract text) with OCRmyPDF's Python API.

TT 05/2025/TT-BNV Điều 8 and NĐ 30/2020 Phụ lục I Phần II.I.2: digitised paper is kept as
PDF/A with an image layer and an OCR text layer, colour as the original, ≥ 200 dpi, 100 % scale.
So the page images are never resampled or re-encoded here: ``optimize=0`` and OCRmyPDF's
``internal`` PDF/A backend (pikepdf adds the PDF/A declarations and passes JPEGs through
unchanged) instead of Ghostscript, which re-encodes images — and Debian's Ghostscript 10.0.0 has
regressions OCRmyPDF refuses to run with for mixed PDFs.

Threads: Tesseract's OpenMP threads are slower than one process per core on small machines
(measured here, 2 cores: ~7.6 s/page with default threads, ~1.6 s/page with
``OMP_THREAD_LIMIT=1``), so each OCR runs single-threaded with ``jobs=1`` and the deployment
runs one worker process per core (docs/capture.md).
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import img2pdf
import ocrmypdf
import pikepdf
from django.conf import settings
from ocrmypdf import exceptions as ocr_errors
from PIL import Image, UnidentifiedImageError

from vanthu.core import scratch

from . import tesseract_plugin
from .detect import FileType, refuse
from .extract import max_pages, pdf_page_texts
from .quality import ORIENTATION_CONFIDENCE

# Tesseract's `vie` model reads the Latin letters of English words as well; adding `eng`
# ("vie+eng") makes Tesseract pick the English reading of many words, dropping their tone
# marks ("Hợp tác xã" → "Hop tac xa"): measured in docs/capture.md. A deployment that scans
# many foreign-language documents may set VANTHU_OCR_LANGUAGES=vie+eng.
LANGUAGES: Final = os.environ.get("VANTHU_OCR_LANGUAGES", "vie").split("+")
PLUGIN: Final = "vanthu.capture.tesseract_plugin"
# Scans without a resolution tag are taken to be at the legal minimum (TT 05/2025 Điều 8).
DEFAULT_DPI: Final = 200
# Pillow refuses images over twice this as decompression bombs and warns above it; we refuse
# above it. 150 Mpx is an A0 sheet at 300 dpi (~140 Mpx), more than any office scanner makes.
MAX_IMAGE_PIXELS: Final = 150_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

# One OCR per process at a time: OCRmyPDF's plugin state is per interpreter, and we measure
# through module state (tesseract_plugin.MEASUREMENTS).
_LOCK = threading.Lock()
log = logging.getLogger(__name__)


def page_timeout() -> float:
    """Seconds Tesseract may spend on one page (VANTHU_OCR_PAGE_TIMEOUT, default 180)."""
    value = getattr(settings, "VANTHU_OCR_PAGE_TIMEOUT", None)
    return float(value if value is not None else os.environ.get("VANTHU_OCR_PAGE_TIMEOUT", "180"))


@dataclass
class OcrResult:
    pages: list[str]
    pdfa: bool  # False when only a plain PDF could be made (flagged in quality)
    measures: dict[int, tesseract_plugin.PageMeasure] = field(default_factory=dict)

    @property
    def confidence(self) -> float | None:
        """Mean word confidence (0–100) over all OCR'd words, or None if nothing was OCR'd."""
        values = [c for m in self.measures.values() for c in m.confidences]
        return round(sum(values) / len(values), 1) if values else None


def image_to_pdf(image_path: Path, output_pdf: Path) -> int:
    """Wrap a scan image (every frame of a TIFF) in a PDF at its own dpi; returns that dpi.

    The pixels go in losslessly (img2pdf), so the PDF/A keeps the scan's colour and resolution.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(image_path) as im:
                width, height = im.size
                frames = getattr(im, "n_frames", 1)
                if width * height > MAX_IMAGE_PIXELS:
                    raise refuse(_bomb_message(width, height))
                if frames > max_pages():
                    raise refuse(f"Ảnh có {frames} trang, vượt giới hạn {max_pages()} trang.")
                dpi_info = im.info.get("dpi") or (DEFAULT_DPI, DEFAULT_DPI)
                dpi = round(float(dpi_info[0])) or DEFAULT_DPI
                dpi = dpi if dpi >= 50 else DEFAULT_DPI
                im.load()
                needs_flatten = im.mode in ("RGBA", "LA", "P", "PA", "I;16", "I", "F", "CMYK")
                if needs_flatten and frames == 1:
                    flat = _flatten(im)
                    flat_path = output_pdf.with_suffix(".flat.png")
                    flat.save(flat_path, dpi=(dpi, dpi))
                    image_path = flat_path
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise refuse("Ảnh quá lớn (số điểm ảnh vượt giới hạn an toàn): từ chối.") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise refuse("Tệp ảnh bị hỏng, không đọc được.") from exc
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    try:
        pdf_bytes = img2pdf.convert(
            str(image_path), layout_fun=layout, rotation=img2pdf.Rotation.ifvalid
        )
        output_pdf.write_bytes(pdf_bytes)
    except Exception as exc:  # img2pdf raises its own and Pillow's errors for odd images
        raise refuse("Không chuyển được ảnh sang PDF: ảnh hỏng hoặc định dạng lạ.") from exc
    return dpi


def _flatten(im: Image.Image) -> Image.Image:
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return im.convert("RGB")


def _bomb_message(width: int, height: int) -> str:
    return (
        f"Ảnh quá lớn ({width}×{height} điểm ảnh, vượt giới hạn "
        f"{MAX_IMAGE_PIXELS // 1_000_000} triệu điểm ảnh): từ chối để bảo vệ máy chủ."
    )


def ocr_pdf(input_pdf: Path, output_pdf: Path) -> OcrResult:
    """OCR the pages of ``input_pdf`` that have no text; write a PDF/A-2b to ``output_pdf``.

    Pages that already carry text are kept as they are (``mode="skip"``), so a born-digital PDF
    with a few scanned pages is OCR'd only where needed. Orientation is checked only for the
    pages the OCR pass finds suspect (:func:`_turn_suspect_pages`).
    """
    with _LOCK, _work_folders_in(output_pdf.parent):
        # OCRmyPDF passes this on to every tesseract it starts (see the module docstring).
        os.environ["OMP_THREAD_LIMIT"] = "1"
        pdfa = True
        output_type = "pdfa-2"
        try:
            measures = _measured_run(input_pdf, output_pdf, output_type=output_type)
        except ocr_errors.PdfaConversionFailedError:
            # The validator refused (e.g. fonts of a born-digital page cannot be embedded):
            # keep a plain two-layer PDF rather than lose the OCR; quality flags say so.
            log.warning("PDF/A conversion refused for %s; keeping a plain PDF", input_pdf)
            output_type, pdfa = "pdf", False
            measures = _measured_run(input_pdf, output_pdf, output_type=output_type)
        _turn_suspect_pages(input_pdf, output_pdf, measures, output_type=output_type)
    return OcrResult(pages=pdf_page_texts(output_pdf), pdfa=pdfa, measures=measures)


@contextlib.contextmanager
def _work_folders_in(folder: Path) -> Iterator[None]:
    """OCRmyPDF makes its work folder (``ocrmypdf.io.*``: the pages as images, a copy of the
    input, so a classified file's pages in clear) in the default temporary folder, where a
    killed worker leaves it. Inside the caller's folder instead (a ``scratch.folder``, tagged
    with this process), which the sweep removes once the process is gone (docs/running.md,
    "Tệp tạm"). Under ``_LOCK``: one OCR per process at a time."""
    saved = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = saved


def _measured_run(
    input_pdf: Path, output_pdf: Path, *, output_type: str, pages: list[int] | None = None
) -> dict[int, tesseract_plugin.PageMeasure]:
    tesseract_plugin.MEASUREMENTS.clear()
    try:
        _run(input_pdf, output_pdf, output_type=output_type, pages=pages)
        return dict(tesseract_plugin.MEASUREMENTS)
    finally:
        tesseract_plugin.MEASUREMENTS.clear()


def _turn_suspect_pages(
    input_pdf: Path,
    output_pdf: Path,
    measures: dict[int, tesseract_plugin.PageMeasure],
    *,
    output_type: str,
) -> None:
    """Orientation detection for the pages that need it, not for every page.

    Tesseract's orientation check (OSD) on a 300 dpi preview costs as much CPU as the OCR of a
    page (docs/capture.md); scans are almost always upright and upright text reads with high
    confidence. So the first pass runs without it, and only the pages it finds suspect
    (low confidence, or lines standing on end) are OCR'd again with ``rotate_pages``; a page
    that turns out turned replaces its first-pass page, text layer and all, in ``output_pdf``.
    """
    suspects = sorted(p for p, m in measures.items() if m.needs_orientation_check())
    if not suspects:
        return
    with scratch.folder("ocr-turn") as tmp:
        second = Path(tmp) / "turned.pdf"
        checked = _measured_run(input_pdf, second, output_type=output_type, pages=suspects)
        turned = [
            p
            for p in suspects
            if p in checked
            and checked[p].orientation
            and checked[p].orientation_confidence >= ORIENTATION_CONFIDENCE
        ]
        for page in suspects:
            if page in checked:
                first = measures[page]
                first.orientation_checked = True
                first.orientation = checked[page].orientation
                first.orientation_confidence = checked[page].orientation_confidence
        if not turned:
            return
        merged = Path(tmp) / "merged.pdf"
        with pikepdf.open(output_pdf) as pdf, pikepdf.open(second) as fixed:
            for page in turned:
                pdf.pages[page - 1] = fixed.pages[page - 1]
            pdf.save(merged)
        merged.replace(output_pdf)
        for page in turned:
            measures[page] = checked[page]


def _run(
    input_pdf: Path, output_pdf: Path, *, output_type: str, pages: list[int] | None = None
) -> None:
    # The first pass (no ``pages``) skips orientation detection; the second, on suspect pages
    # only, does it (see _turn_suspect_pages).
    orientation: dict[str, Any] = {"rotate_pages": False}
    if pages is not None:
        orientation = {
            "rotate_pages": True,
            "rotate_pages_threshold": ORIENTATION_CONFIDENCE,
            "pages": ",".join(map(str, pages)),
        }
    try:
        # Written through an open file, OCRmyPDF skips its own check of the output
        # (report_output_pdf: every stream of the file inflated again, 0.03–0.04 CPU s per
        # 300 dpi colour page, the largest Python cost left; docs/capture.md). What it would
        # report is checked below: the PDF/A-2b claim here, and the text layer is read back
        # page by page by the caller (extract.pdf_page_texts), which fails on a broken file.
        with output_pdf.open("wb") as sink:
            code = ocrmypdf.ocr(
                input_pdf,
                sink,
                language=LANGUAGES,
                output_type=output_type,
                pdfa_backend="internal",
                mode="skip",
                jobs=1,
                use_threads=True,
                optimize=0,
                tesseract_timeout=page_timeout(),
                tesseract_non_ocr_timeout=min(page_timeout(), 60.0),
                max_image_mpixels=MAX_IMAGE_PIXELS / 1_000_000,
                progress_bar=False,
                plugins=[PLUGIN],
                **orientation,
            )
    except ocr_errors.EncryptedPdfError as exc:
        raise refuse("PDF được mã hóa: hãy gửi bản không đặt mật khẩu.") from exc
    except ocr_errors.DigitalSignatureError as exc:
        raise refuse("PDF có chữ ký số: không nhận dạng chữ để giữ nguyên chữ ký.") from exc
    except ocr_errors.PdfaConversionFailedError:
        raise
    except ocr_errors.InputFileError as exc:
        raise refuse("Tệp PDF bị hỏng hoặc không xử lý được.") from exc
    except ocr_errors.ExitCodeException as exc:
        raise refuse(f"Nhận dạng chữ (OCR) thất bại: {type(exc).__name__}.") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise refuse("Ảnh trong PDF quá lớn (số điểm ảnh vượt giới hạn an toàn): từ chối.") from exc
    if code != ocr_errors.ExitCode.ok:
        raise refuse(f"Nhận dạng chữ (OCR) thất bại (mã {int(code)}).")
    if output_type.startswith("pdfa"):
        _check_pdfa(output_pdf, output_type)


def _check_pdfa(output_pdf: Path, output_type: str) -> None:
    """What OCRmyPDF checks of a file output (it does not for a stream): that the file opens
    and claims the PDF/A part asked for; else the caller keeps a plain PDF."""
    want = output_type.removeprefix("pdfa").lstrip("-") or "2"
    try:
        with pikepdf.open(output_pdf) as pdf:
            status = pdf.open_metadata().pdfa_status
    except pikepdf.PdfError as exc:
        raise refuse("Không tạo được bản PDF sau nhận dạng chữ (tệp kết quả hỏng).") from exc
    if not status.startswith(want):
        raise ocr_errors.PdfaConversionFailedError(f"output claims PDF/A {status!r}")


def ocr_file(path: Path, file_type: FileType, output_pdf: Path) -> OcrResult:
    """OCR a scan image or a PDF; ``output_pdf`` receives the archival copy."""
    if not file_type.is_image:
        return ocr_pdf(path, output_pdf)
    with scratch.folder("ocr") as tmp:
        wrapped = Path(tmp) / "scan.pdf"
        image_to_pdf(path, wrapped)
        return ocr_pdf(wrapped, output_pdf)
