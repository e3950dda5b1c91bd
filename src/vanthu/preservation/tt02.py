"""Dossier and document lists in the TT 02/2019/TT-BNV field sets (domain.md §4.1–4.2), as
Excel or XML, for data exchanged with archives that still use them (issue #8 item 6).

Export goes through the records selectors (a hidden dossier is 404) and lists classified
content only in the isolated zone. Import checks every row first — required fields, lengths,
dd/mm/yyyy dates, numbers, each document's FileCode naming a dossier of the file, no dossier
already there — and then creates the dossiers and metadata-only documents in one transaction
with one audit event; any problem: nothing is stored.
"""

from __future__ import annotations

import datetime
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from lxml import etree
from openpyxl import Workbook, load_workbook

from vanthu.audit.services import record
from vanthu.core.enums import Secrecy
from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.preservation.package import PackageError, metadata
from vanthu.records import selectors as records
from vanthu.records.models import Dossier, DossierDocument, RetentionCode
from vanthu.registry.models import Document, Status
from vanthu.reports.summary import track as track_counts

# (tag, Vietnamese label, longest value) — TT 02/2019 Phụ lục, domain.md §4.1.
DOSSIER_FIELDS = [
    ("FileCode", "Mã hồ sơ", 60), ("Identifier", "Mã cơ quan lưu trữ lịch sử", 13),
    ("OrganId", "Mã phông/công trình/sưu tập lưu trữ", 13),
    ("FileCatalog", "Mục lục số hoặc năm hình thành hồ sơ", 4),
    ("FileNotation", "Số và ký hiệu hồ sơ", 20), ("Title", "Tiêu đề hồ sơ", 1000),
    ("Maintenance", "Thời hạn bảo quản", 30), ("Rights", "Chế độ sử dụng", 30),
    ("Language", "Ngôn ngữ", 100), ("StartDate", "Thời gian bắt đầu", 10),
    ("EndDate", "Thời gian kết thúc", 10), ("DocTotal", "Tổng số văn bản trong hồ sơ", 4),
    ("Description", "Chú giải", 2000), ("InforSign", "Ký hiệu thông tin", 30),
    ("Keyword", "Từ khóa", 100), ("SheetTotal", "Số lượng tờ", 4),
    ("PageTotal", "Số lượng trang", 4), ("Format", "Tình trạng vật lý", 50),
]  # fmt: skip
# domain.md §4.2.
DOCUMENT_FIELDS = [
    ("DocCode", "Mã định danh văn bản", 80), ("FileCode", "Mã hồ sơ", 60),
    ("DocOrdinal", "Số thứ tự văn bản trong hồ sơ", 3), ("TypeName", "Tên loại văn bản", 100),
    ("CodeNumber", "Số của văn bản", 11), ("CodeNotation", "Ký hiệu của văn bản", 30),
    ("IssuedDate", "Ngày, tháng, năm văn bản", 10),
    ("OrganName", "Tên cơ quan, tổ chức ban hành", 200), ("Subject", "Trích yếu nội dung", 500),
    ("Language", "Ngôn ngữ", 100), ("PageAmount", "Số lượng trang", 4),
    ("Description", "Ghi chú", 500), ("InforSign", "Ký hiệu thông tin", 30),
    ("Keyword", "Từ khóa", 100), ("Mode", "Chế độ sử dụng", 20),
    ("ConfidenceLevel", "Mức độ tin cậy", 30), ("Autograph", "Bút tích", 2000),
    ("Format", "Tình trạng vật lý", 50),
]  # fmt: skip
REQUIRED_DOSSIER = ("FileCode", "FileCatalog", "FileNotation", "Title")
REQUIRED_DOCUMENT = ("FileCode", "DocOrdinal", "Subject")
DATES = ("StartDate", "EndDate", "IssuedDate")
NUMBERS = ("DocTotal", "SheetTotal", "PageTotal", "DocOrdinal", "PageAmount")
SHEETS = ("HoSo", "VanBan")
FORMATS = ("xlsx", "xml")
MAX_BYTES = 50 * 1024 * 1024


def _maintenance(dossier: Dossier) -> str:
    if dossier.retention_years:
        return f"{dossier.retention_years} năm"
    return str(RetentionCode(dossier.retention_code).label)


