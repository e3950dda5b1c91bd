"""Templates render in the official layout: checked on the PDF by pixels (pypdfium2 renders
page 1 to an image) and by text positions, on the DOCX by its properties; and the format
checker finds nothing wrong in our own templates."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pypdfium2
import pytest
from docx import Document as open_docx
from PIL import Image

from vanthu.drafting import fonts, output
from vanthu.drafting.check.docx_check import check_docx
from vanthu.drafting.check.pdf_check import check_pdf
from vanthu.drafting.layouts import PARTY, STATE
from vanthu.registry.models import Direction, Document, Register

PARTY_TYPES = ["NQ", "QĐ", "CT", "KL", "QĐi", "TB", "BC", "TTr", "CV", "KH", "HD", "CTr"]
MM = 72 / 25.4
DPI = 100
PX_PER_MM = DPI / 25.4
PLACE = "TP. Hồ Chí Minh"


def liberation_or_skip() -> None:
    if not fonts.register_fonts().times_metrics:
        pytest.skip("fonts-liberation2 is not installed: the templates fell back to DejaVu Serif")


def render(document: Document, fmt: str, layout: str | None = None) -> bytes:
    return output.render(document, fmt, output.Options(layout, PLACE))


def find_box(pdf: bytes, text: str) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in points of ``text`` on page 1, found by PDFium."""
    doc = pypdfium2.PdfDocument(pdf)
    page = doc[0]
    textpage = page.get_textpage()
    found = textpage.search(text).get_next()
    boxes = [textpage.get_charbox(i) for i in range(found[0], sum(found))] if found else []
    textpage.close()
    page.close()
    doc.close()
    assert boxes, f"“{text}” is not on page 1"
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def page_image(pdf: bytes, index: int = 0) -> Image.Image:
    doc = pypdfium2.PdfDocument(pdf)
    page = doc[index]
    image = page.render(scale=DPI / 72).to_pil().convert("L")
    page.close()
    doc.close()
    return image


def page_text(pdf: bytes, index: int) -> str:
    doc = pypdfium2.PdfDocument(pdf)
    page = doc[index]
    textpage = page.get_textpage()
    text = textpage.get_text_bounded()
    textpage.close()
    page.close()
    doc.close()
    return str(text)


def page_size(pdf: bytes) -> tuple[float, float]:
    doc = pypdfium2.PdfDocument(pdf)
    page = doc[0]
    size = page.get_size()
    page.close()
    doc.close()
    return size[0], size[1]


def page_count(pdf: bytes) -> int:
    doc = pypdfium2.PdfDocument(pdf)
    count = len(doc)
    doc.close()
    return count


