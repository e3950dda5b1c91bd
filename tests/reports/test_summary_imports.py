"""The dashboard's counter cells after the two preservation imports (an archival package and
the TT 02/2019 lists): each import calls ``summary.track`` in its transaction, and the cells then
equal a rebuild from the documents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.records.conftest import Office
from vanthu.orgs.models import User
from vanthu.preservation.package.export import export_dossier
from vanthu.preservation.package.importer import import_package
from vanthu.preservation.tt02 import export_lists, import_lists
from vanthu.records import services as records
from vanthu.records.models import Dossier
from vanthu.registry import services as registry
from vanthu.registry.models import Document
from vanthu.reports import summary
from vanthu.reports.models import DocumentTally

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_blob_store(settings: Any, tmp_path: Path) -> None:
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")


@pytest.fixture
def office(city: Any, make_user: Callable[..., User]) -> Office:
    return Office(city, make_user)


@pytest.fixture
def dossier(office: Office) -> Dossier:
    """A dossier of two registered documents with a file each, made through the services."""
    made = office.dossier()
    for i in range(2):
        doc = office.document(summary=f"Về việc hội nghị lần {i + 1}")
        upload = SimpleUploadedFile(
            "vb.pdf", b"%PDF-1.7 noi dung " + bytes([65 + i]) * 3000, "application/pdf"
        )
        registry.add_file(actor=office.clerk, document=doc, upload=upload)
        records.add_document(actor=office.clerk, dossier=made, document=doc)
    return made


def _check_after_import(office: Office, before: dict[Any, int]) -> None:
    imported = Document.objects.filter(organization=office.city.du1)
    assert imported.count() == 2
    # The cells equal a rebuild from the documents, and the registered documents of the
    # office are still counted (the comparison is not of two empty sets).
    assert summary.counts() == summary.expected()
    assert sum(summary.counts().values()) == 2
    # Imported records carry no number of this system's registers, so the statistics (and the
    # cells) do not count them: the import's ``track`` call leaves the cells as they were.
    assert not DocumentTally.objects.filter(document_id__in=imported.values("pk")).exists()
    assert summary.counts() == before


def test_package_import_keeps_the_counts_equal_to_a_rebuild(
    office: Office, dossier: Dossier, tmp_path: Path
) -> None:
    bag = export_dossier(actor=office.clerk, dossier_id=dossier.pk, out=tmp_path / "out")
    before = summary.counts()
    import_package(path=bag, organization=office.city.du1, actor=office.clerk)
    _check_after_import(office, before)


def test_tt02_import_keeps_the_counts_equal_to_a_rebuild(
    office: Office, dossier: Dossier, tmp_path: Path
) -> None:
    lists = export_lists(
        actor=office.clerk, dossier_ids=[dossier.pk], out=tmp_path / "a.xlsx", fmt="xlsx"
    )
    before = summary.counts()
    import_lists(path=lists, organization=office.city.du1, actor=office.clerk)
    _check_after_import(office, before)
