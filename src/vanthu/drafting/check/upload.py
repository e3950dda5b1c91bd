"""Reading an uploaded draft for the format check: size limit, kind by content (not by name),
then the DOCX or PDF check. Bad input is a field error on ``file``; nothing is stored."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from vanthu.drafting.check import Finding, UnreadableFile
from vanthu.drafting.check.docx_check import check_docx
from vanthu.drafting.check.pdf_check import check_pdf

DEFAULT_MAX_MB = 20


def max_bytes() -> int:
    return int(getattr(settings, "VANTHU_DRAFTING_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def _error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def check_upload(upload: UploadedFile | None) -> list[Finding]:
    if upload is None:
        raise _error("Chưa chọn tệp để kiểm tra.")
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise _error(f"Tệp quá lớn: tối đa {limit // (1024 * 1024)} MB.")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _error(f"Tệp quá lớn: tối đa {limit // (1024 * 1024)} MB.")
    if not data:
        raise _error("Tệp rỗng.")
    try:
        if data.startswith(b"%PDF-"):
            return check_pdf(data)
        if data.startswith(b"PK\x03\x04"):
            return check_docx(data)
    except UnreadableFile as exc:
        raise _error(str(exc)) from exc
    raise _error("Chỉ kiểm tra được tệp DOCX hoặc PDF.")
