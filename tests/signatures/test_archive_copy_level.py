"""The archive's certified copies keep the PAdES level their signature reached, as the
organisation's signatures do (docs/signatures.md, "Mức chữ ký"): on the copy, in its audit event,
in the API's answer and on the copy desk page; a revoked key issues nothing; the page lists only
copies of documents the viewer may see.

The timestamp authority and the CRL are a real HTTP server on loopback
(``tests.exchange.signing_pki.Authority``); the CA is generated at run time."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.archive.test_api_use import approve, ask, dossier_with_pdf, with_pdf
from tests.exchange.signing_pki import Authority
from tests.exchange.test_signing import PASS
from tests.records.conftest import Office
from tests.registry.conftest import client_for
from vanthu.access.services import grant_access
from vanthu.archive.models import CertifiedCopy, UseEntry
from vanthu.audit.models import Event
from vanthu.exchange.verify import verify_all
from vanthu.orgs.models import User
from vanthu.records import services as records
from vanthu.registry import numbering
from vanthu.registry import services as registry

pytestmark = pytest.mark.django_db

level_migration = importlib.import_module(
    "vanthu.archive.migrations.0006_certifiedcopy_signing_level"
)


@pytest.fixture(scope="module")
def authority() -> Iterator[Authority]:
    served = Authority().start()
    yield served
    served.stop()


@pytest.fixture
def office(city: Any, make_user: Callable[..., User], settings: Any) -> Office:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""  # the pages without a second factor
    return Office(city, make_user)


def _copy_key(authority: Authority, tmp_path: Path, settings: Any, who: str = "good") -> None:
    """The office set up for B-LT (root, CRL folder, loopback TSA), the archive's copy key
    from that CA."""
    assert authority.pki is not None
    authority.configure(settings, tmp_path)
    key = tmp_path / f"sao-y-{who}.p12"
    key.write_bytes(authority.pki.p12(who))
    settings.VANTHU_COPY_SIGNING_P12 = str(key)
    settings.VANTHU_COPY_SIGNING_PASSPHRASE = PASS


def _request(office: Office, mode: str = "certified_copy") -> tuple[int, Any, int]:
    dossier, doc, file_id = dossier_with_pdf(office)
    pk = ask(office, dossier, mode)
    approve(office, pk)
    return pk, doc, file_id


def _issue(office: Office, pk: int, doc: Any, file_id: int, kind: str = "sao_y") -> Any:
    return client_for(office.archivist).post(
        f"/api/v1/access-requests/{pk}/copies/",
        {"document": doc.pk, "file": file_id, "kind": kind},
        format="json",
    )


def _desk(user: User, pk: int) -> str:
    client = Client()
    client.force_login(user)
    answer = client.get(reverse("archive:copy-desk", args=[pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def test_an_archive_sao_y_reaches_b_lt_and_the_level_is_kept_and_shown(
    authority: Authority, office: Office, tmp_path: Path, settings: Any
) -> None:
    _copy_key(authority, tmp_path, settings)
    pk, doc, file_id = _request(office)
    answer = _issue(office, pk, doc, file_id)
    assert answer.status_code == 201, answer.content
    assert answer["X-Copy-Signature-Level"] == "B-LT"
    copy = CertifiedCopy.objects.get()
    assert (copy.signed, copy.level, copy.level_note) == (True, "B-LT", "")
    # The level recorded is the one the file shows to pyHanko's validator.
    (checked,) = verify_all(answer.content)
    assert checked.level == "B-LT" and checked.ok, checked.summary
    event = Event.objects.filter(action="archive.use.copy").get()
    assert event.details["level"] == "B-LT"
    page = _desk(office.archivist, pk)
    assert 'data-level="B-LT"' in page and "Đã ký số: PAdES B-LT (kiểm tra dài hạn)" in page
    assert f"{copy.number:02d}/{copy.year}" in page


def test_with_lta_the_archive_copy_is_b_lta(
    authority: Authority, office: Office, tmp_path: Path, settings: Any
) -> None:
    _copy_key(authority, tmp_path, settings)
    settings.VANTHU_SIGNING_LTA = True
    pk, doc, file_id = _request(office)
    answer = _issue(office, pk, doc, file_id)
    assert answer.status_code == 201 and answer["X-Copy-Signature-Level"] == "B-LTA"
    assert CertifiedCopy.objects.get().level == "B-LTA"
    (checked,) = verify_all(answer.content)
    assert checked.level == "B-LTA" and checked.ok, checked.summary


def test_without_a_tsa_the_archive_copy_is_b_b_and_says_why(
    authority: Authority, office: Office, tmp_path: Path, settings: Any
) -> None:
    _copy_key(authority, tmp_path, settings)
    settings.VANTHU_SIGNING_TSA_URL = ""
    pk, doc, file_id = _request(office)
    answer = _issue(office, pk, doc, file_id)
    assert answer.status_code == 201 and answer["X-Copy-Signature-Level"] == "B-B"
    copy = CertifiedCopy.objects.get()
    assert copy.level == "B-B" and "dấu thời gian" in copy.level_note
    page = _desk(office.archivist, pk)
    assert 'data-level="B-B"' in page and copy.level_note in page


def test_a_revoked_copy_key_issues_nothing_and_takes_no_number(
    authority: Authority, office: Office, tmp_path: Path, settings: Any
) -> None:
    _copy_key(authority, tmp_path, settings, who="revoked")
    pk, doc, file_id = _request(office)
    before = (CertifiedCopy.objects.count(), UseEntry.objects.count(), Event.objects.count())
    answer = _issue(office, pk, doc, file_id)
    assert answer.status_code == 400
    assert "thu hồi" in answer.json()["key"][0]
    assert (CertifiedCopy.objects.count(), UseEntry.objects.count(), Event.objects.count()) == (
        before
    )
    year = timezone.localdate().year
    assert numbering.peek_copy_number(organization=office.org, year=year) == 1


def test_an_unsigned_copy_has_no_level(office: Office, settings: Any) -> None:
    settings.VANTHU_COPY_SIGNING_P12 = ""
    pk, doc, file_id = _request(office, mode="copy")
    answer = _issue(office, pk, doc, file_id, kind="copy")
    assert answer.status_code == 201 and "X-Copy-Signature-Level" not in answer
    copy = CertifiedCopy.objects.get()
    assert (copy.signed, copy.level, copy.level_note) == (False, "", "")
    assert "Không ký số" in _desk(office.archivist, pk)


def test_the_copy_desk_lists_no_copy_of_a_document_the_viewer_may_not_see(
    office: Office, settings: Any
) -> None:
    """The requester (no clearance) sees the request and the ordinary document's copy; the
    copy the archivist made of a secret document added to the dossier afterwards is neither
    listed nor counted on the requester's page."""
    settings.VANTHU_COPY_SIGNING_P12 = ""
    dossier, doc, file_id = dossier_with_pdf(office)
    pk = ask(office, dossier, "certified_copy")
    approve(office, pk)
    secret = office.document(summary="", secrecy="secret")
    secret.number_symbol = "99-MAT/VP"
    secret.save(update_fields=["number_symbol"])
    secret_file = with_pdf(office, secret)
    records.add_document(actor=office.clerk, dossier=dossier, document=secret)
    registry.present(actor=office.clerk, document=secret, leader=office.leader)
    grant_access(actor=office.leader, obj=secret, grantee=office.archivist, reason="Sao y")
    assert _issue(office, pk, doc, file_id).status_code == 201
    assert _issue(office, pk, secret, secret_file).status_code == 201
    # Positive control: the archivist, cleared for it, sees both copies.
    archivist = _desk(office.archivist, pk)
    assert "99-MAT/VP" in archivist and archivist.count("data-copy=") == 2
    requester = _desk(office.specialist, pk)
    assert "99-MAT/VP" not in requester and requester.count("data-copy=") == 1
    assert client_for(office.outsider).get(f"/api/v1/access-requests/{pk}/").status_code == 404
    outsider = Client()
    outsider.force_login(office.outsider)
    assert outsider.get(reverse("archive:copy-desk", args=[pk])).status_code == 404


def test_copies_signed_before_the_level_was_kept_say_it_is_unknown(office: Office) -> None:
    pk, doc, file_id = _request(office, mode="copy")
    assert _issue(office, pk, doc, file_id, kind="copy").status_code == 201
    CertifiedCopy.objects.update(signed=True)  # as an earlier signed copy stands in the table
    level_migration.note_earlier_copies(apps, None)
    copy = CertifiedCopy.objects.get()
    assert copy.level == "" and copy.level_note == level_migration.NOT_RECORDED
    assert "không rõ mức" in _desk(office.archivist, pk)
