"""What a download hands out: the plaintext, watermarked when the rules say so.

Classified files always carry the reader's name, the time and the red secrecy mark (issue 6
item 5; NĐ 63/2026). A classified file whose format cannot carry a mark is refused rather than
handed out unmarked: a copy without a mark could not be traced.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from django.core.exceptions import PermissionDenied

from vanthu.access import watermark
from vanthu.access.reads import record_read
from vanthu.core.enums import Secrecy
from vanthu.registry import files

if TYPE_CHECKING:
    from vanthu.orgs.models import User
    from vanthu.registry.models import DocumentFile

FileTampered = files.FileTampered


@dataclass
class Delivery:
    stream: BinaryIO
    filename: str
    content_type: str
    watermarked: bool


def deliver(*, user: User, file: DocumentFile) -> Delivery:
    """The bytes of ``file`` for ``user`` (who must already have been checked to see it).

    Raises ``PermissionDenied`` for a classified file that cannot be marked and
    ``FileTampered`` for an encrypted file whose tag fails (never garbage bytes)."""
    document = file.document
    name = file.original_name
    if not watermark.required(document.secrecy) or (
        document.secrecy == Secrecy.NONE and not watermark.can_mark(file.content_type)
    ):
        if files.is_sealed(file):
            # Authenticate the whole file before the first byte leaves.
            files.verify(file)
        record_read(
            user=user,
            document=document,
            action="document.download",
            details={
                "file": file.pk,
            },
        )
        return Delivery(files.open_file(file), name, file.content_type, watermarked=False)
    try:
        if not watermark.can_mark(file.content_type):
            raise watermark.CannotWatermark(
                "Định dạng tệp này không gắn được dấu bảo mật; không thể tải bản mật."
            )
        data = files.read_verified(file)
        mark = watermark.reader_mark(user, document)
        marked = watermark.watermark(data, content_type=file.content_type, mark=mark)
    except watermark.CannotWatermark as exc:
        record_read(
            user=user,
            document=document,
            action="document.download_refused",
            details={
                "file": file.pk,
                "reason": str(exc),
            },
        )
        raise PermissionDenied(str(exc)) from exc
    details: dict[str, object] = {"file": file.pk, "watermarked": True}
    if mark.copy_label:
        details["copy"] = mark.copy_label
    record_read(user=user, document=document, action="document.download", details=details)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return Delivery(io.BytesIO(marked), f"{stem}.pdf", "application/pdf", watermarked=True)
