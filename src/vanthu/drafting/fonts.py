"""The typeface of the templates: Liberation Serif 2 (Times New Roman's metrics), DejaVu Serif
only when it is absent.

Debian ships two Liberation packages: fonts-liberation (1.07) lacks Ơ, Ư and every letter
with a dot below or a hook above (92 Vietnamese letters, measured), fonts-liberation2 (2.1)
has them all. So a face is taken only after checking that it covers every Vietnamese letter.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# Every letter of Vietnamese, upper and lower case.
VIETNAMESE = (
    "ĂÂĐÊÔƠƯăâđêôơư"
    "ÀẢÃÁẠẰẲẴẮẶẦẨẪẤẬÈẺẼÉẸỀỂỄẾỆÌỈĨÍỊÒỎÕÓỌỒỔỖỐỘỜỞỠỚỢÙỦŨÚỤỪỬỮỨỰỲỶỸÝỴ"
    "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)

_FACES = ("Regular", "Bold", "Italic", "BoldItalic")
CANDIDATES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Liberation Serif",
        "/usr/share/fonts/truetype/liberation2",
        tuple(f"LiberationSerif-{f}.ttf" for f in _FACES),
    ),
    (
        "Liberation Serif",
        "/usr/share/fonts/truetype/liberation",
        tuple(f"LiberationSerif-{f}.ttf" for f in _FACES),
    ),
    (
        "DejaVu Serif",
        "/usr/share/fonts/truetype/dejavu",
        (
            "DejaVuSerif.ttf",
            "DejaVuSerif-Bold.ttf",
            "DejaVuSerif-Italic.ttf",
            "DejaVuSerif-BoldItalic.ttf",
        ),
    ),
)
REGULAR, BOLD, ITALIC, BOLD_ITALIC = (
    "DraftSerif",
    "DraftSerif-Bold",
    "DraftSerif-Italic",
    "DraftSerif-BoldItalic",
)


@dataclass(frozen=True)
class Chosen:
    family: str
    paths: tuple[str, ...]

    @property
    def times_metrics(self) -> bool:
        return self.family == "Liberation Serif"


def covers_vietnamese(font: TTFont) -> bool:
    glyphs = font.face.charToGlyph
    return all(ord(c) in glyphs for c in VIETNAMESE)


@functools.cache
def register_fonts() -> Chosen:
    """Register the first family whose four faces exist and cover Vietnamese."""
    for family, folder, names in CANDIDATES:
        paths = tuple(str(Path(folder) / n) for n in names)
        if not all(Path(p).is_file() for p in paths):
            continue
        faces = [
            TTFont(alias, p)
            for alias, p in zip((REGULAR, BOLD, ITALIC, BOLD_ITALIC), paths, strict=True)
        ]
        if not all(covers_vietnamese(f) for f in faces):
            continue
        for face in faces:
            pdfmetrics.registerFont(face)
        pdfmetrics.registerFontFamily(
            REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )
        return Chosen(family, paths)
    raise RuntimeError(
        "Không tìm thấy phông chữ có đủ chữ tiếng Việt (cài fonts-liberation2 hoặc "
        "fonts-dejavu-core)."
    )


def face(bold: bool, italic: bool) -> str:
    if bold and italic:
        return BOLD_ITALIC
    if bold:
        return BOLD
    return ITALIC if italic else REGULAR
