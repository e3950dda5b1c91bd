"""Born-digital and office files give their text directly; bad files are refused (issue 4)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from tests.capture import samples
from vanthu.capture.detect import detect
from vanthu.capture.extract import extract_office, extract_pdf, inspect_pdf
from vanthu.capture.pipeline import capture


def _refusal(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return exc.value.message_dict["file"][0]


def test_born_digital_pdf_gives_text_per_page_without_ocr(tmp_path: Path) -> None:
    path = samples.write(
        tmp_path, "a.pdf", samples.text_pdf([samples.VIETNAMESE, "Trang hai: Điều 1."])
    )
    result = extract_pdf(path)
    assert not result.needs_ocr
    assert result.page_count == 2
    assert samples.VIETNAMESE in result.pages[0]
    assert "Điều 1" in result.pages[1]


def test_an_image_page_without_text_sends_the_pdf_to_ocr(tmp_path: Path) -> None:
    scan = samples.image_pdf(samples.image_bytes("PNG", size=(400, 560)))
    path = samples.write(tmp_path, "scan.pdf", scan)
    assert extract_pdf(path).needs_ocr


def test_a_blank_vector_page_needs_no_ocr(tmp_path: Path) -> None:
    path = samples.write(tmp_path, "blank.pdf", samples.blank_pdf(1))
    assert not extract_pdf(path).needs_ocr


def test_born_digital_capture_has_fields_and_no_pdfa(tmp_path: Path) -> None:
    header = (
        "TỈNH ỦY NAM ĐỊNH\nSố 15-NQ/TU\nNam Định, ngày 24 tháng 3 năm 2018\n"
        "NGHỊ QUYẾT\nvề kinh tế biển"
    )
    path = samples.write(tmp_path, "nq.pdf", samples.text_pdf([header]))
    result = capture(path, tmp_path)
    assert result.pdfa_path is None and result.ocr_confidence is None
    assert result.page_count == 1
    assert result.suggested_fields["number_symbol"]["value"] == "15-NQ/TU"
    assert result.suggested_fields["date"]["value"] == "2018-03-24"


@pytest.mark.parametrize(
    ("maker", "name"),
    [(samples.docx, "a.docx"), (samples.odt, "a.odt")],
)
def test_office_documents_give_their_paragraphs(tmp_path: Path, maker: object, name: str) -> None:
    path = samples.write(tmp_path, name, maker(["Kính gửi: Văn phòng Tỉnh ủy", "Điều 2."]))  # type: ignore[operator]
    result = extract_office(path, detect(path))
    assert result.pages == ["Kính gửi: Văn phòng Tỉnh ủy\nĐiều 2."]


def test_spreadsheet_rows_become_lines(tmp_path: Path) -> None:
    path = samples.write(
        tmp_path, "a.xlsx", samples.xlsx([["Số", "Trích yếu"], ["15", "Nghị quyết"]])
    )
    assert extract_office(path, detect(path)).pages == ["Số | Trích yếu\n15 | Nghị quyết"]


def test_corrupt_pdf_is_refused(tmp_path: Path) -> None:
    path = samples.write(tmp_path, "bad.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    with pytest.raises(ValidationError) as err:
        extract_pdf(path)
    assert "hỏng" in _refusal(err) or "không có trang" in _refusal(err)


def test_truncated_pdf_is_refused(tmp_path: Path) -> None:
    data = samples.text_pdf([samples.VIETNAMESE])
    path = samples.write(tmp_path, "cut.pdf", data[: len(data) // 3])
    with pytest.raises(ValidationError):
        capture(path, tmp_path)


def test_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    path = samples.write(tmp_path, "secret.pdf", samples.encrypted_pdf(user_password="mật-khẩu"))
    with pytest.raises(ValidationError) as err:
        extract_pdf(path)
    assert "mật khẩu" in _refusal(err)


def test_owner_password_pdf_still_gives_its_text(tmp_path: Path) -> None:
    path = samples.write(tmp_path, "locked.pdf", samples.encrypted_pdf(user_password=""))
    result = extract_pdf(path)
    assert result.encrypted and samples.VIETNAMESE in result.pages[0]


@override_settings(VANTHU_MAX_PAGES=3)
def test_pdf_with_too_many_pages_is_refused(tmp_path: Path) -> None:
    path = samples.write(tmp_path, "long.pdf", samples.blank_pdf(4))
    with pytest.raises(ValidationError) as err:
        inspect_pdf(path)
    assert "4 trang" in _refusal(err) and "3 trang" in _refusal(err)


def test_default_page_limit_is_2000(tmp_path: Path) -> None:
    from vanthu.capture.extract import max_pages

    assert max_pages() == 2000


def test_office_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document>" + " " * 30_000_000 + "</w:document>")
    with pytest.raises(ValidationError) as err:
        extract_office(path, detect(path))
    assert "nén" in _refusal(err)


def test_office_xml_with_entities_is_refused(tmp_path: Path) -> None:
    evil = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'
    path = samples.write(
        tmp_path,
        "evil.docx",
        samples._zip({"[Content_Types].xml": "<T/>", "word/document.xml": evil}),
    )
    with pytest.raises(ValidationError):
        extract_office(path, detect(path))
