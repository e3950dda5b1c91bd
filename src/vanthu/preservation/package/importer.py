"""Import of a bagged E-ARK CSIP package into an organisation (docs/preservation.md).

Order matters: the bag's checksums and completeness are verified, and every path is checked
to stay inside the package, before a single byte is stored or a row written. Existing
dossiers are never overwritten: the same organisation, year and code is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bagit
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from lxml import etree

from vanthu.audit.services import record
from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.preservation.package import PackageError, metadata
from vanthu.preservation.package.mets import METS, XLINK
from vanthu.records.models import Dossier, DossierDocument
from vanthu.registry import files as registry_files
from vanthu.registry.models import Document, DocumentFile, Status
from vanthu.registry.services import check_zone
from vanthu.reports.summary import track as track_counts

CHUNK = 1024 * 1024


@dataclass
class ImportReport:
    dossiers: list[int] = field(default_factory=list)
    documents: int = 0
    files: int = 0
    skipped: list[str] = field(default_factory=list)


def _inside(root: Path, rel: str) -> Path:
    """``rel`` resolved under ``root``; a path that climbs out (or is absolute) is refused."""
    if not rel or rel.startswith(("/", "\\")) or "\\" in rel or ".." in Path(rel).parts:
        raise PackageError([f"Đường dẫn «{rel}» vượt ra ngoài gói: từ chối."])
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        raise PackageError([f"Đường dẫn «{rel}» vượt ra ngoài gói: từ chối."])
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_manifest_paths(bag_dir: Path) -> None:
    # Read the manifests ourselves first: a "../" entry is refused before any library follows it.
    for manifest in sorted(bag_dir.glob("*manifest-*.txt")):
        for line in manifest.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.strip().split(None, 1)
            if len(parts) == 2:
                _inside(bag_dir, parts[1])


def verify_bag(bag_dir: Path) -> bagit.Bag:
    """Checksums and completeness first (RFC 8493); raise PackageError with every problem."""
    bag_dir = Path(bag_dir)
    if not (bag_dir / "bagit.txt").is_file():
        raise PackageError([f"{bag_dir} không phải gói BagIt (thiếu bagit.txt)."])
    _check_manifest_paths(bag_dir)
    try:
        bag = bagit.Bag(str(bag_dir))
        # Name each missing file: bagit's quick Payload-Oxum check would only give counts.
        missing = [rel for rel in bag.payload_entries() if not (bag_dir / rel).is_file()]
        if missing:
            raise PackageError([f"Gói bị thiếu (cắt cụt): không có tệp {rel}." for rel in missing])
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        details = [str(d) for d in exc.details] or [str(exc.message)]
        raise PackageError([f"Gói không toàn vẹn: {d}" for d in details]) from exc
    except bagit.BagError as exc:
        raise PackageError([f"Gói không hợp lệ: {exc}"]) from exc
    return bag


@dataclass
class _File:
    path: Path
    name: str
    mimetype: str
    sha256: str


def _read_package(package: Path) -> tuple[dict[str, str], list[tuple[dict[str, str], list[_File]]]]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        mets = etree.parse(str(_inside(package, "METS.xml")), parser).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise PackageError([f"{package.name}: METS.xml không đọc được ({exc})."]) from exc
    href = f"{{{XLINK}}}href"
    files: list[_File] = []
    for el in mets.iter(f"{{{METS}}}file"):
        loc = el.find(f"{{{METS}}}FLocat")
        rel = loc.get(href, "") if loc is not None else ""
        path = _inside(package, rel)
        expected = (el.get("CHECKSUM") or "").lower()
        if not path.is_file():
            raise PackageError([f"{package.name}: thiếu tệp {rel}."])
        if el.get("CHECKSUMTYPE") != "SHA-256" or _sha256(path) != expected:
            raise PackageError([f"{package.name}: tệp {rel} sai mã kiểm tra SHA-256 so với METS."])
        files.append(_File(path, Path(rel).name, el.get("MIMETYPE") or "", expected))
    for ref in mets.iter(f"{{{METS}}}mdRef"):
        path = _inside(package, ref.get(href, ""))
        if not path.is_file() or _sha256(path) != (ref.get("CHECKSUM") or "").lower():
            raise PackageError([f"{package.name}: siêu dữ liệu {ref.get(href)} sai hoặc thiếu."])
    descriptive = _inside(package, "metadata/descriptive")
    dossier = metadata.read_fields((descriptive / "EAD.xml").read_bytes())
    documents = []
    code = dossier.get("fileCode", "")
    n = 1
    while (descriptive / f"EAD_doc_{n}.xml").is_file():
        fields = metadata.read_fields((descriptive / f"EAD_doc_{n}.xml").read_bytes())
        prefix = f"{code}.{n}."
        documents.append((fields, [f for f in files if f.name.startswith(prefix)]))
        n += 1
    return dossier, documents


def _document_type(fields: dict[str, str]) -> DocumentType:
    found = DocumentType.objects.filter(code=fields.get("vanthuDocumentType", "")).first()
    if found is None:
        names = {v: k for k, v in metadata.TYPE_NAME_CODES.items()}
        found = DocumentType.objects.filter(name=names.get(fields.get("typeName", ""), "")).first()
    return found or DocumentType.objects.get(code="CV")


def import_package(*, path: Path, organization: Organization, actor: User) -> ImportReport:
    """Verify, then take every package of the bag at ``path`` into ``organization``."""
    bag_dir = Path(path)
    verify_bag(bag_dir)
    payload = bag_dir / "data"
    packages = sorted(p for p in payload.iterdir() if p.is_dir() and (p / "METS.xml").exists())
    if not packages:
        raise PackageError(["Gói không chứa gói thông tin nào (thiếu METS.xml)."])
    parsed = [(p, *_read_package(p)) for p in packages]
    problems = []
    for package, dossier, documents in parsed:
        code, year = (
            dossier.get("vanthuCode") or dossier.get("fileCode", ""),
            dossier.get("vanthuYear", ""),
        )
        if not year.isdigit():
            problems.append(f"{package.name}: thiếu năm hình thành hồ sơ.")
        elif Dossier.objects.filter(organization=organization, year=int(year), code=code).exists():
            problems.append(f"{package.name}: đã có hồ sơ {code} năm {year}; không ghi đè.")
        for fields, _files in documents:
            errs = check_zone(
                secrecy=fields.get("vanthuSecrecy", "none"),
                summary=fields.get("subject", ""),
                has_files=bool(_files),
            )
            problems.extend(f"{package.name}: {m}" for v in errs.values() for m in v)
    if problems:
        raise PackageError(problems)
    report = ImportReport()
    # Blobs first, fsynced, before the rows that name them commit (invariant 2).
    stored: dict[Path, registry_files.Stored] = {}
    for _package, _dossier, documents in parsed:
        for fields, doc_files in documents:
            for f in doc_files:
                with f.path.open("rb") as fh:
                    stored[f.path] = registry_files.store(
                        fh, secrecy=fields.get("vanthuSecrecy", "none")
                    )
    with transaction.atomic():
        for package, dossier_fields, documents in parsed:
            report.dossiers.append(
                _create(
                    package.name, dossier_fields, documents, stored, organization, actor, report
                )
            )
    return report


def _create(
    name: str,
    fields: dict[str, str],
    documents: list[tuple[dict[str, str], list[_File]]],
    stored: dict[Path, registry_files.Stored],
    organization: Organization,
    actor: User,
    report: ImportReport,
) -> int:
    now = timezone.now()
    years = fields.get("vanthuRetentionYears", "")
    dossier = Dossier(
        organization=organization,
        code=fields.get("vanthuCode") or fields.get("fileCode", ""),
        title=fields.get("title", ""),
        year=int(fields["vanthuYear"]),
        retention_code=fields.get("vanthuRetentionCode") or fields.get("maintenance", "07"),
        retention_years=int(years) if years.isdigit() else None,
        opened_at=now,
        start_date=metadata.parse_dmy(fields.get("startDate", "")),
        end_date=metadata.parse_dmy(fields.get("endDate", "")),
        document_count=len(documents),
        secrecy=fields.get("vanthuSecrecy", "none"),
        notes=fields.get("description", ""),
        created_by=actor,
        responsible=actor,
    )
    try:
        dossier.full_clean(exclude=["plan_item"])
    except ValidationError as exc:
        raise PackageError([f"{name}: {m}" for m in exc.messages]) from exc
    dossier.save()
    pages = 0
    for ordinal, (doc_fields, doc_files) in enumerate(documents, start=1):
        direction = doc_fields.get("vanthuDirection") or "incoming"
        page_count = doc_fields.get("numberOfPage", "")
        pages += int(page_count) if page_count.isdigit() else 0
        document = Document.objects.create(
            direction=direction,
            organization=organization,
            number_symbol=doc_fields.get("vanthuNumberSymbol", "")
            or "-".join(
                x for x in (doc_fields.get("codeNumber"), doc_fields.get("codeNotation")) if x
            ),
            document_type=_document_type(doc_fields),
            issued_date=metadata.parse_dmy(doc_fields.get("issuedDate", "")),
            summary=doc_fields.get("subject", ""),
            signer=doc_fields.get("vanthuSigner", ""),
            secrecy=doc_fields.get("vanthuSecrecy", "none"),
            urgency=doc_fields.get("vanthuUrgency", "normal"),
            page_count=int(page_count) if page_count.isdigit() else None,
            sender=doc_fields.get("organName", "") if direction == "incoming" else "",
            status=Status.DONE if direction == "incoming" else Status.ISSUED,
            notes=doc_fields.get("description", ""),
            created_by=actor,
        )
        for position, f in enumerate(doc_files, start=1):
            s = stored[f.path]
            DocumentFile.objects.create(
                document=document,
                position=position,
                sha256=s.sha256,
                size=s.size,
                content_type=f.mimetype[:150] or "application/octet-stream",
                original_name=f.name,
                uploaded_by=actor,
                **s.fields(),
            )
            report.files += 1
        DossierDocument.objects.create(
            dossier=dossier, document=document, position=ordinal, added_by=actor
        )
        report.documents += 1
    Dossier.objects.filter(pk=dossier.pk).update(page_count=pages)
    track_counts(DossierDocument.objects.filter(dossier=dossier).values_list("document", flat=True))
    detail: dict[str, Any] = {"package": name, "documents": len(documents)}
    record(
        action="preservation.import",
        actor=actor,
        organization=organization,
        obj=dossier,
        details=detail,
    )
    return dossier.pk
