"""Descriptive metadata of TT 05/2025 (domain.md §4.3–4.4) and its code lists.

EAD.xml describes the dossier (SIP_hoso, 18 fields) and EAD_doc_<n>.xml each document
(21 fields), with ``simpledc`` as root as TT 05/2025 profiles it. A few ``vanthu*`` fields
(our own codes) follow the official ones so that an import into Vanthu loses nothing.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from lxml import etree

from vanthu.records.models import Dossier, RetentionCode
from vanthu.registry.models import Document

# TT 05/2025 typeName code list; Party-only types fall back to 32 "Khác" (domain.md §4.4).
TYPE_NAME_CODES = {
    "Nghị quyết": "01", "Quyết định": "02", "Chỉ thị": "03", "Quy chế": "04", "Quy định": "05",
    "Thông cáo": "06", "Thông báo": "07", "Hướng dẫn": "08", "Chương trình": "09",
    "Kế hoạch": "10", "Phương án": "11", "Đề án": "12", "Dự án": "13", "Báo cáo": "14",
    "Tờ trình": "15", "Giấy ủy quyền": "16", "Phiếu gửi": "17", "Phiếu chuyển": "18",
    "Phiếu báo": "19", "Biên bản": "20", "Hợp đồng": "21", "Công văn": "22", "Công điện": "23",
    "Bản ghi nhớ": "24", "Bản thỏa thuận": "25", "Giấy mời": "26", "Giấy giới thiệu": "27",
    "Giấy nghỉ phép": "28", "Thư công": "29", "Bản đồ": "30", "Bản vẽ kỹ thuật": "31",
}  # fmt: skip
OTHER_TYPE = "32"
LANGUAGE_VI = "01"
MODE_PUBLIC, MODE_CLASSIFIED = "01", "03"
CONFIDENCE_BORN_DIGITAL, CONFIDENCE_DIGITISED = "01", "02"
FORMAT_GOOD = "01"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str) -> str:
    """A file-name part with no separators or climbing (TT 05/2025 Điều 8 names by code)."""
    cleaned = _SAFE.sub("_", text.replace("Đ", "D").replace("đ", "d")).strip("._")
    return cleaned or "x"


def file_code(dossier: Dossier) -> str:
    # TT 05/2025 fileCode: mã cơ quan + năm hình thành + số và ký hiệu hồ sơ.
    return f"{safe_name(dossier.organization.code)}.{dossier.year}.{safe_name(dossier.code)}"


def dmy(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def parse_dmy(value: str) -> datetime.date | None:
    value = value.strip()
    if not value:
        return None
    return datetime.datetime.strptime(value, "%d/%m/%Y").date()


def split_number_symbol(number_symbol: str) -> tuple[str, str]:
    """'15-NQ/TU' → ('15', 'NQ/TU'); '05/QĐ-UBND' → ('05', 'QĐ-UBND')."""
    match = re.match(r"^\s*(\d+)\s*[-/]\s*(.*)$", number_symbol)
    if not match:
        return "", number_symbol
    return match.group(1), match.group(2)


def maintenance(dossier: Dossier) -> str:
    code = dossier.retention_code
    return code if code in {c.value for c in RetentionCode if c.value.isdigit()} else "07"


def _xml(fields: list[tuple[str, Any]]) -> bytes:
    root = etree.Element("simpledc")
    for name, value in fields:
        etree.SubElement(root, name).text = "" if value is None else str(value)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def dossier_ead(dossier: Dossier, *, doc_count: int, pages: int) -> bytes:
    classified = dossier.secrecy != "none"
    return _xml(
        [
            ("fileCode", file_code(dossier)),
            ("title", dossier.title),
            ("maintenance", maintenance(dossier)),
            ("mode", MODE_CLASSIFIED if classified else MODE_PUBLIC),
            ("language", LANGUAGE_VI),
            ("startDate", dmy(dossier.start_date)),
            ("endDate", dmy(dossier.end_date)),
            ("keyword", ""),
            ("totalDoc", doc_count),
            ("numberOfPaper", dossier.sheet_count or ""),
            ("numberOfPage", pages or ""),
            ("format", FORMAT_GOOD),
            ("inforSign", ""),
            ("confidenceLevel", CONFIDENCE_BORN_DIGITAL),
            ("paperFileCode", ""),
            ("riskRecovery", "false"),
            ("riskRecoveryStatus", "02"),
            ("description", dossier.notes),
            ("vanthuCode", dossier.code),
            ("vanthuYear", dossier.year),
            ("vanthuRetentionCode", dossier.retention_code),
            ("vanthuRetentionYears", dossier.retention_years or ""),
            ("vanthuSecrecy", dossier.secrecy),
        ]
    )


def document_ead(document: Document, *, dossier: Dossier, ordinal: int) -> bytes:
    number, notation = split_number_symbol(document.number_symbol)
    type_name = TYPE_NAME_CODES.get(document.document_type.name, OTHER_TYPE)
    digitised = document.channel == "paper"
    organ = document.sender if document.direction == "incoming" else document.organization.name
    return _xml(
        [
            ("docId", f"{file_code(dossier)}.{ordinal}"),
            ("docCode", f"{file_code(dossier)}.{ordinal:07d}"),
            ("maintenance", maintenance(dossier)),
            ("typeName", type_name),
            ("codeNumber", number),
            ("codeNotation", notation),
            ("issuedDate", dmy(document.issued_date)),
            ("organName", organ),
            ("subject", document.summary),
            ("language", LANGUAGE_VI),
            ("numberOfPage", document.page_count or ""),
            ("inforSign", ""),
            ("keyword", ""),
            ("mode", MODE_PUBLIC if document.secrecy == "none" else MODE_CLASSIFIED),
            ("confidenceLevel", CONFIDENCE_DIGITISED if digitised else CONFIDENCE_BORN_DIGITAL),
            ("autograph", ""),
            ("format", FORMAT_GOOD),
            ("riskRecovery", "false"),
            ("riskRecoveryStatus", "02"),
            ("process", "false"),
            ("description", document.notes),
            ("vanthuDirection", document.direction),
            ("vanthuDocumentType", document.document_type.code),
            ("vanthuNumberSymbol", document.number_symbol),
            ("vanthuSigner", document.signer),
            ("vanthuSecrecy", document.secrecy),
            ("vanthuUrgency", document.urgency),
        ]
    )


def read_fields(data: bytes) -> dict[str, str]:
    """The fields of a simpledc file (no entities, no network: the bytes come from outside)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(data, parser)
    if root.tag != "simpledc":
        raise ValueError(f"gốc XML là <{root.tag}>, cần <simpledc>")
    return {child.tag: (child.text or "") for child in root if isinstance(child.tag, str)}
