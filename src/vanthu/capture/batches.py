"""Scan batches (lô quét): a folder or an upload becomes documents waiting "chờ vào sổ".

Every source file is processed in its own transaction, keyed by its SHA-256 (and the part
number when a PDF is split at blank separator pages), so a batch interrupted at any point is
re-run without duplicating a document, and a bad file is recorded with its reason and skipped.
Each document is a registry ``Document`` in status ``pending_registration`` with the scan as
its file; the existing ``capture.extract_text`` job then reads its text and suggests its fields.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.audit.services import record
from vanthu.core import scratch
from vanthu.core.enums import Secrecy, Urgency
from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.registry import services as registry
from vanthu.registry.models import Channel, Direction, Document, Status

from .detect import FileType, detect, sanitize_filename
from .extract import inspect_pdf
from .models import ScanBatch, ScanItem
from .ocr import image_to_pdf
from .quality import blank_pages
from .services import _message
from .uploads import stage_uploads

log = logging.getLogger(__name__)

SCAN_KINDS = ("pdf", "tiff", "jpeg", "png")
# The register form asks the clerk for the type; until then a scan is an ordinary công văn.
DEFAULT_TYPE = "CV"


@dataclass
class Progress:
    """What a progress display needs (pages done / total, rate, time left)."""

    pages_done: int
    pages_total: int
    elapsed: float
    current: str = ""

    @property
    def rate(self) -> float:
        return self.pages_done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        if self.rate <= 0:
            return None
        return max(0.0, (self.pages_total - self.pages_done) / self.rate)


ProgressCallback = Callable[[Progress], None]


def source_files(folder: Path) -> list[Path]:
    """Files of ``folder`` (recursively, sorted, no symlinks: a link could point anywhere)."""
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and not p.is_symlink() and p.stat().st_size
    ) + sorted(p for p in folder.rglob("*") if p.is_file() and not p.stat().st_size)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def create_batch(
    *,
    actor: User,
    organization: Organization,
    source: str,
    source_path: Path,
    split: str = ScanBatch.Split.FILE,
    label: str = "",
) -> ScanBatch:
    """A new batch (the clerk of ``organization`` only). Nothing is processed yet."""
    registry.require_clerk(actor, organization)
    if split not in ScanBatch.Split.values:
        raise ValidationError({"split": [_("Cách tách văn bản không hợp lệ: file hoặc blank.")]})
    if not source_path.is_dir():
        raise ValidationError({"source_path": [_("Không tìm thấy thư mục %s.") % source_path]})
    with transaction.atomic():
        batch = ScanBatch.objects.create(
            organization=organization,
            created_by=actor,
            source=source,
            source_path=str(source_path),
            split=split,
            label=label[:255] or source_path.name,
        )
        record(
            action="capture.batch.create",
            actor=actor,
            organization=organization,
            obj=batch,
            details={"source": source, "split": split},
        )
    return batch


def set_paused(*, actor: User, batch: ScanBatch, paused: bool) -> ScanBatch:
    """Pause (the runner stops after the current file) or resume a batch."""
    registry.require_clerk(actor, batch.organization)
    with transaction.atomic():
        batch = ScanBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == ScanBatch.Status.DONE:
            raise ValidationError({"status": [_("Lô quét đã xong, không tạm dừng được.")]})
        batch.paused = paused
        if paused:
            batch.status = ScanBatch.Status.PAUSED
        elif batch.status == ScanBatch.Status.PAUSED:
            batch.status = ScanBatch.Status.WAITING
        batch.save(update_fields=["paused", "status"])
        record(
            action="capture.batch.pause" if paused else "capture.batch.resume",
            actor=actor,
            organization=batch.organization,
            obj=batch,
            details={},
        )
    if not paused and batch.source == ScanBatch.Source.UPLOAD:
        schedule(batch)
    return batch


def run_batch(*, batch_id: int, progress: ProgressCallback | None = None) -> ScanBatch:
    """Process every file of the batch not yet done; stops early when the batch is paused.

    Safe to call again at any time (after a crash, a pause, Ctrl-C): done parts are skipped.
    """
    batch = ScanBatch.objects.select_related("organization", "created_by").get(pk=batch_id)
    if batch.paused or batch.status == ScanBatch.Status.DONE:
        return batch
    files = source_files(Path(batch.source_path))
    total = sum(_pages_quick(p) for p in files)
    ScanBatch.objects.filter(pk=batch.pk).update(
        status=ScanBatch.Status.RUNNING,
        pages_total=total,
        pages_done=0,
        started_at=batch.started_at or timezone.now(),
    )
    started = time.monotonic()
    done = 0
    for path in files:
        if progress is not None:
            progress(Progress(done, total, time.monotonic() - started, path.name))
        if ScanBatch.objects.filter(pk=batch.pk, paused=True).exists():
            ScanBatch.objects.filter(pk=batch.pk).update(status=ScanBatch.Status.PAUSED)
            return ScanBatch.objects.get(pk=batch.pk)
        pages = _pages_quick(path)
        _process_file(batch, path)
        done += pages
        ScanBatch.objects.filter(pk=batch.pk).update(pages_done=F("pages_done") + pages)
    with transaction.atomic():
        finished = ScanBatch.objects.select_for_update().get(pk=batch.pk)
        if not finished.paused:
            finished.status = ScanBatch.Status.DONE
            finished.finished_at = timezone.now()
            finished.save(update_fields=["status", "finished_at"])
            record(
                action="capture.batch.done",
                actor=finished.created_by,
                organization=finished.organization,
                obj=finished,
                details={
                    "documents": finished.items.filter(status=ScanItem.Status.DONE).count(),
                    "failed": finished.items.filter(status=ScanItem.Status.FAILED).count(),
                },
            )
    if progress is not None:
        progress(Progress(done, total, time.monotonic() - started))
    if finished.source == ScanBatch.Source.UPLOAD and finished.status == ScanBatch.Status.DONE:
        # The staging copy of an upload is no longer needed: every part is in the blob store.
        shutil.rmtree(finished.source_path, ignore_errors=True)
    return finished


def _pages_quick(path: Path) -> int:
    """Page count for the progress bar; a file that cannot be read counts as one page."""
    try:
        kind = detect(path).kind
        if kind == "pdf":
            with pikepdf.open(path) as pdf:
                return max(1, len(pdf.pages))
        if kind == "tiff":
            from PIL import Image

            with Image.open(path) as im:
                return max(1, int(getattr(im, "n_frames", 1)))
    except Exception:  # counting only: the real checks come in _process_file
        return 1
    return 1


def _process_file(batch: ScanBatch, path: Path) -> None:
    name = sanitize_filename(str(path.relative_to(batch.source_path)).replace("/", "_"))
    try:
        sha = sha256_of(path)
    except OSError:
        _fail(batch, name, hashlib.sha256(name.encode()).hexdigest(), 0, _("Không đọc được tệp."))
        return
    done = ScanItem.objects.filter(
        organization=batch.organization, sha256=sha, status=ScanItem.Status.DONE
    )
    # Already a document: re-running never duplicates. A split file may have stopped half-way,
    # so it is cut again and only its missing parts are made.
    if batch.split == ScanBatch.Split.FILE and done.exists():
        return
    with scratch.folder("scan") as work:
        try:
            parts = list(_parts(path, Path(work), batch.split))
        except ValidationError as exc:
            _fail(batch, name, sha, 0, _message(exc))
            return
        except Exception:
            log.exception("Lỗi không mong đợi với tệp quét %s", path)
            _fail(batch, name, sha, 0, _("Lỗi không mong đợi khi đọc tệp; đã bỏ qua."))
            return
        first = 1 if len(parts) > 1 else 0
        for number, (part_path, file_type, pages) in enumerate(parts, start=first):
            part_name = name if number == 0 else _part_name(name, number)
            _make_document(batch, part_path, file_type, sha, number, pages, part_name)


def _part_name(name: str, number: int) -> str:
    stem, dot, _ext = name.rpartition(".")
    stem = stem if dot else name
    return f"{stem}-{number:02d}.pdf"


def _parts(path: Path, work: Path, split: str) -> Iterator[tuple[Path, FileType, int]]:
    """(file, type, pages) of each document in a source file; refuses what is not a scan."""
    file_type = detect(path)
    if file_type.kind not in SCAN_KINDS:
        raise ValidationError(
            {
                "file": [
                    _("%s không phải bản quét (chỉ nhận PDF, TIFF, JPEG, PNG).") % file_type.label
                ]
            }
        )
    pdf = path
    if file_type.kind == "pdf":
        pages, _encrypted = inspect_pdf(path)
    else:
        # Checks the image (decompression bombs, corrupt files) and gives its page count.
        pdf = work / "image.pdf"
        image_to_pdf(path, pdf)
        with pikepdf.open(pdf) as wrapped:
            pages = len(wrapped.pages)
    if split != ScanBatch.Split.BLANK:
        yield path, file_type, pages
        return
    blank = set(blank_pages(pdf))
    groups: list[list[int]] = [[]]
    for number in range(1, pages + 1):
        if number in blank:
            groups.append([])
        else:
            groups[-1].append(number)
    groups = [g for g in groups if g]
    if not groups:
        raise ValidationError({"file": [_("Tệp chỉ có trang trắng.")]})
    if len(groups) == 1 and not blank:
        yield path, file_type, pages
        return
    pdf_type = detect(pdf)
    with pikepdf.open(pdf) as source:
        for index, group in enumerate(groups, start=1):
            out = pikepdf.new()
            for number in group:
                out.pages.append(source.pages[number - 1])
            target = work / f"part-{index:03d}.pdf"
            out.save(target)
            yield target, pdf_type, len(group)


def _make_document(
    batch: ScanBatch, path: Path, file_type: FileType, sha: str, part: int, pages: int, name: str
) -> None:
    """One pending document with its scan, and its ScanItem, in one transaction."""
    actor = batch.created_by
    try:
        with transaction.atomic():
            previous = (
                ScanItem.objects.select_for_update()
                .filter(organization=batch.organization, sha256=sha, part=part)
                .first()
            )
            if previous is not None and previous.status == ScanItem.Status.DONE:
                return
            document = Document.objects.create(
                direction=Direction.INCOMING,
                organization=batch.organization,
                document_type=DocumentType.objects.get(code=DEFAULT_TYPE),
                secrecy=Secrecy.NONE,
                urgency=Urgency.NORMAL,
                channel=Channel.PAPER,
                page_count=pages,
                status=Status.PENDING_REGISTRATION,
                created_by=actor,
                notes=_("Bản quét từ lô %s: %s") % (batch.pk, name),
            )
            with path.open("rb") as fh:
                upload = SimpleUploadedFile(name, fh.read(), content_type=file_type.content_type)
            registry.add_file(actor=actor, document=document, upload=upload)
            if previous is not None:
                previous.batch, previous.status, previous.error = batch, ScanItem.Status.DONE, ""
                previous.document, previous.source_name, previous.pages = document, name, pages
                previous.save()
            else:
                ScanItem.objects.create(
                    batch=batch,
                    organization=batch.organization,
                    source_name=name,
                    sha256=sha,
                    part=part,
                    pages=pages,
                    status=ScanItem.Status.DONE,
                    document=document,
                )
            if part:
                # The file once failed as a whole; it is now cut into parts that worked.
                ScanItem.objects.filter(
                    organization=batch.organization, sha256=sha, part=0, document__isnull=True
                ).delete()
            record(
                action="capture.scan.pending",
                actor=actor,
                organization=batch.organization,
                obj=document,
                details={"batch": batch.pk, "sha256": sha, "part": part, "pages": pages},
            )
    except (ValidationError, PermissionDenied) as exc:
        message = _message(exc) if isinstance(exc, ValidationError) else str(exc)
        _fail(batch, name, sha, part, message)
    except IntegrityError:
        # Another runner made this part at the same moment: it exists once, which is the point.
        log.info("Phần %s#%s đã được lô khác tạo.", sha, part)


def _fail(batch: ScanBatch, name: str, sha: str, part: int, message: str) -> None:
    with transaction.atomic():
        item, _created = ScanItem.objects.update_or_create(
            organization=batch.organization,
            sha256=sha,
            part=part,
            defaults={
                "batch": batch,
                "source_name": name[:500],
                "status": ScanItem.Status.FAILED,
                "error": message[:500],
                "document": None,
            },
        )
        record(
            action="capture.scan.failed",
            actor=batch.created_by,
            organization=batch.organization,
            obj=batch,
            details={"file": name, "sha256": sha, "error": item.error},
        )


def start_upload_batch(
    *,
    actor: User,
    organization: Organization,
    uploads: list[UploadedFile],
    split: str = ScanBatch.Split.FILE,
    label: str = "",
) -> ScanBatch:
    """An uploaded batch (files or a ZIP): staged, then processed by the "capture.import_batch"
    job in the background so that the clerk need not wait at the screen."""
    registry.require_clerk(actor, organization)
    folder = stage_uploads(uploads)
    try:
        batch = create_batch(
            actor=actor,
            organization=organization,
            source=ScanBatch.Source.UPLOAD,
            source_path=folder,
            split=split,
            label=label or (uploads[0].name or "")[:255],
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    schedule(batch)
    return batch


def schedule(batch: ScanBatch) -> None:
    """Send the batch to a worker (after the caller's transaction commits)."""
    from vanthu.core import jobs

    with transaction.atomic():
        jobs.enqueue(
            "capture.import_batch",
            {"batch_id": batch.pk},
            queue="default",
            dedupe_key=f"capture.import_batch:{batch.pk}",
        )
