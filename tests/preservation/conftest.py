"""Fixtures of the preservation tests: an office with a dossier of documents with files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.records.conftest import Office
from vanthu.orgs.models import User
from vanthu.records import services as records
from vanthu.records.models import Dossier
from vanthu.registry import services as registry
from vanthu.registry.models import DocumentFile


@pytest.fixture(autouse=True)
def own_blob_store(settings: Any, tmp_path: Path) -> Path:
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")
    return tmp_path / "blobs"


@pytest.fixture
def office(city: Any, make_user: Callable[..., User]) -> Office:
    return Office(city, make_user)


def attach(office: Office, document: Any, content: bytes, name: str = "vb.pdf") -> DocumentFile:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return registry.add_file(actor=office.clerk, document=document, upload=upload)


@pytest.fixture
def filled(office: Office) -> tuple[Dossier, list[DocumentFile]]:
    dossier = office.dossier()
    files = []
    for i in range(2):
        doc = office.document(summary=f"Về việc hội nghị lần {i + 1}")
        files.append(attach(office, doc, b"%PDF-1.7 noi dung " + bytes([65 + i]) * 3000))
        records.add_document(actor=office.clerk, dossier=dossier, document=doc)
    return dossier, files
