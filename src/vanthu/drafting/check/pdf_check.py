"""Format check of a PDF draft from its text positions and fonts (pdfminer.six): page size,
the text kept inside the margins, each line's typeface and size, then the checks of
``elements``. A scanned PDF has no text to check; it says so."""

from __future__ import annotations

import io
from collections import Counter

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTPage, LTTextContainer, LTTextLine
from pdfminer.pdfparser import PDFSyntaxError

from vanthu.drafting.check import Finding, UnreadableFile
from vanthu.drafting.check.elements import Line, check_lines, family_of, normal
from vanthu.drafting.layouts import A4_MM, PARTY

MAX_PAGES = 10
PT_PER_MM = 72 / 25.4
# Text may overhang a margin by this much (glyph side bearings, italic overhang).
SLACK_MM = 1.0


def _lines_of(page: LTPage, number: int) -> list[tuple[Line, tuple[float, float, float, float]]]:
    found: list[tuple[Line, tuple[float, float, float, float]]] = []

    def visit(line: LTTextLine) -> None:
        sizes: Counter[float] = Counter()
        names: Counter[str] = Counter()
        for ch in line:
            if isinstance(ch, LTChar) and ch.get_text().strip():
                sizes[round(ch.size * 2) / 2] += 1
                names[ch.fontname] += 1
        if not sizes:
            return
        text = line.get_text()
        row = Line(
            text=text,
            size=sizes.most_common(1)[0][0],
            font=names.most_common(1)[0][0],
            location=f"trang {number}, “{normal(text)[:30]}”",
            chars=sum(sizes.values()),
        )
        found.append((row, (line.x0, line.y0, line.x1, line.y1)))

    for item in page:
        if isinstance(item, LTTextContainer):
            for line in item:
                if isinstance(line, LTTextLine):
                    visit(line)
    # Reading order: top to bottom, then left to right.
    found.sort(key=lambda f: (-round(f[1][3]), f[1][0]))
    return found


def _margin_findings(
    page: LTPage,
    number: int,
    boxes: list[tuple[Line, tuple[float, float, float, float]]],
    ranges: tuple[tuple[float, float], ...],
    rule: str,
) -> list[Finding]:
    out: list[Finding] = []
    w, h = page.width, page.height
    where = f"trang {number}"
    if abs(w / PT_PER_MM - A4_MM[0]) > 1.5 or abs(h / PT_PER_MM - A4_MM[1]) > 1.5:
        out.append(
            Finding(
                "page_size",
                rule,
                f"Khổ giấy {w / PT_PER_MM:.0f} × {h / PT_PER_MM:.0f} mm, quy định A4 "
                "(210 × 297 mm) khổ đứng.",
                where,
            )
        )
    (top_min, _), (bottom_min, _), (left_min, _), (right_min, _) = ranges
    # Page numbers are printed in the top margin (NĐ 30 Phụ lục I): a line of digits only.
    text_boxes = [b for line, b in boxes if not normal(line.text).isdigit()]
    if not text_boxes:
        return out
    left = min(b[0] for b in text_boxes) / PT_PER_MM
    right = (w - max(b[2] for b in text_boxes)) / PT_PER_MM
    top = (h - max(b[3] for b in text_boxes)) / PT_PER_MM
    bottom = min(b[1] for b in text_boxes) / PT_PER_MM
    for label, value, least in (
        ("trên", top, top_min),
        ("dưới", bottom, bottom_min),
        ("trái", left, left_min),
        ("phải", right, right_min),
    ):
        if value < least - SLACK_MM:
            out.append(
                Finding(
                    "margin",
                    rule,
                    f"Chữ nằm cách mép {label} {value:.1f} mm, lề {label} tối thiểu {least:g} mm.",
                    where,
                )
            )
    return out


def check_pdf(data: bytes) -> list[Finding]:
    try:
        pages = list(extract_pages(io.BytesIO(data), maxpages=MAX_PAGES, laparams=LAParams()))
    except (PDFSyntaxError, Exception) as exc:
        raise UnreadableFile("Tệp PDF bị hỏng, không đọc được.") from exc
    if not pages:
        raise UnreadableFile("Tệp PDF không có trang nào.")
    per_page = [_lines_of(page, n) for n, page in enumerate(pages, start=1)]
    lines = [line for boxes in per_page for line, _box in boxes]
    fam = family_of(lines) or PARTY
    out: list[Finding] = []
    for n, (page, boxes) in enumerate(zip(pages, per_page, strict=True), start=1):
        out += _margin_findings(page, n, boxes, fam.margin_ranges, fam.rule_margins)
    return out + check_lines(lines)
