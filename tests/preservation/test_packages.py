"""Archival packages: validated by the independent ``bagit`` library and the METS schema."""

from __future__ import annotations

import hashlib
from io import StringIO
from pathlib import Path
from typing import Any

import bagit
import pytest
from django.core.management import CommandError, call_command
from django.http import Http404
from lxml import etree

from vanthu.preservation.package import PackageError
from vanthu.preservation.package.export import export_dossier
from vanthu.preservation.package.importer import import_package
from vanthu.records import services as records
from vanthu.records.models import Dossier

SCHEMA = Path(__file__).parent / "schema" / "mets.xsd"


def _package(bag: Path) -> Path:
    (package,) = [p for p in (bag / "data").iterdir() if p.is_dir()]
    return package


def _data_files(bag: Path) -> list[tuple[str, str]]:
    """(name after the fileCode, SHA-256) of every data file of the package."""
    out = []
    for f in sorted((_package(bag) / "representations/rep1/data").iterdir()):
        ordinal = ".".join(f.name.split(".")[-3:])  # <n>.<k>.<ext>
        out.append((ordinal, hashlib.sha256(f.read_bytes()).hexdigest()))
    return out


def test_export_is_a_valid_bag_with_valid_mets(filled: Any, office: Any, tmp_path: Path) -> None:
    dossier, files = filled
    bag = export_dossier(actor=office.clerk, dossier_id=dossier.pk, out=tmp_path / "out")
    bagit.Bag(str(bag)).validate()
    package = _package(bag)
    for rel in ("METS.xml", "metadata/descriptive/EAD.xml", "metadata/preservation/PREMIS.xml"):
        assert (package / rel).is_file()
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    mets = etree.parse(str(package / "METS.xml"))
    assert schema.validate(mets), schema.error_log
    ns = {"m": "http://www.loc.gov/METS/"}
    data_files = mets.xpath(
        "//m:fileGrp[starts-with(@USE, 'Representations')]/m:file", namespaces=ns
    )
    assert {f.get("CHECKSUM").lower() for f in data_files} == {f.sha256 for f in files}
    uses = {g.get("USE") for g in mets.xpath("//m:fileGrp", namespaces=ns)}
    assert uses == {"Documentation", "Schemas", "Representations/rep1/Data"}
    for f in mets.xpath("//m:file", namespaces=ns):  # every file the METS lists is there
        href = f.find("m:FLocat", ns).get("{http://www.w3.org/1999/xlink}href")
        assert (
            hashlib.sha256((package / href).read_bytes()).hexdigest() == f.get("CHECKSUM").lower()
        )
    ead = etree.parse(str(package / "metadata/descriptive/EAD_doc_1.xml")).getroot()
    assert ead.tag == "simpledc" and ead.findtext("typeName") == "22"  # Công văn
    assert ead.findtext("issuedDate") == "02/03/2026"
    premis = (package / "metadata/preservation/PREMIS.xml").read_text()
    assert "ingestion" in premis and "format identification" in premis


def test_round_trip_gives_the_same_files_and_checksums(filled: Any, office: Any,
                                                      tmp_path: Path) -> None:  # fmt: skip
    dossier, _files = filled
    first = export_dossier(actor=office.clerk, dossier_id=dossier.pk, out=tmp_path / "a")
    out = StringIO()
    call_command("import-package", str(first), "--organization", "DU1", "--user",
                 office.clerk.username, stdout=out)  # fmt: skip
    assert "2 văn bản" in out.getvalue()
    imported = Dossier.objects.get(organization=office.city.du1)
    assert imported.code == dossier.code and imported.document_count == 2
    admin = office.tu_head  # a leader of TU sees DU1's dossiers
    second = export_dossier(actor=admin, dossier_id=imported.pk, out=tmp_path / "b")
    bagit.Bag(str(second)).validate()
    assert _data_files(first) == _data_files(second)
    one = etree.parse(str(_package(first) / "metadata/descriptive/EAD_doc_2.xml")).getroot()
    two = etree.parse(str(_package(second) / "metadata/descriptive/EAD_doc_2.xml")).getroot()
    keep = ("subject", "codeNumber", "codeNotation", "issuedDate", "typeName", "organName")
    assert [one.findtext(k) for k in keep] == [two.findtext(k) for k in keep]


