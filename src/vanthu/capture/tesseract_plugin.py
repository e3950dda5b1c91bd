"""OCRmyPDF plugin: Tesseract as usual, plus what it already tells us, measured for free.

Tesseract's hOCR carries a confidence per word (``x_wconf``), a baseline slope per line and each
line's box. Reading these costs no extra OCR pass, so quality flags (low confidence, skew) come
at no cost (issue 4 §5), and they tell which pages need Tesseract's orientation check at all
(:meth:`PageMeasure.needs_orientation_check`; ``ocr.py`` runs it for those pages only). When
OCRmyPDF asks for a page's orientation, the answer is kept too.

Its ``rasterize_pdf_page`` hook gives Tesseract a scan page's own image instead of a rendering
PNG-encoded by OCRmyPDF, where the page allows it (``ocr_image.py``; issue 4).

The measurements go to ``MEASUREMENTS``, which ``ocr.py`` resets and reads under its lock: one
OCR at a time per process (we run one worker process per core; docs/capture.md).
"""

from __future__ import annotations

import logging
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine
from PIL import Image

from .ocr_image import EXTRACTED, RENDERED, extract_page_image

log = logging.getLogger(__name__)
_PAGE: Final = re.compile(r"(\d{6})_")
_WCONF: Final = re.compile(r"x_wconf (\d+)")
_BASELINE: Final = re.compile(
    r"class=['\"]ocr_(?:line|textfloat|header|caption)['\"][^>]*baseline (-?[\d.]+)"
)
_LINE_BOX: Final = re.compile(
    r"class=['\"]ocr_(?:line|textfloat|header|caption)['\"][^>]*bbox (\d+) (\d+) (\d+) (\d+)"
)
# Upright text reads at 85–95 mean word confidence on our scans; the same page turned by 90° or
# 180° reads at 44–54 (docs/capture.md). Pages under this bar get the orientation check.
ORIENTATION_SUSPECT_CONFIDENCE: Final = 70.0
# Tesseract turns a page of vertical lines by itself and reads it well, so a sideways page must
# be told from its line boxes: most of them taller than wide.
VERTICAL_LINE_RATIO: Final = 2.0


@dataclass
class PageMeasure:
    confidences: list[int] = field(default_factory=list)
    slopes: list[float] = field(default_factory=list)
    orientation: int = 0
    orientation_confidence: float = 0.0
    lines: int = 0
    vertical_lines: int = 0
    orientation_checked: bool = False
    # How the image Tesseract read was made: "extracted" from the PDF (ocr_image.py) or
    # "rendered" by OCRmyPDF; empty when the page was not OCR'd.
    ocr_image: str = ""

    @property
    def skew_degrees(self) -> float | None:
        if not self.slopes:
            return None
        ordered = sorted(self.slopes)
        return math.degrees(math.atan(ordered[len(ordered) // 2]))

    def needs_orientation_check(self) -> bool:
        """True when the OCR pass suggests the page is not upright: words read with low
        confidence, or text lines standing on end. An upright page with clear text never
        pays for Tesseract's orientation detection."""
        if self.lines and self.vertical_lines * 2 > self.lines:
            return True
        if not self.confidences:
            return False  # nothing to read: blank or picture; orientation cannot be judged
        return sum(self.confidences) / len(self.confidences) < ORIENTATION_SUSPECT_CONFIDENCE


MEASUREMENTS: defaultdict[int, PageMeasure] = defaultdict(PageMeasure)


def _page_number(path: Any) -> int:
    match = _PAGE.search(Path(str(path)).name)
    return int(match.group(1)) if match else 0


class MeasuringTesseractEngine(TesseractOcrEngine):
    @staticmethod
    def get_orientation(input_file: Any, options: Any) -> Any:
        result = TesseractOcrEngine.get_orientation(input_file, options)
        page = MEASUREMENTS[_page_number(input_file)]
        page.orientation, page.orientation_confidence = result.angle, result.confidence
        page.orientation_checked = True
        return result

    @staticmethod
    def generate_hocr(input_file: Any, output_hocr: Any, output_text: Any, options: Any) -> None:
        TesseractOcrEngine.generate_hocr(input_file, output_hocr, output_text, options)
        try:
            hocr = Path(output_hocr).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return
        page = MEASUREMENTS[_page_number(input_file)]
        page.confidences.extend(int(c) for c in _WCONF.findall(hocr))
        page.slopes.extend(float(s) for s in _BASELINE.findall(hocr))
        for x0, y0, x1, y1 in _LINE_BOX.findall(hocr):
            width, height = int(x1) - int(x0), int(y1) - int(y0)
            page.lines += 1
            if height > VERTICAL_LINE_RATIO * max(width, 1):
                page.vertical_lines += 1


@hookimpl
def rasterize_pdf_page(
    input_file: Path,
    output_file: Path,
    raster_device: Any,
    raster_dpi: Any,
    pageno: int,
    page_dpi: Any,
    rotation: int | None,
    filter_vector: bool,
    stop_on_soft_error: bool,
    options: Any,
    use_cropbox: bool,
) -> Path | None:
    """The OCR image of a scan page from the page's own image bytes (ocr_image.py); None lets
    OCRmyPDF render the page (pypdfium2) as usual."""
    try:
        done = extract_page_image(
            Path(input_file),
            Path(output_file),
            pageno=pageno,
            raster_device=raster_device,
            raster_dpi=raster_dpi,
            page_dpi=page_dpi,
            rotation=rotation,
            filter_vector=filter_vector,
            use_cropbox=use_cropbox,
        )
    except Image.DecompressionBombError:
        raise
    except Exception:  # an odd page: extraction is a shortcut, rendering the reference path
        log.debug("page %s: OCR image not extracted, rendering it", pageno, exc_info=True)
        Path(output_file).unlink(missing_ok=True)
        done = False
    if str(raster_device).lower().startswith("png"):  # not the orientation preview
        MEASUREMENTS[pageno].ocr_image = EXTRACTED if done else RENDERED
    return Path(output_file) if done else None


@hookimpl
def get_ocr_engine(options: Any) -> MeasuringTesseractEngine:
    return MeasuringTesseractEngine()