def ink_box(pdf: bytes) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in mm from the page's top-left corner of every dark pixel
    of page 1."""
    image = page_image(pdf)
    mask = image.point(lambda v: 255 if v < 128 else 0)
    box = mask.getbbox()
    assert box is not None, "page 1 is blank"
    left, top, right, bottom = box
    return (left / PX_PER_MM, top / PX_PER_MM, right / PX_PER_MM, bottom / PX_PER_MM)


def ink_in(pdf: bytes, region_mm: tuple[float, float, float, float]) -> int:
    left, top, right, bottom = (round(v * PX_PER_MM) for v in region_mm)
    crop = page_image(pdf).crop((left, top, right, bottom))
    return sum(crop.histogram()[:128])


@pytest.mark.parametrize("code", PARTY_TYPES)
def test_party_template_pdf_is_in_the_official_layout(
    code: str, make_outgoing: Callable[..., Document]
) -> None:
    document = make_outgoing(code)
    pdf = render(document, "pdf")
    width, height = page_size(pdf)
    assert (round(width / MM), round(height / MM)) == (210, 297)

    # Margins respected: no ink outside 20 (top), 30 (left), 15 (right) mm.
    left, top, right, bottom = ink_box(pdf)
    top_m, bottom_m, left_m, right_m = PARTY.margins
    assert left >= left_m - 0.5 and top >= top_m - 0.5
    assert right <= 210 - right_m + 0.5 and bottom <= 297 - bottom_m + 0.5
    # Ink in the top-left (issuer block) and the top-right (heading) corners of the text area.
    assert ink_in(pdf, (left_m, top_m, 95, top_m + 25)) > 100
    assert ink_in(pdf, (115, top_m, 210 - right_m, top_m + 12)) > 100

    # Text positions: the heading top right, the issuer and the number top left.
    heading = find_box(pdf, "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert heading[0] > width / 2 - 5 * MM and heading[3] > height - 30 * MM
    issuer = find_box(pdf, "THÀNH ỦY")
    assert issuer[2] < width / 2 and issuer[3] > height - 30 * MM
    number = find_box(pdf, f"Số {document.number_symbol}")
    assert number[2] < width / 2 and number[3] < issuer[1]
    date = find_box(pdf, f"{PLACE}, ngày")
    assert date[0] > width / 2 - 15 * MM and date[3] < heading[1]
    signer = find_box(pdf, "Nguyễn Văn Nên")
    assert signer[0] > width / 2 - 10 * MM
    retain = find_box(pdf, "Lưu Văn phòng Thành ủy.")
    assert retain[2] < width / 2
    if code == "CV":
        # A công văn has no title; its “V/v …” stands under the number, on the left.
        vv = find_box(pdf, "V/v tăng cường")
        assert vv[2] < width / 2 and vv[3] <= number[1] + 1
    else:
        title = document.document_type.name.upper().split(" (")[0]
        if code == "QĐi":
            title = "QUY ĐỊNH"
        box = find_box(pdf, title)
        centre = (box[0] + box[2]) / 2
        text_centre = (left_m + (210 - right_m)) / 2 * MM
        assert abs(centre - text_centre) < 3 * MM
        assert box[3] < min(number[1], date[1])


@pytest.mark.parametrize("code", PARTY_TYPES)
def test_party_template_docx_has_the_rules_properties(
    code: str, make_outgoing: Callable[..., Document]
) -> None:
    document = make_outgoing(code)
    doc = open_docx(io.BytesIO(render(document, "docx")))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (
        section.top_margin.mm,
        section.bottom_margin.mm,
        section.left_margin.mm,
        section.right_margin.mm,
    )
    assert [round(m) for m in margins] == list(PARTY.margins)
    runs = [
        run
        for table in doc.tables
        for cell in table._cells
        for para in cell.paragraphs
        for run in para.runs
    ] + [run for para in doc.paragraphs for run in para.runs]
    assert runs and all(run.font.name == "Times New Roman" for run in runs)
    by_text = {run.text: run for run in runs}
    heading = by_text["ĐẢNG CỘNG SẢN VIỆT NAM"]
    assert heading.font.bold and heading.font.underline and heading.font.size.pt == 15
    assert by_text[f"Số {document.number_symbol}"].font.size.pt == 14
    assert by_text["*"].font.size.pt == 14
    assert by_text["Nơi nhận:"].font.underline
    assert by_text["- Lưu Văn phòng Thành ủy."].font.size.pt == 12
    assert by_text["T/M BAN THƯỜNG VỤ"].font.bold
    # The issuer block is the first cell, the heading the second: top left and top right.
    first_row = doc.tables[0].rows[0].cells
    assert "THÀNH ỦY" in first_row[0].text and "ĐẢNG CỘNG SẢN" in first_row[1].text


@pytest.mark.parametrize("code", PARTY_TYPES)
def test_checker_finds_nothing_in_our_party_templates(
    code: str, make_outgoing: Callable[..., Document]
) -> None:
    liberation_or_skip()
    document = make_outgoing(code)
    assert check_pdf(render(document, "pdf")) == []
    assert check_docx(render(document, "docx")) == []


def test_a_draft_prints_blank_number_and_date_and_still_passes(
    make_outgoing: Callable[..., Document],
) -> None:
    liberation_or_skip()
    draft = make_outgoing("NQ", issue=False)
    assert draft.number is None
    pdf = render(draft, "pdf")
    assert find_box(pdf, "-NQ/TU")[2] < page_size(pdf)[0] / 2
    text = page_text(pdf, 0)
    assert "tháng" in text and "Số 01" not in text
    assert check_pdf(pdf) == []
    assert check_docx(render(draft, "docx")) == []


@pytest.fixture
def state_register(office: Any) -> Register:
    return Register.objects.create(
        organization=office.city.tu,
        direction=Direction.OUTGOING,
        series=Register.Series.ORDINARY,
        scope=Register.Scope.PER_TYPE,
        period=Register.Period.YEAR,
        symbol_format=Register.SymbolFormat.STATE,
        name="Sổ văn bản đi (nhà nước)",
    )


@pytest.mark.parametrize("code", ["QĐ", "TB", "BC", "KH", "TTr"])
def test_state_template_has_quoc_hieu_top_right_and_state_number(
    code: str, state_register: Register, make_outgoing: Callable[..., Document]
) -> None:
    liberation_or_skip()
    document = make_outgoing(code)
    assert document.number_symbol.endswith("-TU") and "/" in document.number_symbol
    pdf = render(document, "pdf")
    width, height = page_size(pdf)
    heading = find_box(pdf, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    motto = find_box(pdf, "Độc lập - Tự do - Hạnh phúc")
    assert heading[0] > width / 2 - 15 * MM and heading[3] > height - 30 * MM
    assert motto[3] <= heading[1] + 1
    number = find_box(pdf, f"Số: {document.number_symbol}")
    assert number[2] < width / 2
    left, top, right, _bottom = ink_box(pdf)
    assert left >= STATE.margins[2] - 0.5 and right <= 210 - STATE.margins[3] + 0.5
    assert top >= STATE.margins[0] - 0.5
    assert check_pdf(pdf) == []
    assert check_docx(render(document, "docx")) == []


def test_layout_can_be_chosen_whatever_the_register(
    make_outgoing: Callable[..., Document],
) -> None:
    document = make_outgoing("TB", issue=False)
    pdf = render(document, "pdf", layout="state")
    assert find_box(pdf, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert find_box(pdf, "Số: ")


def test_classified_mark_and_many_recipients_flow_to_a_second_page(
    office: Any, make_outgoing: Callable[..., Document]
) -> None:
    names = tuple(f"Đảng ủy phường số {n}" for n in range(1, 61))
    document = make_outgoing("CV", secrecy="confidential", recipients=names)
    pdf = render(document, "pdf")
    assert page_count(pdf) == 2
    assert find_box(pdf, "MẬT")[2] < page_size(pdf)[0] / 2
    second = page_text(pdf, 1)
    assert "Lưu Văn phòng Thành ủy." in second
    # Page 2 carries its number in the top margin (NĐ 30 Phụ lục I), page 1 none.
    assert second.strip().startswith("2")


def test_template_uses_a_font_with_every_vietnamese_letter() -> None:
    chosen = fonts.register_fonts()
    assert chosen.family in {"Liberation Serif", "DejaVu Serif"}
    assert all("liberation/" not in p for p in chosen.paths)  # 1.07 lacks Ơ, Ư, ạ …
