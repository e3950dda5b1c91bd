"""OCRmyPDF plugin: Tesseract as usual, plus what it already tells us, measured for free.

Tesseract's hOCR carries a confidence per word (``x_wconf``) and a baseline slope per line, and
OCRmyPDF asks it for each page's orientation before OCR. Reading these costs no extra OCR pass,
so quality flags (low confidence, skew, wrong orientation) come at no cost (issue 4 §5).

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


@dataclass
class PageMeasure:
    confidences: list[int] = field(default_factory=list)
    slopes: list[float] = field(default_factory=list)
    orientation: int = 0
    orientation_confidence: float = 0.0

    @property
    def skew_degrees(self) -> float | None:
        if not self.slopes:
            return None
        ordered = sorted(self.slopes)
        return math.degrees(math.atan(ordered[len(ordered) // 2]))


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


@hookimpl
def get_ocr_engine(options: Any) -> MeasuringTesseractEngine:
    return MeasuringTesseractEngine()
