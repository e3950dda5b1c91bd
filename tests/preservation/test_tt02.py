"""TT 02/2019 dossier and document lists: Excel and XML round trips, and bad input refused with
nothing stored."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.http import Http404
from lxml import etree
from openpyxl import load_workbook

from vanthu.audit.models import Event
from vanthu.preservation.package import PackageError
from vanthu.preservation.tt02 import export_lists, import_lists, read_lists
from vanthu.records.models import Dossier
from vanthu.registry.models import Document

ORG_BOUND = {"FileCode", "Identifier", "OrganId", "DocCode"}


def _comparable(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: v for k, v in r.items() if k not in ORG_BOUND} for r in rows]


@pytest.mark.parametrize("fmt", ["xlsx", "xml"])
def test_round_trip_keeps_every_field(filled: Any, office: Any, tmp_path: Path, fmt: str) -> None:
    dossier, _files = filled
    first = tmp_path / f"a.{fmt}"
    out = StringIO()
    call_command("export-tt02", str(first), "--dossier", str(dossier.pk), "--user",
                 office.clerk.username, stdout=out)  # fmt: skip
    assert "TT 02/2019" in out.getvalue()
    dossiers, documents = read_lists(first)
    assert dossiers[0]["Title"] == dossier.title and dossiers[0]["DocTotal"] == "2"
    assert dossiers[0]["FileCode"] == f"VPTU.VPTU.2026.{dossier.code}"
    assert [d["Subject"] for d in documents] == ["Về việc hội nghị lần 1", "Về việc hội nghị lần 2"]
    assert documents[0]["IssuedDate"] == "02/03/2026" and documents[0]["TypeName"] == "Công văn"

    call_command("import-tt02", str(first), "--organization", "DU1", "--user",
                 office.clerk.username, stdout=out)  # fmt: skip
    imported = Dossier.objects.get(organization=office.city.du1)
    assert imported.code == dossier.code and imported.document_count == 2
    assert Event.objects.filter(action="preservation.tt02_import").count() == 1
    second = export_lists(
        actor=office.tu_head, dossier_ids=[imported.pk], out=tmp_path / f"b.{fmt}", fmt=fmt
    )
    again = read_lists(second)
    assert _comparable(again[0]) == _comparable(dossiers)
    assert _comparable(again[1]) == _comparable(documents)


def test_excel_has_the_form_labels_and_the_tags(filled: Any, office: Any, tmp_path: Path) -> None:
    dossier, _ = filled
    path = export_lists(actor=office.clerk, dossier_ids=[dossier.pk], out=tmp_path / "a.xlsx",
                        fmt="xlsx")  # fmt: skip
    sheet = load_workbook(path, read_only=True)["HoSo"]
    labels, tags = list(sheet.iter_rows(max_row=2, values_only=True))
    assert labels[:2] == ("Mã hồ sơ", "Mã cơ quan lưu trữ lịch sử") and tags[5] == "Title"


def test_hidden_dossier_is_404_and_existing_file_is_never_overwritten(
    filled: Any, office: Any, tmp_path: Path
) -> None:
    dossier, _ = filled
    with pytest.raises(Http404):
        export_lists(actor=office.outsider, dossier_ids=[dossier.pk], out=tmp_path / "x.xml",
                     fmt="xml")  # fmt: skip
    assert not (tmp_path / "x.xml").exists()
    (tmp_path / "y.xml").write_text("giữ nguyên")
    with pytest.raises(PackageError, match="không ghi đè"):
        export_lists(actor=office.clerk, dossier_ids=[dossier.pk], out=tmp_path / "y.xml",
                     fmt="xml")  # fmt: skip
    assert (tmp_path / "y.xml").read_text() == "giữ nguyên"


def _exported_xml(office: Any, dossier: Dossier, tmp_path: Path) -> etree._ElementTree:
    path = export_lists(actor=office.clerk, dossier_ids=[dossier.pk], out=tmp_path / "src.xml",
                        fmt="xml")  # fmt: skip
    return etree.parse(str(path))


@pytest.mark.parametrize(
    ("xpath", "value", "message"),
    [
        ("//HoSo/Title", "", "Hồ sơ dòng 1: thiếu Title."),
        ("//HoSo/FileCatalog", "26", "FileCatalog phải là năm"),
        ("//HoSo/StartDate", "2026-03-02", "StartDate '2026-03-02' không phải ngày dd/mm/yyyy"),
        ("//VanBan[1]/Subject", "x" * 501, "Trích yếu nội dung (Subject) dài quá 500 ký tự"),
        ("//VanBan[1]/PageAmount", "hai", "PageAmount 'hai' không phải số"),
        ("//VanBan[1]/FileCode", "KHAC.KHAC.2026.01", "mã hồ sơ KHAC.KHAC.2026.01 không có"),
    ],
)
def test_bad_rows_are_refused_and_nothing_is_stored(
    filled: Any, office: Any, tmp_path: Path, xpath: str, value: str, message: str
) -> None:
    dossier, _ = filled
    tree = _exported_xml(office, dossier, tmp_path)
    tree.xpath(xpath)[0].text = value
    bad = tmp_path / "bad.xml"
    tree.write(str(bad), encoding="UTF-8", xml_declaration=True)
    before = (Dossier.objects.count(), Document.objects.count())
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import-tt02", str(bad), "--organization", "DU1", "--user",
                     office.clerk.username, stdout=StringIO(), stderr=err)  # fmt: skip
    assert exc.value.returncode == 1
    assert message in err.getvalue() and "TỪ CHỐI" in err.getvalue()
    assert (Dossier.objects.count(), Document.objects.count()) == before


def test_existing_dossier_is_not_overwritten(filled: Any, office: Any, tmp_path: Path) -> None:
    dossier, _ = filled
    path = export_lists(actor=office.clerk, dossier_ids=[dossier.pk], out=tmp_path / "a.xlsx",
                        fmt="xlsx")  # fmt: skip
    with pytest.raises(PackageError, match=f"Đã có hồ sơ {dossier.code} năm 2026"):
        import_lists(path=path, organization=office.org, actor=office.clerk)
    assert Dossier.objects.filter(organization=office.org).count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", b"x", "Chỉ nhận tệp .xlsx hoặc .xml"),
        ("a.xlsx", b"not a workbook", "Không đọc được tệp Excel"),
        ("a.xml", b"<DanhMuc><HoSo>", "XML không hợp lệ"),
        ("a.xml", b"<Khac/>", "cần <DanhMuc>"),
        ("a.xml", b"<DanhMuc/>", "Tệp không có hồ sơ nào"),
    ],
)
def test_unreadable_files_are_clear_errors(
    filled: Any, office: Any, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(PackageError, match=message):
        import_lists(path=path, organization=office.city.du1, actor=office.clerk)
    assert not Dossier.objects.filter(organization=office.city.du1).exists()


def test_api_gives_the_lists_of_visible_dossiers_only(filled: Any, office: Any) -> None:
    from tests.records.conftest import client_for

    dossier, _ = filled
    response = client_for(office.clerk).get(
        "/api/v1/tt02/", {"dossier": dossier.pk, "output": "xml"}
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert "Về việc hội nghị lần 2".encode() in body and body.startswith(b"<?xml")
    hidden = client_for(office.outsider).get("/api/v1/tt02/", {"dossier": dossier.pk})
    assert hidden.status_code == 404 and dossier.title not in hidden.content.decode()
    bad = client_for(office.clerk).get("/api/v1/tt02/", {"dossier": "x", "output": "pdf"})
    assert bad.status_code == 400 and set(bad.json()) >= {"dossier", "output"}
