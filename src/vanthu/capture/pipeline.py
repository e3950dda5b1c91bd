"""One file in, everything capture knows about it out: detect → extract or OCR → fields, flags.

Pure functions on files (no database): ``services.py`` stores what this returns.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

from .detect import FileType, check_claim, detect
from .extract import Extracted, extract_office, extract_pdf
from .fields import suggest_fields
from .ocr import ocr_file
from .quality import assess


@dataclass
class Captured:
    file_type: FileType
    pages: list[str]
    pdfa_path: Path | None = None  # the archival copy, inside the caller's work folder
    ocr_confidence: float | None = None
    quality_flags: list[dict[str, Any]] = field(default_factory=list)
    suggested_fields: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(p for p in self.pages if p).strip()

    @property
    def page_count(self) -> int | None:
        return len(self.pages) if self.file_type.kind in ("pdf", "tiff", "jpeg", "png") else None


def capture(
    path: Path,
    work_dir: Path,
    *,
    name: str | None = None,
    document_types: Iterable[tuple[str, str]] | None = None,
) -> Captured:
    """Process the file at ``path``; temporary and output files go to ``work_dir``.

    ``name``: the uploaded file's name; a name claiming another type than the bytes is refused.
    Raises ``ValidationError`` with a Vietnamese message for every input it refuses.
    """
    file_type = detect(path)
    if name is not None:
        check_claim(file_type, name)
    if file_type.is_office:
        extracted = extract_office(path, file_type)
        result = Captured(file_type=file_type, pages=extracted.pages)
    elif file_type.kind == "pdf":
        extracted = extract_pdf(path)
        result = _pdf(path, work_dir, file_type, extracted)
    else:
        result = _ocr(path, work_dir, file_type)
    first = result.pages[0] if result.pages else ""
    result.suggested_fields = suggest_fields(first, document_types=document_types)
    return result


def _pdf(path: Path, work_dir: Path, file_type: FileType, extracted: Extracted) -> Captured:
    if not extracted.needs_ocr:
        flags = assess(pdf_path=None, measures={}, page_texts=extracted.pages, scanned=False)
        return Captured(file_type=file_type, pages=extracted.pages, quality_flags=flags)
    source = path
    if extracted.encrypted:
        # Owner-password PDFs (printing restrictions) open without a password; OCRmyPDF
        # refuses them, so OCR runs on a decrypted copy. The original blob stays untouched.
        source = work_dir / "decrypted.pdf"
        with pikepdf.open(path) as pdf:
            pdf.save(source)
    return _ocr(source, work_dir, file_type)


def _ocr(path: Path, work_dir: Path, file_type: FileType) -> Captured:
    output = Path(tempfile.mkstemp(prefix="pdfa-", suffix=".pdf", dir=work_dir)[1])
    ocr = ocr_file(path, file_type, output)
    flags = assess(
        pdf_path=output, measures=ocr.measures, page_texts=ocr.pages, scanned=True, pdfa=ocr.pdfa
    )
    return Captured(
        file_type=file_type,
        pages=ocr.pages,
        pdfa_path=output,
        ocr_confidence=ocr.confidence,
        quality_flags=flags,
    )