def _parse_maintenance(value: str) -> tuple[str, int | None]:
    """'10 năm' → ('06', 10); 'Đến khi hết hiệu lực' → its code; anything else: vĩnh viễn."""
    head = value.strip().split(" ")[0]
    if head.isdigit():
        return RetentionCode.for_years(int(head)), int(head)
    if value.strip() == RetentionCode.UNTIL_INVALID.label:
        return RetentionCode.UNTIL_INVALID, None
    return RetentionCode.PERMANENT, None


def file_code(dossier: Dossier) -> str:
    # TT 02/2019: FileCode = Identifier.OrganId.FileCatalog.FileNotation.
    org = dossier.organization.code
    return f"{org}.{org}.{dossier.year}.{dossier.code}"


def dossier_row(dossier: Dossier, documents: list[Document]) -> dict[str, str]:
    org = dossier.organization.code
    return {
        "FileCode": file_code(dossier), "Identifier": org, "OrganId": org,
        "FileCatalog": str(dossier.year), "FileNotation": dossier.code, "Title": dossier.title,
        "Maintenance": _maintenance(dossier),
        "Rights": "Công khai" if dossier.secrecy == Secrecy.NONE else "Hạn chế",
        "Language": "Tiếng Việt", "StartDate": metadata.dmy(dossier.start_date),
        "EndDate": metadata.dmy(dossier.end_date), "DocTotal": str(len(documents)),
        "Description": dossier.notes, "InforSign": "", "Keyword": "",
        "SheetTotal": str(dossier.sheet_count or ""),
        "PageTotal": str(sum(d.page_count or 0 for d in documents) or ""),
        "Format": "Bình thường",
    }  # fmt: skip


def document_row(document: Document, dossier: Dossier, ordinal: int) -> dict[str, str]:
    number, notation = metadata.split_number_symbol(document.number_symbol)
    organ = document.sender if document.direction == "incoming" else document.organization.name
    return {
        "DocCode": f"{file_code(dossier)}.{ordinal:03d}", "FileCode": file_code(dossier),
        "DocOrdinal": str(ordinal), "TypeName": document.document_type.name,
        "CodeNumber": number, "CodeNotation": notation,
        "IssuedDate": metadata.dmy(document.issued_date), "OrganName": organ,
        "Subject": document.summary, "Language": "Tiếng Việt",
        "PageAmount": str(document.page_count or ""), "Description": document.notes,
        "InforSign": "", "Keyword": "",
        "Mode": "Công khai" if document.secrecy == Secrecy.NONE else "Hạn chế",
        "ConfidenceLevel": "Số hóa" if document.channel == "paper" else "Gốc điện tử",
        "Autograph": "", "Format": "Bình thường",
    }  # fmt: skip


