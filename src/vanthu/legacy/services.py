"""Importing an old register (docs/legacy-import.md): dry run, or one all-or-nothing run.

Imported rows are history, not new registrations: they keep their original numbers in a
register of their own (closed, so nothing new is ever numbered in it) and never touch a
Counter, so the next registration still gets the next number of the current sequence
(architecture.md invariant 1).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.audit.services import record
from vanthu.legacy import columns
from vanthu.legacy.models import ImportBatch, ImportProfile
from vanthu.legacy.reading import Row, Source, open_source, refuse
from vanthu.legacy.rows import Catalogue, RowBuilder, RowOutcome
from vanthu.legacy.storing import ChunkStore, Stored
from vanthu.orgs.models import Organization, User
from vanthu.registry.models import Direction, Document, Register
from vanthu.registry.services import require_clerk

CHUNK = 2000
REPORT_HEADER = ["Dòng", "Kết quả", "Lý do / ghi chú", "Số", "Số, ký hiệu", "Ngày", "Trích yếu"]
TAKEN, REFUSED = "nhận", "từ chối"

Progress = Callable[[int, int, float], None]


@dataclass
class ImportResult:
    dry_run: bool
    total: int = 0
    taken: int = 0
    refused: int = 0
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, int] = field(default_factory=dict)
    encodings: dict[str, int] = field(default_factory=dict)
    report_path: Path | None = None
    batch_id: int | None = None
    register_id: int | None = None
    seconds: float = 0.0


def default_report_path(path: Path, dry_run: bool) -> Path:
    suffix = "thu" if dry_run else "nhap"
    return path.with_name(f"{path.stem}.bao-cao-{suffix}.csv")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _find_header(source: Source, direction: str, explicit: bool) -> tuple[list[str], list[Row]]:
    """The folded header and the data rows read so far (the header is in the first rows)."""
    first: list[Row] = []
    for row in source.rows:
        first.append(row)
        if len(first) >= columns.HEADER_SCAN_ROWS:
            break
    if not first:
        raise refuse(_("Trang tính trống: không có dòng nào để nhập."))
    at = columns.find_header([r.values for r in first], direction)
    if at is None:
        if not explicit:
            raise refuse(
                _(
                    "Không tìm thấy dòng tiêu đề (Số đến, Ngày đến, Trích yếu…) trong %d dòng đầu; "
                    "hãy chỉ rõ cột bằng --mapping."
                )
                % columns.HEADER_SCAN_ROWS
            )
        return [], first
    headers = [columns.fold_header(v) for v in first[at].values]
    rest = first[at + 1 :]
    if rest and columns.is_column_numbers(rest[0].values):
        rest = rest[1:]
    return headers, rest


def _mapping(
    *,
    organization: Organization,
    direction: str,
    headers: list[str],
    explicit: str | dict[str, Any] | None,
) -> dict[str, int]:
    profile = ImportProfile.objects.filter(
        organization=organization, direction=direction, fingerprint=columns.fingerprint(headers)
    ).first()
    mapping = dict(profile.mapping) if profile else columns.auto_mapping(headers, direction)
    if explicit:
        mapping.update(columns.parse_mapping(explicit, headers, direction))
    if mapping.get("summary", -1) < 0:
        raise ValidationError(
            {"mapping": [_("Không xác định được cột Trích yếu; hãy chỉ rõ bằng --mapping.")]}
        )
    return mapping


def _remember(
    *, organization: Organization, direction: str, headers: list[str], mapping: dict[str, int]
) -> None:
    if headers:
        ImportProfile.objects.update_or_create(
            organization=organization,
            direction=direction,
            fingerprint=columns.fingerprint(headers),
            defaults={"headers": headers, "mapping": mapping},
        )


def _report_line(outcome: RowOutcome) -> list[Any]:
    doc = outcome.document
    words = outcome.reasons if not outcome.taken else outcome.notes
    return [
        outcome.row,
        TAKEN if outcome.taken else REFUSED,
        " ".join(words),
        doc.number if doc is not None and doc.number is not None else "",
        outcome.number_symbol,
        outcome.date.strftime("%d/%m/%Y") if outcome.date else "",
        outcome.summary[:120],
    ]


class _Run:
    """The row loop shared by the dry and the real run; ``store`` is None in a dry run."""

    def __init__(self, builder: RowBuilder, existing: set[tuple[str, str, str]]) -> None:
        self.builder = builder
        self.existing = existing
        self.seen_keys: dict[tuple[str, str, str], int] = {}
        self.seen_numbers: dict[tuple[str, int, int], int] = {}

    def judge(self, row: Row) -> RowOutcome:
        outcome = self.builder.build(row.number, row.values, row.hidden)
        doc = outcome.document
        if doc is None:
            return outcome
        key = self.builder.duplicate_key(doc)
        if key is not None:
            if key in self.existing:
                outcome.reasons.append(
                    _("Trùng: văn bản cùng số, ký hiệu, nơi ban hành và ngày đã có trong hệ thống.")
                )
            elif key in self.seen_keys:
                outcome.reasons.append(
                    _("Trùng với dòng %d của tệp (cùng số, ký hiệu, nơi ban hành và ngày).")
                    % self.seen_keys[key]
                )
        if doc.number is not None and not outcome.reasons:
            numbered = (doc.period_key, doc.counter_type_key, doc.number)
            if numbered in self.seen_numbers:
                outcome.reasons.append(
                    _("Số %(n)d năm %(y)s đã dùng ở dòng %(row)d.")
                    % {"n": doc.number, "y": doc.period_key, "row": self.seen_numbers[numbered]}
                )
            else:
                self.seen_numbers[numbered] = row.number
        if outcome.reasons:
            outcome.document = None
        elif key is not None:
            self.seen_keys[key] = row.number
        return outcome


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def import_register(
    *,
    actor: User,
    organization: Organization,
    direction: str,
    path: Path,
    mapping: str | dict[str, Any] | None = None,
    dry_run: bool = False,
    report_path: Path | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check (``dry_run``) or import every row of an old register file; report each row.

    The real run is one transaction: an unexpected error leaves nothing half-imported. Rows
    refused for a reason (bad date, duplicate, …) are skipped and reported either way.
    """
    require_clerk(actor, organization)
    if direction not in (Direction.INCOMING, Direction.OUTGOING):
        raise ValidationError({"direction": [_("Chỉ nhập được sổ văn bản đến hoặc văn bản đi.")]})
    started = time.monotonic()
    source = open_source(path, sheet=sheet)
    result = ImportResult(dry_run=dry_run)
    report_path = report_path or default_report_path(path, dry_run)
    result.report_path = report_path
    try:
        headers, first_rows = _find_header(source, direction, explicit=bool(mapping))
        result.headers = headers
        result.mapping = _mapping(
            organization=organization, direction=direction, headers=headers, explicit=mapping
        )
        builder = RowBuilder(
            organization=organization,
            direction=direction,
            mapping=result.mapping,
            catalogue=Catalogue(),
            source_name=path.name,
            today=timezone.localdate(),
        )
        existing = {
            key
            for doc in Document.objects.filter(organization=organization, direction=direction)
            .exclude(number_symbol="")
            .only("number_symbol", "sender", "issued_date")
            .iterator(chunk_size=5000)
            if (key := builder.duplicate_key(doc)) is not None
        }
        run = _Run(builder, existing)
        rows = _rows_after(first_rows, source.rows)
        with report_path.open("w", encoding="utf-8-sig", newline="") as report_file:
            report = csv.writer(report_file)
            report.writerow(REPORT_HEADER)
            done = _Progress(progress, source, started)
            if dry_run:
                for chunk in _chunks(rows, CHUNK):
                    _judge_chunk(run, chunk, result, report)
                    done(len(chunk))
            else:
                try:
                    _store_all(
                        run=run,
                        rows=rows,
                        result=result,
                        report=report,
                        stored=done,
                        actor=actor,
                        organization=organization,
                        direction=direction,
                        path=path,
                    )
                except Exception:
                    report.writerow(["", REFUSED, _("Lỗi giữa chừng: không dòng nào được nhập.")])
                    raise
    finally:
        source.close()
    result.encodings = dict(builder.encodings)
    result.seconds = time.monotonic() - started
    return result


