"""Export of dossiers as E-ARK CSIP information packages in a BagIt bag (docs/preservation.md).

Layout of each package (TT 05/2025, domain.md §3.6), under the bag's ``data/``::

    uuid-…/METS.xml
    uuid-…/metadata/descriptive/EAD.xml          the dossier (§4.3)
    uuid-…/metadata/descriptive/EAD_doc_<n>.xml  each document (§4.4)
    uuid-…/metadata/preservation/PREMIS.xml      objects and events
    uuid-…/representations/rep1/data/<fileCode>.<n>.<k>.<ext>

Files are copied and hashed in 1 MiB chunks, so memory stays bounded whatever their size.
The bag is built in a hidden folder next to OUT and renamed into place when complete: an
interrupted export leaves no half package under OUT, and an existing OUT is never touched.
The hidden folder's name carries its process's tag (``core.scratch``): the staging folder of an
export killed with ``kill -9`` is removed by the next export into the same folder, never the
one of an export still running in another process.

The ``preservation.export`` audit events are committed before the rename: a kill between the
two leaves events of a package that was never completed, never a package without its events
(the files were read either way; docs/preservation.md, "Xuất gói").
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import mimetypes
import os
import re
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

import bagit
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vanthu.audit.models import Event as AuditEvent
from vanthu.audit.services import record
from vanthu.core import scratch
from vanthu.core.enums import Secrecy
from vanthu.exchange.verify import verify_all
from vanthu.orgs.models import User
from vanthu.preservation.models import FixityCheck
from vanthu.preservation.package import PackageError, metadata
from vanthu.preservation.package.mets import Entry, Event, build_mets, build_premis
from vanthu.records import selectors as records
from vanthu.records.models import Dossier
from vanthu.registry import files as registry_files
from vanthu.registry.models import DocumentFile

SOFTWARE = "vanthu 0.1.0"
# The XML schemas the package uses, shipped inside it (CSIP113): METS (LoC) and XLink.
SCHEMAS = Path(__file__).with_name("schema")
CHUNK = 1024 * 1024
log = logging.getLogger(__name__)
# Signature validation reads the whole PDF; larger copies (scans) are not checked here.
SIGNATURE_CHECK_MAX = 64 * 1024 * 1024


def _uuid() -> str:
    return f"uuid-{uuid.uuid4()}"


def _write_bytes(root: Path, rel: str, data: bytes, created: datetime.datetime) -> Entry:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    mime = "text/xml"
    sha = hashlib.sha256(data).hexdigest()
    return Entry(rel, sha, len(data), mime, str(uuid.uuid4()), created)


def _copy_file(root: Path, rel: str, file: DocumentFile, *, pdfa: bool) -> Entry:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    # registry.files.open_file is the one reader of file bytes (plain or decrypted).
    with registry_files.open_file(file, pdfa=pdfa) as src, target.open("wb") as out:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    mime = "application/pdf" if pdfa else (file.content_type or "application/octet-stream")
    return Entry(rel, digest.hexdigest(), size, mime, str(uuid.uuid4()), file.uploaded_at)


def _extension(file: DocumentFile, pdfa: bool) -> str:
    if pdfa:
        return ".pdf"
    suffix = Path(file.original_name).suffix.lower()
    if suffix and metadata.safe_name(suffix.lstrip(".")) == suffix.lstrip("."):
        return suffix
    return mimetypes.guess_extension(file.content_type or "") or ".bin"


def _may_export_classified() -> bool:
    # Luật BVBMNN / api.md "Security zone": classified content leaves only an isolated zone.
    return settings.VANTHU_SECURITY_ZONE == "isolated"


def _build_package(root: Path, dossier: Dossier, actor: User) -> dict[str, object]:
    """Write one package into ``root`` (a new folder); answer what went into it."""
    now = timezone.now()
    entries = list(records.dossier_entries(actor, dossier))
    if not _may_export_classified():
        entries = [e for e in entries if e.document.secrecy == Secrecy.NONE]
    code = metadata.file_code(dossier)
    data: list[Entry] = []
    events: list[Event] = []
    descriptive: list[Entry] = []
    exported: list[int] = []
    pages = 0
    for ordinal, entry in enumerate(entries, start=1):
        document = entry.document
        exported.append(document.pk)
        pages += document.page_count or 0
        ead = metadata.document_ead(document, dossier=dossier, ordinal=ordinal)
        descriptive.append(
            _write_bytes(root, f"metadata/descriptive/EAD_doc_{ordinal}.xml", ead, now)
        )
        for k, file in enumerate(document.files.order_by("position", "pk"), start=1):
            pdfa = bool(file.pdfa_sha256)  # TT 05/2025: PDF/A where the document has one
            rel = f"representations/rep1/data/{code}.{ordinal}.{k}{_extension(file, pdfa)}"
            item = _copy_file(root, rel, file, pdfa=pdfa)
            data.append(item)
            events.extend(_events_of(file, item, pdfa=pdfa, now=now, copy=root / rel))
    ead = metadata.dossier_ead(dossier, doc_count=len(entries), pages=pages)
    descriptive.insert(0, _write_bytes(root, "metadata/descriptive/EAD.xml", ead, now))
    premis = build_premis(objects=data, events=events, software=SOFTWARE)
    preservation = [_write_bytes(root, "metadata/preservation/PREMIS.xml", premis, now)]
    documentation = [
        _write_bytes(root, "documentation/README.txt", _readme(dossier, len(entries)), now)
    ]
    schemas = [
        _write_bytes(root, f"schemas/{name}", (SCHEMAS / name).read_bytes(), now)
        for name in ("mets.xsd", "xlink.xsd")
    ]
    objid = root.name
    mets = build_mets(
        objid=objid,
        label=dossier.title,
        created=now,
        descriptive=descriptive,
        preservation=preservation,
        data=data,
        software=SOFTWARE,
        documentation=documentation,
        schemas=schemas,
    )
    (root / "METS.xml").write_bytes(mets)
    return {"package": objid, "dossier": dossier.pk, "documents": exported, "files": len(data)}


def _readme(dossier: Dossier, count: int) -> bytes:
    """The package's documentation (E-ARK CSIP asks for a Documentation group): what it is."""
    return (
        f"Gói thông tin lưu trữ (E-ARK CSIP 2.1, TT 05/2025/TT-BNV) do Vanthu tạo.\n"
        f"Hồ sơ: {metadata.file_code(dossier)}, {count} văn bản.\n"
        "metadata/descriptive/EAD.xml: thông tin hồ sơ; EAD_doc_<n>.xml: văn bản thứ n.\n"
        "metadata/preservation/PREMIS.xml: mã băm SHA-256, định dạng, sự kiện bảo quản.\n"
        "representations/rep1/data/: các tệp (bản PDF/A nếu có).\n"
        "schemas/: lược đồ METS (Library of Congress) và XLink dùng trong gói.\n"
    ).encode()


