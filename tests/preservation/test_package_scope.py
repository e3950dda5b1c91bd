"""``vanthu export-package --transfer`` and ``--fonds``: the package holds the transfer's or the
fonds' dossiers in their order, only those its maker may see, and refuses what it may not see."""

from __future__ import annotations

import datetime
import io
import zipfile
from io import StringIO
from pathlib import Path
from typing import Any

import bagit
import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from tests.preservation.test_web import _client
from tests.records.conftest import Office
from vanthu.archive import services
from vanthu.archive.services_storage import assign_number, create_fonds
from vanthu.records import services as records
from vanthu.records.models import Dossier


def _closed(office: Office, code: str, title: str) -> Dossier:
    dossier = office.dossier(code=code, title=title)
    document = office.document(issued=datetime.date(2025, 3, 10), summary=f"Về {title.lower()}")
    records.add_document(actor=office.clerk, dossier=dossier, document=document)
    return records.close_dossier(actor=office.clerk, dossier=dossier)


@pytest.fixture
def archived(office: Office) -> dict[str, Any]:
    two = _closed(office, "02.VP", "Hồ sơ hội nghị tổng kết")
    one = _closed(office, "01.VP", "Hồ sơ nghị quyết năm")
    transfer = services.create_transfer(
        actor=office.clerk, organization=office.org, dossiers=[two, one]
    )
    services.accept_transfer(actor=office.archivist, transfer=transfer)
    fonds = create_fonds(
        actor=office.archivist, organization=office.org, kind="party", code="P1", name="Phông Đảng"
    )
    for n, dossier in enumerate([one, two], start=1):
        assign_number(
            actor=office.archivist, dossier=dossier, fonds=fonds, catalogue_number=1, file_number=n
        )
    return {"transfer": transfer, "fonds": fonds, "one": one, "two": two}


def _titles(bag_dir: Path) -> list[str]:
    """The dossier titles of a bag (each package's METS LABEL), after bagit validates it."""
    bagit.Bag(str(bag_dir)).validate()
    labels = []
    for mets in sorted((bag_dir / "data").glob("*/METS.xml")):
        labels.append(etree.parse(str(mets)).getroot().get("LABEL"))
    return sorted(labels)


def test_a_transfer_and_a_fonds_export_as_valid_bags(
    office: Office, archived: dict[str, Any], tmp_path: Path
) -> None:
    out = StringIO()
    call_command("export-package", str(tmp_path / "t"), "--transfer", str(archived["transfer"].pk),
                 "--user", office.archivist.username, stdout=out)  # fmt: skip
    assert "2 hồ sơ" in out.getvalue()
    assert _titles(tmp_path / "t") == ["Hồ sơ hội nghị tổng kết", "Hồ sơ nghị quyết năm"]

    out = StringIO()
    call_command("export-package", str(tmp_path / "f"), "--fonds", str(archived["fonds"].pk),
                 "--user", office.archivist.username, stdout=out)  # fmt: skip
    assert "2 hồ sơ" in out.getvalue()
    assert _titles(tmp_path / "f") == ["Hồ sơ hội nghị tổng kết", "Hồ sơ nghị quyết năm"]


def test_what_the_user_may_not_see_is_not_found(
    office: Office, archived: dict[str, Any], tmp_path: Path
) -> None:
    for option, pk in [("--transfer", archived["transfer"].pk), ("--fonds", archived["fonds"].pk),
                       ("--transfer", 999999), ("--fonds", 999999)]:  # fmt: skip
        with pytest.raises(CommandError, match="Không tìm thấy"):
            call_command("export-package", str(tmp_path / "x"), option, str(pk),
                         "--user", office.outsider.username)  # fmt: skip
    assert not (tmp_path / "x").exists()


def test_one_choice_at_a_time(office: Office, archived: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("export-package", str(tmp_path / "y"), "--transfer", "1", "--fonds", "1",
                     "--user", office.archivist.username)  # fmt: skip
    with pytest.raises(CommandError):
        call_command("export-package", str(tmp_path / "y"), "--user", office.archivist.username)
    assert not (tmp_path / "y").exists()


def test_a_transfer_package_downloads_as_a_zip_for_those_who_see_it(
    office: Office, archived: dict[str, Any], settings: Any
) -> None:
    url = f"/bao-quan/nop-luu/{archived['transfer'].pk}/goi-eark.zip"
    archivist = _client(office.archivist, settings)
    page = archivist.get(f"/luu-tru/nop-luu/{archived['transfer'].pk}/").content.decode()
    assert url in page  # the button on the transfer's page
    dossier_page = archivist.get(f"/ho-so/{archived['one'].pk}/").content.decode()
    assert f"/bao-quan/ho-so/{archived['one'].pk}/goi-eark.zip" in dossier_page
    answer = archivist.get(url)
    assert answer.status_code == 200
    assert answer["Content-Disposition"].endswith(
        'goi-eark-nop-luu-{}.zip"'.format(archived["transfer"].pk)
    )
    data = b"".join(answer.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        labels = sorted(
            etree.fromstring(zf.read(n)).get("LABEL")
            for n in zf.namelist()
            if n.endswith("METS.xml")
        )
    assert labels == ["Hồ sơ hội nghị tổng kết", "Hồ sơ nghị quyết năm"]
    outsider = _client(office.outsider, settings)
    assert outsider.get(url).status_code == 404
    assert outsider.get("/bao-quan/nop-luu/999999/goi-eark.zip").status_code == 404
