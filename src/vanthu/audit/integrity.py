"""Everything ``vanthu verify`` checks, as one function that ``vanthu restore`` calls too.

- the audit hash chains (``audit.verify``);
- the signed daily digests: signatures hold, the digests follow each other, the current chains
  still contain the heads of the latest digest (a rewritten table is caught even when every hash
  was recomputed), and no digest kept as a file has vanished from the database;
- files: every DocumentFile row's blob is present and hashes to its name
  (``registry.integrity``), and blobs that no row refers to are listed (never deleted);
- temporaries of killed writers not yet removed by the sweep are listed (warnings).
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone

from vanthu.audit.digest import folder, signature_holds
from vanthu.audit.models import AuditDigest, Event
from vanthu.audit.verify import verify_all
from vanthu.core import blobstore

PARTS = ("audit", "digest", "files", "references")
# Fields that hold a hash but not the address of a stored blob.
_NOT_ADDRESSES = {
    ("registry", "documentfile", "plaintext_sha256"),
    ("preservation", "fixitycheck", "sha256"),
}
DIGEST_STALE_DAYS = 2


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> Iterator[str]:
        yield from self.notes
        yield from (f"CẢNH BÁO: {w}" for w in self.warnings)
        yield from self.problems


def check_everything(
    *, only: str | None = None, sample: float | None = None, organization: Any = None
) -> Report:
    report = Report()
    if only in (None, "audit"):
        breaks = verify_all()
        report.problems += [f"NHẬT KÝ HỎNG: {b}" for b in breaks]
        if not breaks:
            report.notes.append("Nhật ký: mọi chuỗi băm đều toàn vẹn.")
    if only in (None, "audit", "digest"):
        digest_problems, digest_warnings = check_digests()
        report.problems += [f"TÓM TẮT NHẬT KÝ HỎNG: {p}" for p in digest_problems]
        report.warnings += digest_warnings
        if not digest_problems:
            report.notes.append(
                "Tóm tắt nhật ký: chữ ký đúng, chuỗi hiện tại chứa các đầu chuỗi đã ký."
            )
    if only in (None, "files"):
        from vanthu.registry.integrity import verify_files

        lines = [f"TỆP HỎNG: {line}" for line in verify_files(sample, organization)]
        report.problems += lines
        if not lines:
            report.notes.append("Tệp: mọi tệp khớp mã băm SHA-256.")
    if only in (None, "references") and organization is None and sample is None:
        orphans = unreferenced_blobs()
        report.warnings += [
            f"blob {sha} không được dòng dữ liệu nào tham chiếu (giữ nguyên)." for sha in orphans
        ]
        if not orphans:
            report.notes.append("Tham chiếu: mọi tệp trong kho đều có dòng dữ liệu tham chiếu.")
    if only in (None, "references") and organization is None and sample is None:
        leftovers = leftover_temporaries()
        report.warnings += leftovers
        if not leftovers:
            report.notes.append("Tệp tạm: không còn tệp tạm nào của tiến trình đã dừng.")
    return report


def leftover_temporaries() -> list[str]:
    """Temporaries of killed writers that the sweep has not removed yet (it removes them by
    itself: ``tmp/`` every run, the blob folders a slice per run); listed, never removed here."""
    lines: list[str] = []
    if blobstore.is_local():
        limit = blobstore.temp_max_age()
        lines += [
            f"tệp tạm {path.relative_to(blobstore.root())} của tiến trình ghi đã dừng (không "
            f"thay đổi quá {limit:g} giây); tiến trình dọn định kỳ sẽ xóa."
            for path in blobstore.stale_temporaries()
        ]
    lines += [
        f"tệp tải lên dở {path.name} của tiến trình web đã dừng; tiến trình dọn định kỳ sẽ xóa."
        for path in blobstore.stale_uploads()
    ]
    lines += [
        f"thư mục tạm {item.path.name}: {item.reason}; tiến trình dọn định kỳ sẽ xóa."
        for item in blobstore.system_scratch_leftovers()
    ]
    return lines


def check_digests() -> tuple[list[str], list[str]]:
    problems: list[str] = []
    warnings: list[str] = []
    digests = list(AuditDigest.objects.order_by("day"))
    previous = ""
    for digest in digests:
        day = f"{digest.day:%d/%m/%Y}"
        held = signature_holds(digest)
        if held is None:
            problems.append(f"ngày {day}: không có khóa {digest.key_id} để kiểm chữ ký.")
        elif not held:
            problems.append(f"ngày {day}: chữ ký không đúng (bản tóm tắt đã bị sửa).")
        if digest.previous != previous:
            problems.append(f"ngày {day}: không nối tiếp bản tóm tắt trước (đã bị xóa hoặc sửa).")
        previous = digest.signature
    if digests:
        problems += _heads_missing(digests[-1])
    problems += _files_without_rows({d.day.isoformat(): d.signature for d in digests})
    oldest = Event.objects.order_by("created_at").values_list("created_at", flat=True).first()
    stale = timezone.now() - datetime.timedelta(days=DIGEST_STALE_DAYS)
    newest_day = digests[-1].day if digests else None
    if (
        oldest is not None
        and oldest < stale
        and (newest_day is None or newest_day < timezone.localdate(stale))
    ):
        warnings.append(
            f"không có bản tóm tắt nhật ký nào trong {DIGEST_STALE_DAYS} ngày qua "
            "(lịch celery beat vanthu-audit-digest-daily có chạy không?)."
        )
    return problems, warnings


def _heads_missing(digest: AuditDigest) -> list[str]:
    """Every head the digest signed must still be in its chain with the same hash."""
    day = f"{digest.day:%d/%m/%Y}"
    wanted = {(key, int(seq)): h for key, (seq, h) in digest.heads.items()}
    found: dict[tuple[str, int], str] = {}
    items = list(wanted)
    for start in range(0, len(items), 500):
        q = Q()
        for key, seq in items[start : start + 500]:
            q |= Q(chain=key, seq=seq)
        for chain, seq, h in Event.objects.filter(q).values_list("chain", "seq", "hash"):
            found[(chain, seq)] = h
    problems = []
    for (key, seq), h in sorted(wanted.items()):
        if (key, seq) not in found:
            problems.append(f"chuỗi {key}: thiếu sự kiện #{seq} đã ký ngày {day}.")
        elif found[(key, seq)] != h:
            problems.append(
                f"chuỗi {key}: sự kiện #{seq} khác với bản đã ký ngày {day} (chuỗi bị viết lại)."
            )
    return problems


def _files_without_rows(signatures: dict[str, str]) -> list[str]:
    problems: list[str] = []
    target = folder()
    if not target.is_dir():
        return problems
    for entry in sorted(os.scandir(target), key=lambda e: e.name):
        if not entry.name.endswith(".json") or entry.name.startswith("."):
            continue
        day = entry.name.removesuffix(".json")
        try:
            with open(entry.path) as fh:
                kept = json.load(fh)
        except (OSError, ValueError):
            problems.append(f"tệp tóm tắt {entry.name} không đọc được.")
            continue
        if signatures.get(day) != kept.get("signature"):
            problems.append(
                f"bản tóm tắt ngày {day} có trong tệp lưu riêng nhưng trong cơ sở dữ liệu "
                "không có hoặc đã khác."
            )
    return problems


def _address_fields() -> list[tuple[type[models.Model], str]]:
    fields = []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if isinstance(f, models.CharField) and "sha256" in f.name and f.max_length == 64:
                key = (model._meta.app_label, model._meta.model_name, f.name)
                if key not in _NOT_ADDRESSES:
                    fields.append((model, f.name))
    return fields


def unreferenced_blobs() -> list[str]:
    """Blobs in the store that no row names (crash leftovers, or rows removed behind our back)."""
    stored = set(blobstore.iter_shas())
    if not stored:
        return []
    for model, name in _address_fields():
        values = model._default_manager.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True})
        for value in values.values_list(name, flat=True).iterator(chunk_size=5000):
            stored.discard(value)
        if not stored:
            break
    return sorted(stored)
