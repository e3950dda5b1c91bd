"""File type from the bytes, never from the name, and safe file names.

Text is extracted from (issue 4): PDF, TIFF, JPEG, PNG, DOCX, ODT, XLSX. Office files are ZIP
containers, told apart by what is inside (OOXML ``[Content_Types].xml`` parts, ODF ``mimetype``
member). A few more kinds are recognised (``OTHER_TYPES``) so that an office may accept them as
uploads (``VANTHU_UPLOAD_TYPES``): they are stored, and their text job says why it has no text.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Final

from django.core.exceptions import ValidationError

from vanthu.core.text import nfc


@dataclass(frozen=True)
class FileType:
    kind: str  # "pdf", "tiff", "jpeg", "png", "docx", "odt", "xlsx"; "ole", "rtf", "gif", "zip"
    content_type: str
    label: str  # what a clerk calls it, for messages
    short: str = ""  # its name in the list of accepted types; the kind in capitals if empty

    @property
    def listed(self) -> str:
        return self.short or self.kind.upper()

    @property
    def is_image(self) -> bool:
        return self.kind in IMAGE_KINDS

    @property
    def is_office(self) -> bool:
        return self.kind in OFFICE_KINDS


TYPES: Final[dict[str, FileType]] = {
    t.kind: t
    for t in (
        FileType("pdf", "application/pdf", "PDF"),
        FileType("tiff", "image/tiff", "ảnh TIFF"),
        FileType("jpeg", "image/jpeg", "ảnh JPEG"),
        FileType("png", "image/png", "ảnh PNG"),
        FileType(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word (DOCX)",
        ),
        FileType("odt", "application/vnd.oasis.opendocument.text", "OpenDocument (ODT)"),
        FileType(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel (XLSX)",
        ),
    )
}
# Recognised from the bytes but without text extraction: refused as uploads unless an office
# lists them in VANTHU_UPLOAD_TYPES (docs/capture.md, "Accepted files").
OTHER_TYPES: Final[dict[str, FileType]] = {
    t.kind: t
    for t in (
        FileType("ole", "application/x-ole-storage", "tệp Office cũ (DOC, XLS, PPT)", "DOC/XLS"),
        FileType("rtf", "application/rtf", "RTF"),
        FileType("gif", "image/gif", "ảnh GIF"),
        FileType("zip", "application/zip", "tệp nén ZIP"),
    )
}
KNOWN_TYPES: Final[dict[str, FileType]] = {**TYPES, **OTHER_TYPES}
IMAGE_KINDS: Final = frozenset({"tiff", "jpeg", "png"})
OFFICE_KINDS: Final = frozenset({"docx", "odt", "xlsx"})

# What a name's extension claims, to catch "a .pdf that is really a PNG" (issue 4, bad input).
EXTENSIONS: Final[dict[str, str]] = {
    ".pdf": "pdf",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jpe": "jpeg",
    ".png": "png",
    ".docx": "docx",
    ".odt": "odt",
    ".xlsx": "xlsx",
    ".doc": "ole",
    ".xls": "ole",
    ".ppt": "ole",
    ".rtf": "rtf",
    ".gif": "gif",
    ".zip": "zip",
    ".exe": "exe",
    ".txt": "txt",
    ".html": "html",
}

ACCEPTED_MESSAGE: Final = "Chỉ nhận PDF, TIFF, JPEG, PNG, DOCX, ODT, XLSX."
_ODF_TEXT: Final = b"application/vnd.oasis.opendocument.text"
# A ZIP whose member list alone is absurd is refused before anything is read from it.
_MAX_ZIP_MEMBERS: Final = 10_000


def refuse(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def detect(path: Path) -> FileType:
    """The type of the file at ``path`` from its bytes; ``ValidationError`` when not accepted."""
    with path.open("rb") as fh:
        return detect_stream(fh)


def detect_bytes(data: bytes) -> FileType:
    """``detect`` for data already in memory (small uploads, tests)."""
    return detect_stream(io.BytesIO(data))


def detect_stream(stream: BinaryIO) -> FileType:
    """``detect`` for a seekable stream (an upload); the stream is left at its start."""
    file_type = sniff_stream(stream)
    if file_type is None:
        raise refuse(f"Không nhận dạng được loại tệp từ nội dung. {ACCEPTED_MESSAGE}")
    if file_type.kind not in TYPES:
        raise refuse(f"Không nhận {file_type.label}. {ACCEPTED_MESSAGE}")
    return file_type


def sniff_stream(stream: BinaryIO) -> FileType | None:
    """Any type we recognise (``KNOWN_TYPES``) from the bytes, ``None`` for others; refuses
    empty files and broken office containers. The stream is left at its start."""
    stream.seek(0)
    head = stream.read(1024)
    if not head:
        raise refuse("Tệp rỗng (0 byte): không có nội dung để lưu.")
    kind = _sniff(head)
    if kind == "zip":
        kind = _office_kind(stream) or "zip"
    stream.seek(0)
    return KNOWN_TYPES[kind] if kind is not None else None


def accepted_message(kinds: Iterable[str]) -> str:
    """ "Chỉ nhận PDF, TIFF, …" for the accepted kinds, in the order of ``KNOWN_TYPES``."""
    wanted = set(kinds)
    return "Chỉ nhận " + ", ".join(t.listed for k, t in KNOWN_TYPES.items() if k in wanted) + "."


def check_upload(
    stream: BinaryIO, name: str, *, accepted: Iterable[str] | None = None
) -> tuple[FileType, str]:
    """What an upload endpoint calls before storing: (type from the bytes, safe file name).

    Refuses empty files, types outside ``accepted`` (default: the seven with text extraction;
    the registry passes ``VANTHU_UPLOAD_TYPES``), and names that claim another type.
    """
    kinds = frozenset(TYPES if accepted is None else accepted)
    file_type = sniff_stream(stream)
    if file_type is None:
        raise refuse(f"Không nhận dạng được loại tệp từ nội dung. {accepted_message(kinds)}")
    if file_type.kind not in kinds:
        raise refuse(f"Không nhận {file_type.label}. {accepted_message(kinds)}")
    check_claim(file_type, name)
    return file_type, sanitize_filename(name)


def upload_kinds(raw: str | Iterable[str]) -> tuple[str, ...]:
    """The kinds of ``VANTHU_UPLOAD_TYPES`` (a comma-separated string or a list), checked;
    ``ValueError`` naming the setting for an unknown kind or an empty list."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    kinds = tuple(dict.fromkeys(str(k).strip().lower() for k in items if str(k).strip()))
    unknown = [k for k in kinds if k not in KNOWN_TYPES]
    if unknown or not kinds:
        raise ValueError(
            f"VANTHU_UPLOAD_TYPES={raw!r}: phải là một hoặc nhiều loại trong "
            f"{', '.join(KNOWN_TYPES)}, cách nhau bằng dấu phẩy."
        )
    return kinds


