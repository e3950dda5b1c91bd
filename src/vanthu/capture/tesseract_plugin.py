"""OCRmyPDF plugin: Tesseract as usual, plus what it already tells us, measured for free.

Tesseract's hOCR carries a confidence per word (``x_wconf``), a baseline slope per line and each
line's box. Reading these costs no extra OCR pass, so quality flags (low confidence, skew) come
at no cost (issue 4 §5), and they tell which pages need Tesseract's orientation check at all
(:meth:`PageMeasure.needs_orientation_check`; ``ocr.py`` runs it for those pages only). When
OCRmyPDF asks for a page's orientation, the answer is kept too.

The measurements go to ``MEASUREMENTS``, which ``ocr.py`` resets and reads under its lock: one
OCR at a time per process (we run one worker process per core; docs/capture.md).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine

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
def get_ocr_engine(options: Any) -> MeasuringTesseractEngine:
    return MeasuringTesseractEngine()