def _rows_after(first: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from rest


def _judge_chunk(run: _Run, chunk: list[Row], result: ImportResult, report: Any) -> list[Document]:
    """Judge ``chunk``, write its report lines, count it; return the documents taken."""
    outcomes = [run.judge(row) for row in chunk]
    documents = [o.document for o in outcomes if o.document is not None]
    for outcome in outcomes:
        report.writerow(_report_line(outcome))
    result.total += len(outcomes)
    result.taken += len(documents)
    result.refused += len(outcomes) - len(documents)
    return documents


class _Progress:
    """Calls ``progress(done, total, rate)`` as rows are judged (dry run) or stored."""

    def __init__(self, progress: Progress | None, source: Source, started: float) -> None:
        self.progress = progress
        self.source = source
        self.started = started
        self.done = 0

    def __call__(self, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            elapsed = max(time.monotonic() - self.started, 1e-6)
            self.progress(self.done, max(self.source.total, self.done), self.done / elapsed)


@transaction.atomic
def _store_all(
    *,
    run: _Run,
    rows: Iterator[Row],
    result: ImportResult,
    report: Any,
    stored: Stored,
    actor: User,
    organization: Organization,
    direction: str,
    path: Path,
) -> None:
    incoming = direction == Direction.INCOMING
    stamp = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    register = Register.objects.create(
        organization=organization,
        direction=direction,
        series=Register.Series.ORDINARY,
        # NĐ 30 Điều 22 (số đến per year) and 36-HD/VPTW (số đi per type) as in the old books.
        scope=Register.Scope.ALL_TYPES if incoming else Register.Scope.PER_TYPE,
        period=Register.Period.YEAR,
        symbol_format=Register.SymbolFormat.STATE if incoming else Register.SymbolFormat.PARTY,
        name=(_("Sổ nhập từ dữ liệu cũ: %(file)s (%(when)s)") % {"file": path.name, "when": stamp})[
            :200
        ],
        # Never the default and closed: no new registration is ever numbered in it.
        is_default=False,
        closed=True,
    )
    # PostgreSQL: a thread writes chunk N while this one judges chunk N+1 (storing.py).
    store = ChunkStore(
        register=register, actor=actor, stored=stored, thread=connection.vendor == "postgresql"
    )
    store.start()
    try:
        for chunk in _chunks(rows, CHUNK):
            store.put(_judge_chunk(run, chunk, result, report), len(chunk))
    except BaseException:
        store.abandon()
        raise
    store.close()
    _remember(
        organization=organization,
        direction=direction,
        headers=result.headers,
        mapping=result.mapping,
    )
    batch = ImportBatch.objects.create(
        organization=organization,
        direction=direction,
        register=register,
        file_name=path.name[:255],
        file_sha256=_sha256(path),
        actor=actor,
        rows_total=result.total,
        rows_taken=result.taken,
        rows_refused=result.refused,
    )
    result.batch_id = batch.pk
    result.register_id = register.pk
    record(
        action="legacy.import",
        actor=actor,
        organization=organization,
        obj=batch,
        details={
            "file": path.name,
            "sha256": batch.file_sha256,
            "register": register.pk,
            "rows": result.total,
            "taken": result.taken,
            "refused": result.refused,
            "at": datetime.datetime.now(datetime.UTC).isoformat(),
        },
    )
