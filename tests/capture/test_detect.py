"""File types come from the bytes; names are made safe (issue 4 §1)."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tests.capture import samples
from vanthu.capture.detect import check_upload, detect_bytes, sanitize_filename


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (samples.blank_pdf(1), "pdf"),
        (b"\n\n%PDF-1.4 junk before the header is allowed", "pdf"),
        (samples.image_bytes("TIFF"), "tiff"),
        (samples.image_bytes("JPEG"), "jpeg"),
        (samples.image_bytes("PNG"), "png"),
        (samples.docx(["Xin chào"]), "docx"),
        (samples.odt(["Xin chào"]), "odt"),
        (samples.xlsx([["Số", "Ngày"]]), "xlsx"),
    ],
)
def test_type_is_read_from_the_bytes(data: bytes, kind: str) -> None:
    assert detect_bytes(data).kind == kind


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00 an executable",
        b"<html><body>not a document</body></html>",
        b"GIF89a....",
        samples._zip({"readme.txt": "a plain zip"}),
        samples._zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
    ],
)
def test_other_types_are_refused_with_the_accepted_list(data: bytes) -> None:
    with pytest.raises(ValidationError) as err:
        detect_bytes(data)
    assert "Chỉ nhận PDF, TIFF, JPEG, PNG, DOCX, ODT, XLSX" in err.value.message_dict["file"][0]


def test_zero_byte_file_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        detect_bytes(b"")
    assert "rỗng" in err.value.message_dict["file"][0]


def test_broken_office_zip_is_refused_clearly() -> None:
    data = samples.docx(["x"])[:60]
    with pytest.raises(ValidationError) as err:
        detect_bytes(data)
    assert "hỏng" in err.value.message_dict["file"][0]


def test_a_pdf_name_on_png_bytes_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        check_upload(io.BytesIO(samples.image_bytes("PNG")), "quyet-dinh.pdf")
    message = err.value.message_dict["file"][0]
    assert ".pdf" in message and "PNG" in message


def test_upload_check_returns_type_and_safe_name_and_rewinds() -> None:
    stream = io.BytesIO(samples.image_bytes("JPEG"))
    file_type, name = check_upload(stream, "C:\\Scans\\Công văn số 5.JPG")
    assert (file_type.kind, name) == ("jpeg", "Công văn số 5.JPG")
    assert stream.tell() == 0


def test_name_without_extension_is_judged_by_bytes_only() -> None:
    assert check_upload(io.BytesIO(samples.blank_pdf(1)), "scan0001")[0].kind == "pdf"


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\vt\\Nghị quyết 15.pdf", "Nghị quyết 15.pdf"),
        ("Quye\u0302\u0301t đi\u0323nh.pdf", "Quyết định.pdf"),  # NFD from macOS becomes NFC
        ("a\x00b\x1fc\u200b.pdf", "abc.pdf"),
        ('bad<>:"|?*name.pdf', "badname.pdf"),
        ("  ...hidden.pdf  ", "hidden.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("", "tệp"),
        ("../", "tệp"),
    ],
)
def test_file_names_are_sanitised(raw: str, safe: str) -> None:
    assert sanitize_filename(raw) == safe


def test_long_names_keep_their_extension() -> None:
    name = sanitize_filename("Đ" * 500 + ".pdf")
    assert name.endswith(".pdf") and len(name) <= 200


@given(st.text())
def test_sanitised_names_are_always_safe(raw: str) -> None:
    name = sanitize_filename(raw)
    assert name and len(name) <= 200
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert not any(unicodedata.category(ch)[0] == "C" for ch in name)
    assert unicodedata.is_normalized("NFC", name)
