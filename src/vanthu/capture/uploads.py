"""Uploads of a scan batch: many files or a ZIP, copied into a private staging folder.

ZIPs are checked before a byte is extracted (Zip Slip: paths that climb out or are absolute;
ZIP bombs: total uncompressed size and compression ratio), and extraction itself is bounded,
because the sizes in a ZIP's directory are only claims.
"""

from __future__ import annotations

import shutil
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .detect import sanitize_filename

MAX_MEMBERS: Final = 10_000
# A scanned page compresses little (JPEG inside PDF): a ratio over 100 is a bomb, not a scan.
MAX_RATIO: Final = 100


def max_total_bytes() -> int:
    return int(getattr(settings, "VANTHU_MAX_ZIP_MB", 2048)) * 1024 * 1024


def staging_root() -> Path:
    return Path(settings.DATA_DIR) / "capture" / "staging"


def new_staging_folder() -> Path:
    folder = staging_root() / uuid.uuid4().hex
    folder.mkdir(parents=True, mode=0o700)
    return folder


def refuse(message: str) -> ValidationError:
    return ValidationError({"files": [message]})


def check_zip(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The file members of ``zf``, or a refusal for climbing paths and bombs."""
    members = [m for m in zf.infolist() if not m.is_dir()]
    if len(members) > MAX_MEMBERS:
        raise refuse(_("Tệp ZIP có quá nhiều tệp (hơn %d).") % MAX_MEMBERS)
    total = 0
    for m in members:
        path = PurePosixPath(m.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
            raise refuse(
                _("Tệp ZIP chứa đường dẫn không an toàn (%s): không nhận.") % m.filename[:100]
            )
        if m.flag_bits & 0x1:
            raise refuse(_("Tệp ZIP có mật khẩu: hãy gửi bản không đặt mật khẩu."))
        total += m.file_size
        if m.file_size > MAX_RATIO * max(m.compress_size, 1) and m.file_size > 1024 * 1024:
            raise refuse(_("Tệp nén bất thường (tỉ lệ nén quá lớn): không nhận."))
    if total > max_total_bytes():
        raise refuse(
            _("Tệp ZIP khi giải nén lớn hơn giới hạn %d MB.") % (max_total_bytes() // 1048576)
        )
    return members


def extract_zip(stream: BinaryIO, target: Path) -> int:
    """Extract the ZIP into ``target`` (flat, sanitised names); the number of files."""
    try:
        zf = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError) as exc:
        raise refuse(_("Tệp ZIP bị hỏng, không đọc được.")) from exc
    with zf:
        members = check_zip(zf)
        budget = max_total_bytes()
        for index, m in enumerate(members, start=1):
            name = f"{index:05d}-{sanitize_filename(PurePosixPath(m.filename).name)}"
            out_path = target / name
            try:
                with zf.open(m) as src, out_path.open("xb") as out:
                    written = _copy_bounded(src, out, min(m.file_size, budget))
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise refuse(_("Tệp ZIP bị hỏng, không đọc được.")) from exc
            budget -= written
    return len(members)


def _copy_bounded(src: IO[bytes], out: IO[bytes], limit: int) -> int:
    written = 0
    while chunk := src.read(1 << 20):
        written += len(chunk)
        if written > limit:
            # The member is larger than its directory entry said: a crafted bomb.
            raise refuse(_("Tệp nén bất thường (kích thước giải nén sai khai báo): không nhận."))
        out.write(chunk)
    return written


def stage_uploads(uploads: Iterable[UploadedFile]) -> Path:
    """Copy the uploaded files (a ZIP is extracted) into a new staging folder."""
    uploads = list(uploads)
    if not uploads:
        raise refuse(_("Chưa chọn tệp nào."))
    folder = new_staging_folder()
    try:
        count = 0
        for index, upload in enumerate(uploads, start=1):
            upload.seek(0)
            head = upload.read(4)
            upload.seek(0)
            if head == b"PK\x03\x04" and (upload.name or "").lower().endswith(".zip"):
                count += extract_zip(upload, folder)  # type: ignore[arg-type]
                continue
            name = f"u{index:05d}-{sanitize_filename(upload.name or 'tep')}"
            with (folder / name).open("xb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            count += 1
        if count == 0:
            raise refuse(_("Tệp ZIP không chứa tệp nào."))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder
