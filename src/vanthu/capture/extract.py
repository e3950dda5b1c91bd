"""Text that a file already carries: born-digital PDFs (per page) and office files.

A PDF page with too little text is taken to be a scanned image: the file then goes to OCR
(``ocr.py``), which keeps pages that already have text as they are.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from xml.etree.ElementTree import Element

import pikepdf
import pypdfium2 as pdfium
from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.core.exceptions import ValidationError

from vanthu.core.text import nfc

from .detect import FileType, refuse

# A page with fewer letters than this is an image of text (a scan) or blank: OCR decides.
MIN_PAGE_CHARS: Final = 20
# Office XML members are read into memory: cap what one member may inflate to (ZIP bombs).
MAX_XML_BYTES: Final = 64 * 1024 * 1024
MAX_RATIO: Final = 200


def max_pages() -> int:
    """VANTHU_MAX_PAGES (default 2000): a longer PDF is refused, not queued for hours of OCR."""
    value = getattr(settings, "VANTHU_MAX_PAGES", None)
    return int(value if value is not None else os.environ.get("VANTHU_MAX_PAGES", "2000"))


@dataclass
class Extracted:
    pages: list[str] = field(default_factory=list)
    needs_ocr: bool = False
    encrypted: bool = False  # owner-password only: readable, but must be decrypted for OCR

    @property
    def text(self) -> str:
        return "\n\f\n".join(p for p in self.pages).strip("\n\f")

    @property
    def page_count(self) -> int:
        return len(self.pages)


def inspect_pdf(path: Path) -> tuple[int, bool]:
    """(page count, owner-password encrypted) or a clear refusal for bad PDFs."""
    try:
        with pikepdf.open(path) as pdf:
            count = len(pdf.pages)
            encrypted = pdf.is_encrypted
    except pikepdf.PasswordError as exc:
        raise refuse("PDF được bảo vệ bằng mật khẩu: hãy gửi bản không đặt mật khẩu.") from exc
    except (pikepdf.PdfError, OSError, RecursionError, ValueError) as exc:
        raise refuse("Tệp PDF bị hỏng, không đọc được.") from exc
    if count == 0:
        raise refuse("Tệp PDF không có trang nào.")
    if count > max_pages():
        raise refuse(
            f"Tệp PDF có {count} trang, vượt giới hạn {max_pages()} trang mỗi tệp: "
            "hãy tách thành nhiều tệp."
        )
    return count, encrypted


def pdf_page_texts(path: Path) -> list[str]:
    """The text layer of each page, NFC, in reading order as the PDF stores it."""
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise refuse("Tệp PDF bị hỏng, không đọc được.") from exc
    try:
        pages = []
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            pages.append(nfc(textpage.get_text_range()).strip())
            textpage.close()
            page.close()
        return pages
    finally:
        doc.close()


def extract_pdf(path: Path) -> Extracted:
    _count, encrypted = inspect_pdf(path)
    pages = pdf_page_texts(path)
    poor = [i for i, p in enumerate(pages) if _letters(p) < MIN_PAGE_CHARS]
    # A short last page ("Nơi nhận", a signature) is still born-digital: only a text-poor page
    # that carries an image is a scan worth OCR.
    needs_ocr = bool(poor) and _any_image(path, poor)
    return Extracted(pages=pages, needs_ocr=needs_ocr, encrypted=encrypted)


def _any_image(path: Path, page_indexes: list[int]) -> bool:
    with pikepdf.open(path) as pdf:
        for index in page_indexes:
            page = pdf.pages[index]
            if len(page.get_images()) > 0:  # includes images nested in form XObjects
                return True
    return False


def extract_office(path: Path, file_type: FileType) -> Extracted:
    try:
        with zipfile.ZipFile(path) as zf:
            if file_type.kind == "docx":
                text = _docx_text(zf)
            elif file_type.kind == "odt":
                text = _odt_text(zf)
            else:
                text = _xlsx_text(zf)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, SafeET.ParseError) as exc:
        raise refuse(f"Tệp {file_type.label} bị hỏng, không đọc được.") from exc
    except Exception as exc:  # defusedxml's entity/DTD refusals and other malformed XML
        raise refuse(f"Tệp {file_type.label} chứa XML không an toàn hoặc hỏng.") from exc
    return Extracted(pages=[nfc(text).strip()])


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def _read_xml(zf: zipfile.ZipFile, name: str) -> Element:
    info = zf.getinfo(name)
    # ZIP bomb guard: trust neither the declared size alone nor an absurd compression ratio.
    if info.file_size > MAX_XML_BYTES or info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise refuse("Tệp nén bất thường (tỉ lệ nén quá lớn): từ chối để bảo vệ máy chủ.")
    with zf.open(info) as fh:
        data = fh.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        raise refuse("Tệp nén bất thường (tỉ lệ nén quá lớn): từ chối để bảo vệ máy chủ.")
    root: Element = SafeET.fromstring(data)
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _docx_text(zf: zipfile.ZipFile) -> str:
    lines: list[str] = []
    for para in _read_xml(zf, "word/document.xml").iter():
        if _local(para.tag) != "p":
            continue
        parts: list[str] = []
        for node in para.iter():
            tag = _local(node.tag)
            if tag == "t" and node.text:
                parts.append(node.text)
            elif tag == "tab":
                parts.append("\t")
            elif tag in ("br", "cr"):
                parts.append("\n")
        lines.append("".join(parts))
    return "\n".join(lines)


def _odt_text(zf: zipfile.ZipFile) -> str:
    body = _read_xml(zf, "content.xml")
    lines: list[str] = []
    for node in body.iter():
        if _local(node.tag) in ("p", "h"):
            lines.append(_odf_inline(node))
    return "\n".join(lines)


def _odf_inline(node: Element) -> str:
    parts = [node.text or ""]
    for child in node:
        tag = _local(child.tag)
        if tag == "s":
            parts.append(
                " " * int(child.get("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}c", "1"))
            )
        elif tag == "tab":
            parts.append("\t")
        elif tag == "line-break":
            parts.append("\n")
        elif tag not in ("p", "h"):
            parts.append(_odf_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _xlsx_text(zf: zipfile.ZipFile) -> str:
    names = set(zf.namelist())
    shared: list[str] = []
    if "xl/sharedStrings.xml" in names:
        for si in _read_xml(zf, "xl/sharedStrings.xml"):
            shared.append("".join(t.text or "" for t in si.iter() if _local(t.tag) == "t"))
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    lines: list[str] = []
    for sheet in sheets:
        for row in _read_xml(zf, sheet).iter():
            if _local(row.tag) != "row":
                continue
            cells = [_xlsx_cell(c, shared) for c in row if _local(c.tag) == "c"]
            if any(cells):
                lines.append(" | ".join(cells))
    return "\n".join(lines)


def _xlsx_cell(cell: Element, shared: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter() if _local(t.tag) == "t")
    value = next((v.text or "" for v in cell if _local(v.tag) == "v"), "")
    if kind == "s":
        try:
            return shared[int(value)]
        except (ValueError, IndexError):
            return ""
    return value