def check_claim(file_type: FileType, name: str) -> None:
    """Refuse a file whose name claims a different type than its bytes show.

    A scanner's ``.tif`` that is a TIFF, or a name without a known extension, passes; a ``.pdf``
    that is a PNG does not: the clerk should know which file they picked.
    """
    claimed = EXTENSIONS.get(PurePosixPath(name.replace("\\", "/")).suffix.lower())
    if claimed is not None and claimed != file_type.kind:
        ext = PurePosixPath(name.replace("\\", "/")).suffix.lower()
        raise refuse(
            f"Tên tệp có đuôi {ext} nhưng nội dung là {file_type.label}: "
            "hãy kiểm tra lại tệp đã chọn."
        )


def _sniff(head: bytes) -> str | None:
    # PDF readers accept the header anywhere in the first 1024 bytes (PDF 1.7 Annex H.3).
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "tiff"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2 compound file
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    return None


def _office_kind(stream: BinaryIO) -> str | None:
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as zf:
            infos = zf.infolist()
            if len(infos) > _MAX_ZIP_MEMBERS:
                raise refuse("Tệp nén có quá nhiều thành phần.")
            names = {i.filename for i in infos}
            if "mimetype" in names:
                info = zf.getinfo("mimetype")
                if info.file_size <= 200 and zf.read("mimetype").strip() == _ODF_TEXT:
                    return "odt"
                return None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise refuse("Tệp Office bị hỏng (không đọc được nội dung nén).") from exc
    return None


# Characters Windows, macOS or a shell would choke on, plus every control character.
_UNSAFE: Final = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f]')
_SPACES: Final = re.compile(r"\s+")
_RESERVED: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
MAX_NAME_LENGTH: Final = 200


def sanitize_filename(name: str, *, default: str = "tệp") -> str:
    """A name safe to store and to offer for download, Vietnamese letters kept (NFC).

    Paths are stripped (``../../etc/passwd`` → ``passwd``, ``C:\\scan\\a.pdf`` → ``a.pdf``),
    control and shell-hostile characters removed, whitespace collapsed, leading dots removed (no
    hidden files), length bounded with the extension kept.
    """
    name = nfc(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("", name)
    name = _SPACES.sub(" ", name).strip().lstrip(".").strip(" .")
    if not name:
        return default
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        stem, ext = name, ""
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    if len(stem) + len(ext) + 1 > MAX_NAME_LENGTH:
        stem = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip(" .")
    return f"{stem}.{ext}" if ext else stem
