"""The import wizard of the web UI (docs/legacy-import.md): upload → columns and preview →
dry run → import, with progress and the report of every row.

An upload lives in its own folder under the data folder (``legacy-uploads/<token>/``) with a
small ``state.json`` (who, which organisation, which register) and, while a run goes on,
``progress.json``. Only the user who uploaded may open it (anyone else gets 404). The runs
themselves are ``vanthu.legacy.services.import_register`` in a background job.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.utils.translation import gettext as _

from vanthu.core import jobs
from vanthu.core.models import Job
from vanthu.legacy import columns
from vanthu.legacy.reading import max_bytes, open_source, refuse
from vanthu.legacy.services import _mapping
from vanthu.orgs.models import Organization, User
from vanthu.registry.models import Direction
from vanthu.registry.services import require_clerk

JOB_KIND = "legacy.import_upload"
PREVIEW_ROWS = 10
SUFFIXES = {".xlsx", ".xls", ".csv", ".txt", ".tsv"}
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def uploads_dir() -> Path:
    return Path(settings.DATA_DIR) / "legacy-uploads"


@dataclass
class Upload:
    token: str
    folder: Path
    state: dict[str, Any]

    @property
    def path(self) -> Path:
        return self.folder / self.state["file"]

    @property
    def report_path(self) -> Path:
        return self.folder / "bao-cao.csv"

    @property
    def organization(self) -> Organization:
        return Organization.objects.get(pk=self.state["organization"])

    @property
    def direction(self) -> str:
        return str(self.state["direction"])

    def save(self) -> None:
        _write_json(self.folder / "state.json", self.state)

    def progress(self) -> dict[str, Any]:
        try:
            return dict(json.loads((self.folder / "progress.json").read_text()))
        except (OSError, ValueError):
            return {}

    def job(self) -> Job | None:
        job_id = self.state.get("job")
        return Job.objects.filter(pk=job_id).first() if job_id else None


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Written under a temporary name, then renamed: a reader never sees half a file."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False))
    os.replace(tmp, path)


def _safe_name(name: str) -> str:
    base = Path(name).name.strip() or "so-cu"
    return re.sub(r"[^\w.\- ]", "_", base)[:120]


def save_upload(
    *, actor: User, organization: Organization, direction: str, upload: UploadedFile
) -> Upload:
    """Keep the uploaded register for the next steps; refused before anything is kept when the
    user is not its clerk, the register kind or the file is wrong."""
    require_clerk(actor, organization)
    errors: dict[str, list[str]] = {}
    if direction not in (Direction.INCOMING, Direction.OUTGOING):
        errors["direction"] = [_("Chỉ nhập được sổ văn bản đến hoặc văn bản đi.")]
    name = _safe_name(upload.name or "")
    if Path(name).suffix.lower() not in SUFFIXES:
        errors["file"] = [_("Chỉ nhận tệp .xlsx, .xls hoặc .csv.")]
    elif (upload.size or 0) == 0:
        errors["file"] = [_("Tệp rỗng.")]
    elif (upload.size or 0) > max_bytes():
        errors["file"] = [
            _("Tệp vượt giới hạn %d MB (VANTHU_IMPORT_MAX_MB).") % (max_bytes() // (1024 * 1024))
        ]
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(18)
    folder = uploads_dir() / token
    folder.mkdir(parents=True, exist_ok=False)
    with (folder / name).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    item = Upload(
        token=token,
        folder=folder,
        state={
            "actor": actor.pk,
            "organization": organization.pk,
            "direction": direction,
            "file": name,
        },
    )
    try:
        preview(item)  # a file that is no register is refused now, not after a wait
    except ValidationError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    item.save()
    return item


def get_upload(actor: User, token: str) -> Upload:
    """The user's own upload; any other token (or another user's) is 404."""
    if not _TOKEN.match(token):
        raise Http404
    folder = uploads_dir() / token
    try:
        state = json.loads((folder / "state.json").read_text())
    except (OSError, ValueError):
        raise Http404 from None
    if state.get("actor") != actor.pk:
        raise Http404
    return Upload(token=token, folder=folder, state=state)


@dataclass
class Preview:
    headers: list[str]  # the header row as typed (column 1, 2, …)
    fields: list[str]  # the fields of this kind of register, in form order
    mapping: dict[str, int]  # field -> 0-based column, -1 when not imported
    rows: list[tuple[int, list[str]]]  # (row in the file, the mapped fields' values)


def field_names(direction: str) -> list[str]:
    fields = columns.INCOMING_FIELDS if direction == Direction.INCOMING else columns.OUTGOING_FIELDS
    return list(fields)


def preview(upload: Upload, mapping: dict[str, Any] | None = None) -> Preview:
    """The header, the mapping (remembered for this source, else guessed, then ``mapping``)
    and the first rows as they would be read."""
    source = open_source(upload.path)
    try:
        first = []
        for row in source.rows:
            first.append(row)
            if len(first) >= columns.HEADER_SCAN_ROWS + PREVIEW_ROWS:
                break
    finally:
        source.close()
    if not first:
        raise refuse(_("Trang tính trống: không có dòng nào để nhập."))
    direction = upload.direction
    at = columns.find_header([r.values for r in first[: columns.HEADER_SCAN_ROWS]], direction)
    if at is None:
        raise refuse(
            _("Không tìm thấy dòng tiêu đề (Số đến, Ngày đến, Trích yếu…) trong %d dòng đầu.")
            % columns.HEADER_SCAN_ROWS
        )
    typed = ["" if v is None else str(v).strip() for v in first[at].values]
    folded = [columns.fold_header(v) for v in first[at].values]
    used = _mapping(
        organization=upload.organization,
        direction=direction,
        headers=folded,
        explicit=mapping or None,
    )
    fields = field_names(direction)
    rest = first[at + 1 :]
    if rest and columns.is_column_numbers(rest[0].values):
        rest = rest[1:]
    rows = []
    for row in rest[:PREVIEW_ROWS]:
        values = []
        for name in fields:
            index = used.get(name, -1)
            value = row.values[index] if 0 <= index < len(row.values) else None
            values.append("" if value is None else str(value))
        rows.append((row.number, values))
    return Preview(
        headers=typed,
        fields=fields,
        mapping={name: used.get(name, -1) for name in fields},
        rows=rows,
    )


def mapping_from_form(data: Any, direction: str, width: int) -> dict[str, Any]:
    """``col_<field>`` = 1-based column number, or empty for "not imported"."""
    mapping: dict[str, Any] = {}
    errors: list[str] = []
    for name in field_names(direction):
        raw = str(data.get(f"col_{name}", "")).strip()
        if raw == "":
            mapping[name] = None
        elif raw.isdigit() and 1 <= int(raw) <= width:
            mapping[name] = int(raw)
        else:
            errors.append(_("Cột của “%s” không hợp lệ.") % columns.FIELD_LABELS.get(name, name))
    if errors:
        raise ValidationError({"mapping": errors})
    return mapping


def start_run(*, actor: User, upload: Upload, mapping: dict[str, Any], dry_run: bool) -> Job:
    """Check the mapping now (a bad one is refused at once), then run in the background."""
    require_clerk(actor, upload.organization)
    running = upload.job()
    if running is not None and running.status in jobs.LIVE:
        raise ValidationError({"file": [_("Tệp này đang được xử lý, hãy chờ xong.")]})
    if upload.state.get("imported"):
        raise ValidationError({"file": [_("Tệp này đã được nhập rồi.")]})
    preview(upload, mapping)
    (upload.folder / "progress.json").unlink(missing_ok=True)
    job = jobs.enqueue(
        JOB_KIND,
        {"token": upload.token, "mapping": mapping, "dry_run": dry_run},
        max_attempts=1,
    )
    upload.state.update({"job": job.pk, "dry_run": dry_run, "mapping": mapping})
    upload.save()
    return job


def run_upload(token: str, mapping: dict[str, Any], dry_run: bool) -> dict[str, Any]:
    """The job's work: one ``import_register`` run, its progress written as it goes."""
    from vanthu.legacy.services import import_register

    folder = uploads_dir() / token
    state = json.loads((folder / "state.json").read_text())
    upload = Upload(token=token, folder=folder, state=state)
    actor = User.objects.get(pk=state["actor"])
    progress_path = folder / "progress.json"

    def progress(done: int, total: int, rate: float) -> None:
        _write_json(progress_path, {"done": done, "total": total, "rate": round(rate)})

    result = import_register(
        actor=actor,
        organization=upload.organization,
        direction=upload.direction,
        path=upload.path,
        mapping=mapping,
        dry_run=dry_run,
        report_path=upload.report_path,
        progress=progress,
    )
    if not dry_run:
        upload.state["imported"] = True
        upload.save()
    return {
        "dry_run": dry_run,
        "total": result.total,
        "taken": result.taken,
        "refused": result.refused,
        "seconds": round(result.seconds, 1),
        "encodings": result.encodings,
        "batch": result.batch_id,
        "register": result.register_id,
    }


def report_rows(upload: Upload, limit: int = 2000) -> list[list[str]]:
    """The report's rows (refused ones first), at most ``limit`` of them for the page."""
    import csv

    try:
        with upload.report_path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))[1:]
    except OSError:
        return []
    rows.sort(
        key=lambda r: (len(r) > 1 and r[1] != "từ chối", int(r[0]) if r and r[0].isdigit() else 0)
    )
    return rows[:limit]
