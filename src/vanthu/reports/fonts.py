"""A serif font with full Vietnamese coverage, embedded in every PDF (house style: DejaVu Serif
or Noto Serif; some Liberation builds lack ỦỘẢ)."""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# Debian's fonts-dejavu-core, then fonts-noto-core: (regular, bold, italic) each.
CANDIDATES = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf",
    ),
)
REGULAR, BOLD, ITALIC = "VanthuSerif", "VanthuSerif-Bold", "VanthuSerif-Italic"


@functools.cache
def register_fonts() -> str:
    """Register the first complete family found; answers the path of the regular face."""
    for regular, bold, italic in CANDIDATES:
        if all(Path(p).is_file() for p in (regular, bold, italic)):
            pdfmetrics.registerFont(TTFont(REGULAR, regular))
            pdfmetrics.registerFont(TTFont(BOLD, bold))
            pdfmetrics.registerFont(TTFont(ITALIC, italic))
            pdfmetrics.registerFontFamily(
                REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD
            )
            return regular
    raise RuntimeError(
        "Không tìm thấy phông chữ tiếng Việt (cài fonts-dejavu-core hoặc fonts-noto-core)."
    )