def _rows(actor: User, dossier_ids: list[int]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    isolated = settings.VANTHU_SECURITY_ZONE == "isolated"
    dossiers = [records.get_dossier(actor, int(pk)) for pk in dossier_ids]  # 404 if hidden
    if not dossiers:
        raise PackageError(["Chưa chọn hồ sơ nào để xuất."])
    dossier_rows, document_rows = [], []
    for dossier in dossiers:
        if dossier.secrecy != Secrecy.NONE and not isolated:
            raise PackageError([f"Hồ sơ {dossier.code} có độ mật: chỉ xuất trong vùng cách ly."])
        entries = records.dossier_entries(actor, dossier).select_related(
            "document__document_type", "document__organization"
        )
        documents = [e.document for e in entries]
        if not isolated:
            documents = [d for d in documents if d.secrecy == Secrecy.NONE]
        dossier_rows.append(dossier_row(dossier, documents))
        document_rows += [document_row(d, dossier, n) for n, d in enumerate(documents, 1)]
    return dossier_rows, document_rows


def export_lists(*, actor: User, dossier_ids: list[int], out: Path, fmt: str) -> Path:
    """Write the lists to ``out`` (never overwritten), written under a temporary name first."""
    if fmt not in FORMATS:
        raise PackageError([f"Định dạng {fmt!r} không hỗ trợ (xlsx hoặc xml)."])
    out = Path(out)
    if out.exists():
        raise PackageError([f"Đã có {out}: không ghi đè."])
    dossier_rows, document_rows = _rows(actor, dossier_ids)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.{uuid.uuid4().hex[:8]}"
    try:
        (_write_xlsx if fmt == "xlsx" else _write_xml)(tmp, dossier_rows, document_rows)
        with transaction.atomic():
            record(
                action="preservation.tt02_export", actor=actor,
                details={"format": fmt, "dossiers": len(dossier_rows),
                         "documents": len(document_rows)},
            )  # fmt: skip
            os.link(tmp, out)  # fails rather than overwrite
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _write_xlsx(
    path: Path, dossiers: list[dict[str, str]], documents: list[dict[str, str]]
) -> None:
    book = Workbook(write_only=True)
    for name, fields, rows in ((SHEETS[0], DOSSIER_FIELDS, dossiers),
                               (SHEETS[1], DOCUMENT_FIELDS, documents)):  # fmt: skip
        sheet = book.create_sheet(name)
        sheet.append([label for _tag, label, _n in fields])  # row 1: the form's labels
        sheet.append([tag for tag, _label, _n in fields])  # row 2: the TT 02/2019 tags
        for row in rows:
            sheet.append([row[tag] for tag, _label, _n in fields])
    book.save(path)


def _write_xml(path: Path, dossiers: list[dict[str, str]], documents: list[dict[str, str]]) -> None:
    root = etree.Element("DanhMuc", {"ThongTu": "02/2019/TT-BNV"})
    for row in dossiers:
        hoso = etree.SubElement(root, "HoSo")
        for tag, _label, _n in DOSSIER_FIELDS:
            etree.SubElement(hoso, tag).text = row[tag]
        for doc in (d for d in documents if d["FileCode"] == row["FileCode"]):
            vanban = etree.SubElement(hoso, "VanBan")
            for tag, _label, _n in DOCUMENT_FIELDS:
                etree.SubElement(vanban, tag).text = doc[tag]
    path.write_bytes(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )


# --- import ---------------------------------------------------------------------------------


@dataclass
class ImportReport:
    dossiers: list[int] = field(default_factory=list)
    documents: int = 0


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def read_lists(path: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The rows of an .xlsx or .xml list (tags as keys); PackageError when unreadable."""
    path = Path(path)
    if not path.is_file():
        raise PackageError([f"Không có tệp {path}."])
    if path.stat().st_size > MAX_BYTES:
        raise PackageError(["Tệp quá lớn (giới hạn 50 MB)."])
    if path.suffix.lower() == ".xml":
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            root = etree.parse(str(path), parser).getroot()
        except etree.XMLSyntaxError as exc:
            raise PackageError([f"XML không hợp lệ: {exc}"]) from exc
        if root.tag != "DanhMuc":
            raise PackageError([f"Gốc XML là <{root.tag}>, cần <DanhMuc>."])
        dossiers, documents = [], []
        for hoso in root.iter("HoSo"):
            dossiers.append({c.tag: (c.text or "").strip() for c in hoso if c.tag != "VanBan"})
            for vanban in hoso.iter("VanBan"):
                documents.append({c.tag: (c.text or "").strip() for c in vanban})
        return dossiers, documents
    if path.suffix.lower() != ".xlsx":
        raise PackageError(["Chỉ nhận tệp .xlsx hoặc .xml."])
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise PackageError([f"Không đọc được tệp Excel: {exc}"]) from exc
    out: list[list[dict[str, str]]] = []
    for name in SHEETS:
        if name not in book.sheetnames:
            raise PackageError([f"Thiếu trang {name} trong tệp Excel."])
        rows = book[name].iter_rows(values_only=True)
        next(rows, None)  # labels
        tags = [_cell(v) for v in next(rows, ())]
        out.append([
            dict(zip(tags, (_cell(v) for v in row), strict=False))
            for row in rows if any(v not in (None, "") for v in row)
        ])  # fmt: skip
    return out[0], out[1]


def _check(
    rows: list[dict[str, str]], fields: list[tuple[str, str, int]], required: tuple[str, ...],
    what: str,
) -> list[str]:  # fmt: skip
    problems = []
    for n, row in enumerate(rows, start=1):
        where = f"{what} dòng {n}"
        for tag in required:
            if not row.get(tag):
                problems.append(f"{where}: thiếu {tag}.")
        for tag, label, longest in fields:
            value = row.get(tag, "")
            if len(value) > longest:
                problems.append(f"{where}: {label} ({tag}) dài quá {longest} ký tự.")
            if value and tag in DATES:
                try:
                    metadata.parse_dmy(value)
                except ValueError:
                    problems.append(f"{where}: {tag} {value!r} không phải ngày dd/mm/yyyy.")
            if value and tag in NUMBERS and not value.isdigit():
                problems.append(f"{where}: {tag} {value!r} không phải số.")
    return problems


def import_lists(*, path: Path, organization: Organization, actor: User) -> ImportReport:
    dossiers, documents = read_lists(path)
    if not dossiers:
        raise PackageError(["Tệp không có hồ sơ nào."])
    problems = _check(dossiers, DOSSIER_FIELDS, REQUIRED_DOSSIER, "Hồ sơ")
    problems += _check(documents, DOCUMENT_FIELDS, REQUIRED_DOCUMENT, "Văn bản")
    codes = [d.get("FileCode", "") for d in dossiers]
    for code in {c for c in codes if codes.count(c) > 1}:
        problems.append(f"Mã hồ sơ {code} lặp lại trong tệp.")
    for n, doc in enumerate(documents, start=1):
        if doc.get("FileCode") and doc["FileCode"] not in codes:
            problems.append(f"Văn bản dòng {n}: mã hồ sơ {doc['FileCode']} không có trong tệp.")
    for row in dossiers:
        year = row.get("FileCatalog", "")
        if year and (not year.isdigit() or len(year) != 4):
            problems.append(f"Hồ sơ {row.get('FileCode')}: FileCatalog phải là năm (4 chữ số).")
        elif (
            year
            and Dossier.objects.filter(
                organization=organization, year=int(year), code=row.get("FileNotation", "")
            ).exists()
        ):
            problems.append(f"Đã có hồ sơ {row.get('FileNotation')} năm {year}: không ghi đè.")
    if problems:
        raise PackageError(problems)
    types = {t.name: t for t in DocumentType.objects.all()}
    fallback = DocumentType.objects.get(code="CV")
    report = ImportReport()
    now = timezone.now()
    with transaction.atomic():
        for row in dossiers:
            mine = sorted(
                (d for d in documents if d["FileCode"] == row["FileCode"]),
                key=lambda d: int(d["DocOrdinal"]),
            )
            code, years = _parse_maintenance(row.get("Maintenance", ""))
            dossier = Dossier.objects.create(
                organization=organization, code=row["FileNotation"], title=row["Title"],
                year=int(row["FileCatalog"]), retention_years=years,
                retention_code=code, opened_at=now,
                start_date=metadata.parse_dmy(row.get("StartDate", "")),
                end_date=metadata.parse_dmy(row.get("EndDate", "")),
                document_count=len(mine),
                sheet_count=int(row["SheetTotal"]) if row.get("SheetTotal") else 0,
                notes=row.get("Description", ""), created_by=actor, responsible=actor,
            )  # fmt: skip
            for ordinal, doc in enumerate(mine, start=1):
                number_symbol = "-".join(
                    x for x in (doc.get("CodeNumber"), doc.get("CodeNotation")) if x
                )
                document = Document.objects.create(
                    direction="incoming", organization=organization, number_symbol=number_symbol,
                    document_type=types.get(doc.get("TypeName", ""), fallback),
                    issued_date=metadata.parse_dmy(doc.get("IssuedDate", "")),
                    summary=doc["Subject"], sender=doc.get("OrganName", ""),
                    page_count=int(doc["PageAmount"]) if doc.get("PageAmount") else None,
                    status=Status.DONE, notes=doc.get("Description", ""), created_by=actor,
                )  # fmt: skip
                DossierDocument.objects.create(
                    dossier=dossier, document=document, position=ordinal, added_by=actor
                )
                report.documents += 1
            report.dossiers.append(dossier.pk)
        track_counts(
            DossierDocument.objects.filter(dossier__in=report.dossiers).values_list(
                "document", flat=True
            )
        )
        record(
            action="preservation.tt02_import", actor=actor, organization=organization,
            details={"dossiers": report.dossiers, "documents": report.documents},
        )  # fmt: skip
    return report