def _ocr_event(file: DocumentFile, item: Entry) -> Event | None:
    """The PDF/A copy's making (OCR + PDF/A-2b), dated by its audit event."""
    made = (
        AuditEvent.objects.filter(
            action="capture.text_extracted",
            object_type=DocumentFile._meta.label_lower,
            object_id=str(file.pk),
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if made is None:
        return None
    return Event(str(uuid.uuid4()), "normalization", made, "success",
                 "Nhận dạng ký tự (OCR, Tesseract) và chuyển sang PDF/A-2b từ tệp gốc "
                 f"SHA-256 {file.sha256 if not file.encrypted else file.plaintext_sha256}",
                 item.uuid)  # fmt: skip


def _signature_events(copy: Path, item: Entry, now: datetime.datetime) -> list[Event]:
    """PAdES signatures of a PDF copy checked against the configured trust roots, one event
    each (exchange.verify: pyHanko, no network). Unsigned PDFs give no event."""
    if item.mimetype != "application/pdf" or item.size > SIGNATURE_CHECK_MAX:
        return []
    results = verify_all(copy.read_bytes())
    events = []
    for result in results:
        if not result.signed:
            continue
        outcome = "success" if result.ok else "failure"
        detail = f"{result.signer}: {result.summary}" if result.signer else result.summary
        events.append(
            Event(str(uuid.uuid4()), "digital signature validation", now, outcome, detail,
                  item.uuid)
        )  # fmt: skip
    return events


def _events_of(
    file: DocumentFile, item: Entry, *, pdfa: bool, now: datetime.datetime, copy: Path
) -> list[Event]:
    events = [
        Event(str(uuid.uuid4()), "ingestion", file.uploaded_at, "success",
              "Tiếp nhận tệp vào hệ thống", item.uuid),
        Event(str(uuid.uuid4()), "format identification", now, "success",
              f"{item.mimetype}{' (PDF/A)' if pdfa else ''}", item.uuid),
    ]  # fmt: skip
    if pdfa and (ocr := _ocr_event(file, item)) is not None:
        events.append(ocr)
    events.extend(_signature_events(copy, item, now))
    blob = file.pdfa_sha256 if pdfa else file.sha256
    for check in FixityCheck.objects.filter(sha256=blob).order_by("-checked_at")[:10]:
        events.append(
            Event(str(check.event_uuid), "fixity check", check.checked_at, check.outcome,
                  "Kiểm tra SHA-256 định kỳ", item.uuid)
        )  # fmt: skip
    # The copy just written was hashed while streaming: an export-time fixity event.
    events.append(
        Event(str(uuid.uuid4()), "message digest calculation", now, "success",
              f"SHA-256 {item.sha256}", item.uuid)
    )  # fmt: skip
    return events


# ``.<OUT>.partial-<owner tag>-<8 hex>``, and ``.<OUT>.partial-<8 hex>`` of exports before 11/2026
# (no owner known: removed only when nothing in it changed for STAGING_FOREIGN_MAX_AGE).
STAGING = re.compile(rf"\..+\.partial-(?:{scratch.OWNER}-)?[0-9a-f]{{8}}")
STAGING_FOREIGN_MAX_AGE = 7 * 24 * 3600


def staging_for(out: Path) -> Path:
    """The hidden folder an export to ``out`` is built in, named after this process."""
    return out.parent / f".{out.name}.partial-{scratch.owner_tag()}-{uuid.uuid4().hex[:8]}"


def dead_staging(folder: Path) -> list[scratch.Leftover]:
    """Staging folders in ``folder`` left by exports that were killed (their process is gone)."""
    return list(scratch.leftovers(folder, STAGING, foreign_max_age=STAGING_FOREIGN_MAX_AGE))


def remove_dead_staging(folder: Path) -> int:
    """Remove what ``dead_staging`` finds; the staging folder of a running export is kept."""
    found = dead_staging(folder)
    for leftover in found:
        scratch.remove(leftover.path)
        log.warning("removed %s: %s", leftover.path, leftover.reason)
    return len(found)


def export_dossiers(*, actor: User, dossier_ids: Iterable[int], out: Path) -> Path:
    """Export the dossiers ``actor`` may see as one bag at ``out`` (which must not exist).

    A dossier the actor may not see is a 404 (Http404), exactly as on every other read path.
    """
    out = Path(out)
    if out.exists():
        raise PackageError([f"Đã có {out}: không ghi đè."])
    dossiers = [records.get_dossier(actor, int(pk)) for pk in dossier_ids]
    if not dossiers:
        raise PackageError(["Chưa chọn hồ sơ nào để xuất."])
    for dossier in dossiers:
        if dossier.secrecy != Secrecy.NONE and not _may_export_classified():
            raise PackageError([f"Hồ sơ {dossier.code} có độ mật: chỉ xuất trong vùng cách ly."])
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_dead_staging(out.parent)
    staging = staging_for(out)
    staging.mkdir()
    try:
        made = []
        for dossier in dossiers:
            package = staging / _uuid()
            package.mkdir()
            made.append(_build_package(package, dossier, actor))
        bagit.make_bag(
            str(staging),
            {"Source-Organization": dossiers[0].organization.name, "External-Description":
             "Gói thông tin E-ARK CSIP (TT 05/2025) do Vanthu xuất"},
            processes=1,
            checksums=["sha256"],
        )  # fmt: skip
        # The events before the rename, never after: an audit trail may record a read whose
        # package a kill then lost, but never hold a package whose read it does not record.
        with transaction.atomic():
            for dossier, info in zip(dossiers, made, strict=True):
                # Every read of classified content leaves an audit event (invariant 3).
                record(
                    action="preservation.export",
                    actor=actor,
                    organization=dossier.organization,
                    obj=dossier,
                    details=info,
                )
        os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def export_dossier(*, actor: User, dossier_id: int, out: Path) -> Path:
    return export_dossiers(actor=actor, dossier_ids=[dossier_id], out=out)
