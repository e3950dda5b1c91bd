"""Small files of every accepted type, made in the test run (nothing binary in the repo)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pikepdf
from fpdf import FPDF
from PIL import Image

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
VIETNAMESE = "Nghị quyết về phát triển kinh tế biển của Tỉnh ủy Nam Định năm 2018"


def text_pdf(pages: list[str]) -> bytes:
    """A born-digital PDF: real text, one string per page, Vietnamese font embedded."""
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def blank_pdf(pages: int) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def image_pdf(image: bytes, dpi: int = 200) -> bytes:
    """A scan as PDF: one image per page, no text layer."""
    import img2pdf

    return img2pdf.convert(image, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi)))


def encrypted_pdf(*, user_password: str) -> bytes:
    source = pikepdf.open(io.BytesIO(text_pdf([VIETNAMESE])))
    out = io.BytesIO()
    source.save(out, encryption=pikepdf.Encryption(user=user_password, owner="chủ-sở-hữu"))
    return out.getvalue()


def image_bytes(fmt: str, *, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white").save(out, format=fmt, dpi=(200, 200))
    return out.getvalue()


def _zip(members: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>',
        }
    )


def odt(paragraphs: list[str]) -> bytes:
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    office_ns = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    content = (
        f'<office:document-content xmlns:office="{office_ns}" xmlns:text="{text_ns}">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    return _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": content})


def xlsx(rows: list[list[str]]) -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = [cell for row in rows for cell in row]
    shared = "".join(f"<si><t>{s}</t></si>" for s in strings)
    cells, index = [], 0
    for r, row in enumerate(rows, start=1):
        cs = []
        for _cell in row:
            cs.append(f'<c r="A{r}" t="s"><v>{index}</v></c>')
            index += 1
        cells.append(f'<row r="{r}">{"".join(cs)}</row>')
    return _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "xl/workbook.xml": f'<workbook xmlns="{ns}"/>',
            "xl/sharedStrings.xml": f'<sst xmlns="{ns}">{shared}</sst>',
            "xl/worksheets/sheet1.xml": (
                f'<worksheet xmlns="{ns}"><sheetData>{"".join(cells)}</sheetData></worksheet>'
            ),
        }
    )


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path
