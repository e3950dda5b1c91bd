"""The format checker finds each kind of fault in deliberately broken drafts, built here with
python-docx and reportlab, and cites the rule each one breaks."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from docx import Document as new_docx
from docx.shared import Mm, Pt
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from vanthu.drafting import fonts
from vanthu.drafting.check import Finding
from vanthu.drafting.check.docx_check import check_docx
from vanthu.drafting.check.pdf_check import check_pdf

pytestmark = pytest.mark.once  # no database: nothing differs between the two passes

PARTY_LINES = [
    ("THÀNH ỦY", 14, True),
    ("*", 14, False),
    ("Số 05-NQ/TU", 14, False),
    ("ĐẢNG CỘNG SẢN VIỆT NAM", 15, True),
    ("TP. Hồ Chí Minh, ngày 05 tháng 01 năm 2026", 14, False),
    ("NGHỊ QUYẾT", 15, True),
    ("về công tác văn thư", 14, True),
    ("Nội dung nghị quyết của Ban Thường vụ Thành ủy.", 14, False),
    ("Nơi nhận:", 14, False),
    ("- Các đảng ủy trực thuộc,", 12, False),
    ("- Lưu Văn phòng Thành ủy.", 12, False),
    ("T/M BAN THƯỜNG VỤ", 14, True),
    ("Nguyễn Văn Nên", 14, True),
]
STATE_LINES = [
    ("ỦY BAN NHÂN DÂN", 13, True),
    ("Số: 05/QĐ-UBND", 13, False),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True),
    ("Độc lập - Tự do - Hạnh phúc", 14, True),
    ("Hà Nội, ngày 05 tháng 3 năm 2026", 14, False),
    ("QUYẾT ĐỊNH", 14, True),
    ("Về việc ban hành quy chế", 14, True),
    ("Nội dung quyết định.", 14, False),
    ("Nơi nhận:", 12, True),
    ("- Như Điều 3;", 11, False),
    ("- Lưu: VT, VP.", 11, False),
    ("CHỦ TỊCH", 14, True),
    ("Trần Văn B", 14, True),
]
Lines = list[tuple[str, float, bool]]


def make_docx(
    lines: Lines,
    *,
    margins: tuple[float, float, float, float] = (20, 20, 30, 15),
    font: str | None = "Times New Roman",
    page: tuple[float, float] = (210, 297),
    style_font: str | None = None,
) -> bytes:
    doc = new_docx()
    if style_font:
        doc.styles["Normal"].font.name = style_font
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(page[0]), Mm(page[1])
    top, bottom, left, right = margins
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    for text, size, bold in lines:
        run = doc.add_paragraph().add_run(text)
        if font:
            run.font.name = font
        run.font.size = Pt(size)
        run.font.bold = bold
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def make_pdf(
    lines: Lines,
    *,
    x_mm: float = 35,
    top_mm: float = 25,
    font: str | None = None,
    pagesize: tuple[float, float] = A4,
) -> bytes:
    chosen = fonts.register_fonts()
    if font is None and not chosen.times_metrics:
        pytest.skip("fonts-liberation2 is not installed")
    out = io.BytesIO()
    c = Canvas(out, pagesize=pagesize)
    y = pagesize[1] - top_mm * mm
    for text, size, bold in lines:
        c.setFont(font or (fonts.BOLD if bold else fonts.REGULAR), size)
        c.drawString(x_mm * mm, y - size, text)
        y -= size * 1.6
    c.showPage()
    c.save()
    return out.getvalue()


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def replace(lines: Lines, old: str, new: str | None) -> Lines:
    assert any(t == old for t, _s, _b in lines)
    if new is None:
        return [x for x in lines if x[0] != old]
    return [(new, s, b) if t == old else (t, s, b) for t, s, b in lines]


CHECKERS: dict[str, Callable[[Lines], list[Finding]]] = {
    "docx": lambda lines: check_docx(make_docx(lines)),
    "pdf": lambda lines: check_pdf(make_pdf(lines)),
}


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_well_formed_drafts_have_no_findings(kind: str) -> None:
    assert CHECKERS[kind](PARTY_LINES) == []
    assert CHECKERS[kind](STATE_LINES) == []


# (base, line replaced, replacement, expected code, rule cited)
TEXT_FAULTS = [
    (PARTY_LINES, "Số 05-NQ/TU", "Số 5-NQ/TU", "number_not_padded", "36-HD/VPTW"),
    (PARTY_LINES, "Số 05-NQ/TU", "Số: 05-NQ/TU", "number_colon", "36-HD/VPTW"),
    (PARTY_LINES, "Số 05-NQ/TU", "Số 05/NQ-TU", "number_malformed", "36-HD/VPTW"),
    (PARTY_LINES, "Số 05-NQ/TU", None, "number_missing", "36-HD/VPTW"),
    (
        PARTY_LINES,
        "TP. Hồ Chí Minh, ngày 05 tháng 01 năm 2026",
        "TP. Hồ Chí Minh, ngày 5 tháng 1 năm 2026",
        "date_not_padded",
        "36-HD/VPTW",
    ),
    (
        PARTY_LINES,
        "TP. Hồ Chí Minh, ngày 05 tháng 01 năm 2026",
        "TP. Hồ Chí Minh, ngày 31 tháng 02 năm 2026",
        "date_invalid",
        "36-HD/VPTW",
    ),
    (
        PARTY_LINES,
        "TP. Hồ Chí Minh, ngày 05 tháng 01 năm 2026",
        ", ngày 05 tháng 01 năm 2026",
        "place_missing",
        "36-HD/VPTW",
    ),
    (
        PARTY_LINES,
        "TP. Hồ Chí Minh, ngày 05 tháng 01 năm 2026",
        "TP. Hồ Chí Minh, 05/01/2026",
        "date_numeric",
        "36-HD/VPTW",
    ),
    (PARTY_LINES, "TP. Hồ Chí Minh, ngày 05 tháng 01 năm 2026", None, "date_missing", "36-HD"),
    (PARTY_LINES, "*", None, "star_missing", "36-HD/VPTW"),
    (PARTY_LINES, "Nơi nhận:", None, "recipients_missing", "36-HD/VPTW"),
    (PARTY_LINES, "- Lưu Văn phòng Thành ủy.", None, "retain_missing", "36-HD/VPTW"),
    (PARTY_LINES, "ĐẢNG CỘNG SẢN VIỆT NAM", None, "heading_missing", "NĐ 30/2020"),
    (STATE_LINES, "Độc lập - Tự do - Hạnh phúc", None, "motto_missing", "NĐ 30/2020"),
    (STATE_LINES, "Số: 05/QĐ-UBND", "Số 05/QĐ-UBND", "number_colon", "NĐ 30/2020"),
    (STATE_LINES, "Số: 05/QĐ-UBND", "Số: 5/QĐ-UBND", "number_not_padded", "NĐ 30/2020"),
    (STATE_LINES, "- Lưu: VT, VP.", "- Lưu VP.", "retain_malformed", "NĐ 30/2020"),
    (
        STATE_LINES,
        "Hà Nội, ngày 05 tháng 3 năm 2026",
        "Hà Nội, ngày 05 tháng 03 năm 2026",
        "date_padded",
        "NĐ 30/2020",
    ),
]


@pytest.mark.parametrize("kind", ["docx", "pdf"])
@pytest.mark.parametrize(("base", "old", "new", "code", "rule"), TEXT_FAULTS)
def test_each_text_fault_is_found_and_cites_its_rule(
    kind: str, base: Lines, old: str, new: str | None, code: str, rule: str
) -> None:
    findings = CHECKERS[kind](replace(base, old, new))
    hits = [f for f in findings if f.code == code]
    assert hits, (code, findings)
    assert all(rule in f.rule and f.message for f in hits)
    # The fault is the only thing wrong (heading_missing also loses the Party checks).
    if code not in {"heading_missing", "date_numeric"}:
        assert codes(findings) == {code}


def test_docx_margins_page_size_font_and_sizes_are_checked() -> None:
    wrong_margins = check_docx(make_docx(PARTY_LINES, margins=(15, 20, 20, 25)))
    margin = [f for f in wrong_margins if f.code == "margin"]
    assert {f.message.split()[1] for f in margin} == {"trên", "trái", "phải"}
    assert all("36-HD/VPTW" in f.rule and f.location for f in margin)

    letter_page = check_docx(make_docx(PARTY_LINES, page=(215.9, 279.4)))
    assert codes(letter_page) == {"page_size"}

    arial = check_docx(make_docx(PARTY_LINES, font="Arial"))
    assert codes(arial) == {"font"}
    assert "Arial" in arial[0].message

    small = [(t, 10.0, b) for t, _s, b in PARTY_LINES]
    found = codes(check_docx(make_docx(small)))
    assert {"size_body", "size_out_of_range", "size_element"} <= found


def test_docx_font_inherited_from_styles_is_checked() -> None:
    """A run that names no font takes the style's, then the document default's."""
    data = make_docx(PARTY_LINES, font=None, style_font="Calibri")
    findings = check_docx(data)
    assert codes(findings) == {"font"} and "Calibri" in findings[0].message


def test_pdf_margins_page_size_font_and_sizes_are_checked() -> None:
    near_edge = check_pdf(make_pdf(PARTY_LINES, x_mm=10, top_mm=5))
    margin = {f.message.split()[4] for f in near_edge if f.code == "margin"}
    assert margin == {"trên", "trái"}

    on_letter = check_pdf(make_pdf(PARTY_LINES, pagesize=letter))
    assert "page_size" in codes(on_letter)

    helvetica = check_pdf(
        make_pdf(
            [(t.encode("ascii", "replace").decode(), s, b) for t, s, b in PARTY_LINES],
            font="Helvetica",
        )
    )
    assert "font" in codes(helvetica)
    assert any("Helvetica" in f.message for f in helvetica)

    small = [(t, 9.0, b) for t, _s, b in PARTY_LINES]
    assert {"size_body", "size_out_of_range"} <= codes(check_pdf(make_pdf(small)))


def test_a_pdf_without_text_says_so() -> None:
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4)
    c.rect(50, 50, 100, 100, fill=1)
    c.showPage()
    c.save()
    assert codes(check_pdf(out.getvalue())) == {"empty"}
