"""Re-reading blobs and recording what was found (docs/preservation.md, "Fixity").

TT 05/2025 Điều 26–31 asks for a full integrity check of all records within a cycle; we spread
it over the nights of ``VANTHU_FIXITY_CYCLE_DAYS`` so that the web is never blocked.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from vanthu.audit.services import record
from vanthu.core import blobstore
from vanthu.preservation.models import FixityCheck, Outcome
from vanthu.registry.models import DocumentFile

CHUNK = 1024 * 1024
DEFAULT_CYCLE_DAYS = 365


@dataclass(frozen=True)
class BlobResult:
    sha256: str
    outcome: str
    detail: str


def check_blob(sha256: str) -> BlobResult:
    """Re-read one blob: pass, fail (bytes no longer hash to the name) or missing."""
    try:
        present = blobstore.exists(sha256)
    except ValueError:
        return BlobResult(sha256, Outcome.FAIL, "tên không phải mã SHA-256")
    if not present:
        return BlobResult(sha256, Outcome.MISSING, "không tìm thấy tệp trong kho")
    try:
        # Local file or S3 object alike: read the stored bytes and hash them ourselves.
        actual, size = blobstore.digest(sha256)
    except FileNotFoundError:
        return BlobResult(sha256, Outcome.MISSING, "không tìm thấy tệp trong kho")
    except OSError as exc:
        return BlobResult(sha256, Outcome.FAIL, f"không đọc được: {exc.strerror or exc}")
    if actual != sha256:
        return BlobResult(sha256, Outcome.FAIL, f"mã băm thực tế {actual}, {size} byte")
    return BlobResult(sha256, Outcome.PASS, f"{size} byte")


def referenced_blobs(rows: Iterable[tuple[str, str | None]]) -> Iterator[str]:
    """Distinct blob names of (sha256, pdfa_sha256) pairs, in first-seen order."""
    seen: set[str] = set()
    for sha, pdfa in rows:
        for name in (sha, pdfa):
            if name and name not in seen:
                seen.add(name)
                yield name


def destroyed_file_ids() -> set[int]:
    """Files whose content an approved disposal deleted: their rows stay forever, their blobs
    are gone by design, so fixity and verify must not call them missing."""
    from vanthu.archive.models_disposal import DisposalItem  # the archive owns disposal

    ids: set[int] = set()
    for rows in DisposalItem.objects.values_list("destroyed_files", flat=True):
        ids.update(int(row["file"]) for row in rows or [])
    return ids


def all_blobs() -> list[str]:
    rows = (
        DocumentFile.objects.exclude(pk__in=destroyed_file_ids())
        .order_by("pk")
        .values_list("sha256", "pdfa_sha256")
        .iterator()
    )
    return list(referenced_blobs(rows))


@transaction.atomic
def record_check(result: BlobResult) -> FixityCheck:
    """Keep the check as an event; a mismatch or a missing file also alerts (audit)."""
    check = FixityCheck.objects.create(
        sha256=result.sha256,
        checked_at=timezone.now(),
        outcome=result.outcome,
        detail=result.detail[:500],
    )
    if result.outcome != Outcome.PASS:
        # Global chain: the alert names the blob only, never a document (titles may be secret).
        record(
            action="fixity.failed",
            obj=check,
            details={"sha256": result.sha256, "outcome": result.outcome, "detail": result.detail},
        )
        from vanthu.notify import services as notify

        notify.fixity_alert_after_commit(result.sha256, check.get_outcome_display())
    return check


def slice_size(total: int, cycle_days: float) -> int:
    """How many blobs one night re-reads so that all are read within the cycle."""
    if total <= 0:
        return 0
    return max(1, math.ceil(total / max(cycle_days, 1)))


def due_blobs(limit: int) -> list[str]:
    """The ``limit`` blobs checked longest ago (never-checked first)."""
    blobs = all_blobs()
    last = _last_checks()
    never = [b for b in blobs if b not in last]
    checked = sorted((b for b in blobs if b in last), key=lambda b: last[b])
    return (never + checked)[:limit]


def _last_checks() -> dict[str, datetime.datetime]:
    # One grouped read over the (indexed) checks; an IN list of every blob name would not scale.
    rows = FixityCheck.objects.values_list("sha256").annotate(last=Max("checked_at"))
    return dict(rows.values_list("sha256", "last"))


def run_slice(
    *, cycle_days: float = DEFAULT_CYCLE_DAYS, limit: int | None = None
) -> dict[str, int]:
    """One night's share of the cycle: re-read the blobs due, record each check."""
    if limit is None:
        limit = slice_size(len(all_blobs()), cycle_days)
    counts = {"pass": 0, "fail": 0, "missing": 0}
    for sha in due_blobs(limit):
        result = check_blob(sha)
        record_check(result)
        counts[result.outcome] += 1
    return counts


def failures() -> Q:
    return Q(outcome__in=[Outcome.FAIL, Outcome.MISSING])