def test_invisible_dossier_is_404_and_writes_nothing(filled: Any, office: Any,
                                                     tmp_path: Path) -> None:  # fmt: skip
    dossier, _ = filled
    with pytest.raises(Http404):
        export_dossier(actor=office.outsider, dossier_id=dossier.pk, out=tmp_path / "x")
    assert not (tmp_path / "x").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_classified_document_only_for_entitled_users(filled: Any, office: Any,
                                                     tmp_path: Path) -> None:  # fmt: skip
    dossier, _ = filled
    secret = office.document(summary="Tài liệu mật về nhân sự", secrecy="secret")
    records.add_document(actor=office.clerk, dossier=dossier, document=secret)
    seen = export_dossier(actor=office.clerk, dossier_id=dossier.pk, out=tmp_path / "c")
    assert "nhân sự" in (_package(seen) / "metadata/descriptive/EAD_doc_3.xml").read_text()
    # The dossier is now Mật: the specialist without clearance may not see it at all.
    with pytest.raises(Http404):
        export_dossier(actor=office.specialist, dossier_id=dossier.pk, out=tmp_path / "s")


def test_existing_out_is_never_overwritten(filled: Any, office: Any, tmp_path: Path) -> None:
    dossier, _ = filled
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("giữ nguyên")
    with pytest.raises(PackageError):
        export_dossier(actor=office.clerk, dossier_id=dossier.pk, out=tmp_path / "out")
    assert (tmp_path / "out" / "keep.txt").read_text() == "giữ nguyên"


@pytest.fixture
def exported(filled: Any, office: Any, tmp_path: Path) -> Path:
    dossier, _ = filled
    return export_dossier(actor=office.clerk, dossier_id=dossier.pk, out=tmp_path / "pkg")


def _refused(bag: Path, office: Any) -> str:
    before = Dossier.objects.count()
    err = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import-package", str(bag), "--organization", "DU2", "--user",
                     office.clerk.username, stderr=err)  # fmt: skip
    assert info.value.returncode == 1
    assert Dossier.objects.count() == before
    return err.getvalue()


def test_wrong_checksum_is_refused(exported: Path, office: Any) -> None:
    data = next((_package(exported) / "representations/rep1/data").iterdir())
    data.write_bytes(data.read_bytes()[:-1] + b"Z")
    report = _refused(exported, office)
    assert "toàn vẹn" in report and data.name in report


def test_truncated_package_is_refused(exported: Path, office: Any) -> None:
    data = next((_package(exported) / "representations/rep1/data").iterdir())
    data.unlink()
    report = _refused(exported, office)
    assert data.name in report


def test_climbing_paths_are_refused(exported: Path, office: Any, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("bí mật")
    sha = hashlib.sha256(outside.read_bytes()).hexdigest()
    with (exported / "manifest-sha256.txt").open("a") as fh:
        fh.write(f"{sha}  data/../../outside.txt\n")
    report = _refused(exported, office)
    assert "vượt ra ngoài gói" in report


def test_climbing_href_in_mets_is_refused(exported: Path, office: Any) -> None:
    mets = _package(exported) / "METS.xml"
    text = mets.read_text().replace("representations/rep1/data/", "../../../etc/", 1)
    mets.write_text(text)
    # Re-seal the bag so that only the METS path is wrong.
    bag = bagit.Bag(str(exported))
    bag.save(manifests=True)
    report = _refused(exported, office)
    assert "vượt ra ngoài gói" in report


def test_import_never_overwrites_an_existing_dossier(exported: Path, office: Any) -> None:
    report = _refused_same_org(exported, office)
    assert "không ghi đè" in report


def _refused_same_org(bag: Path, office: Any) -> str:
    with pytest.raises(PackageError) as info:
        import_package(path=bag, organization=office.org, actor=office.clerk)
    return "\n".join(info.value.problems)


def test_not_a_bag_is_refused(tmp_path: Path, office: Any) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(PackageError, match=r"bagit\.txt"):
        import_package(path=tmp_path / "empty", organization=office.org, actor=office.clerk)
