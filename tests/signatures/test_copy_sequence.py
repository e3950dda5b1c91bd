"""One copy sequence per organisation and year (NĐ 30 Phụ lục I Phần II.1c): the archive's
copies (bản sao, sao y, trích sao) and the office's electronic sao y take their numbers from one
counter (``registry.CopyCounter``, ``numbering.next_copy_number``); the data migration keeps the
numbers already given and continues after the highest; under concurrency no gap, no duplicate,
on both databases."""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from tests.archive.test_api_use import approve, ask, dossier_with_pdf
from tests.exchange import signing_pki as keys
from tests.exchange.test_signing import Pki
from tests.records.conftest import Office
from tests.registry.conftest import client_for
from tests.registry.test_concurrency import run_threads
from tests.signatures.conftest import api
from vanthu.archive.models import CertifiedCopy
from vanthu.orgs.models import User
from vanthu.registry import numbering
from vanthu.registry import services as registry
from vanthu.registry.models import CopyCounter
from vanthu.signatures.models import OrganizationSignature

fill_copy_counter = importlib.import_module("vanthu.registry.migrations.0010_fill_copy_counter")


@pytest.fixture
def office(city: Any, make_user: Callable[..., User]) -> Office:
    return Office(city, make_user)


@pytest.fixture
def archive(office: Office) -> Archive:
    return Archive(office)


class Archive:
    """An approved request for certified copies of a dossier's document (the archive tests'
    own helpers); each ``copy()`` issues one through the archive's API."""

    def __init__(self, office: Office) -> None:
        self.office = office
        dossier, self.doc, self.file_id = dossier_with_pdf(office)
        self.request = ask(office, dossier, "certified_copy")
        approve(office, self.request)

    def copy(self) -> int:
        answer = client_for(self.office.archivist).post(
            f"/api/v1/access-requests/{self.request}/copies/",
            {"document": self.doc.pk, "file": self.file_id, "kind": "sao_y"},
            format="json",
        )
        assert answer.status_code == 201, answer.content
        return int(answer["X-Copy-Number"])


def _electronic_copy(office: Office) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    doc = office.document(summary="Bản giấy cần sao y")
    scan = registry.add_file(
        actor=office.clerk,
        document=doc,
        upload=SimpleUploadedFile("ban-quet.pdf", keys.plain_pdf(), "application/pdf"),
    )
    answer = api(office.clerk).post(
        f"/api/v1/documents/{doc.pk}/files/{scan.pk}/certified-copy/", {}, format="json"
    )
    assert answer.status_code == 201, answer.content
    return answer.json()  # type: ignore[no-any-return]


@pytest.mark.django_db
def test_archive_copies_and_electronic_sao_y_share_one_sequence(
    org_key: Pki, office: Office, archive: Archive
) -> None:
    assert archive.copy() == 1
    electronic = _electronic_copy(office)
    assert electronic["copy_number"] == 2 and electronic["copy_symbol"] == "02/SY"
    assert archive.copy() == 3
    year = timezone.localdate().year
    assert CopyCounter.objects.get(organization=office.org, year=year).last_number == 3
    # Another organisation has a sequence of its own.
    assert numbering.peek_copy_number(organization=office.city.tu, year=year) == 1


@pytest.mark.django_db
def test_a_refused_copy_takes_no_number(org_key: Pki, office: Office, archive: Archive) -> None:
    assert archive.copy() == 1
    signed_scan = registry.add_file(
        actor=office.clerk,
        document=office.document(),
        upload=_upload(keys.signed_with(org_key.p12)),
    )
    refused = api(office.clerk).post(
        f"/api/v1/documents/{signed_scan.document_id}/files/{signed_scan.pk}/certified-copy/",
        {},
        format="json",
    )
    assert refused.status_code == 400
    assert _electronic_copy(office)["copy_number"] == 2


def _upload(data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ban-quet.pdf", data, "application/pdf")


@pytest.mark.django_db
def test_the_migration_continues_after_the_highest_number_given(
    org_key: Pki, office: Office, archive: Archive
) -> None:
    """Before the counter, the archive and the office numbered apart: both kept 01…; the
    migration starts the counter after the highest of either, and changes no number given."""
    archive.copy()
    _electronic_copy(office)
    year = timezone.localdate().year
    CertifiedCopy.objects.update(number=5)
    OrganizationSignature.objects.update(copy_number=7)
    CertifiedCopy.objects.create(
        **{
            f.name: getattr(CertifiedCopy.objects.get(), f.name)
            for f in CertifiedCopy._meta.concrete_fields
            if f.name not in ("id", "number", "year")
        },
        number=9,
        year=year - 1,
    )
    CopyCounter.objects.all().delete()

    fill_copy_counter.fill(apps, None)

    counters = dict(CopyCounter.objects.values_list("year", "last_number"))
    assert counters == {year: 7, year - 1: 9}
    assert sorted(CertifiedCopy.objects.values_list("number", flat=True)) == [5, 9]
    assert list(OrganizationSignature.objects.values_list("copy_number", flat=True)) == [7]
    assert archive.copy() == 8
    assert _electronic_copy(office)["copy_symbol"] == "09/SY"
    # Run again (a migration re-applied): nothing moves back.
    fill_copy_counter.fill(apps, None)
    assert CopyCounter.objects.get(year=year).last_number == 9


@pytest.mark.django_db(transaction=True)
def test_eight_threads_take_copy_numbers_with_no_gap_and_no_duplicate(city: Any) -> None:
    """Every thread starts at once on an organisation with no counter row yet (the first-row
    race too); some transactions roll back after taking a number, which must return nothing
    to the sequence because nothing left it."""
    year = timezone.localdate().year
    kept: list[int] = []

    class Abandon(Exception):
        pass

    def work(i: int) -> None:
        rng = random.Random(i)
        for _ in range(12):
            try:
                with transaction.atomic():
                    number = numbering.next_copy_number(organization=city.tu, year=year)
                    if rng.random() < 0.25:
                        raise Abandon
            except Abandon:
                continue
            kept.append(number)

    errors = run_threads(8, work)
    assert not errors, errors
    assert sorted(kept) == list(range(1, len(kept) + 1))
    assert len(kept) > 40
    assert CopyCounter.objects.get(organization=city.tu, year=year).last_number == len(kept)
