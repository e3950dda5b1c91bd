"""Preservation pages: the fixity dashboard, per-file status, the alert, the dossier package."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.records.conftest import Office
from vanthu.notify.models import Kind, Notification
from vanthu.orgs.models import User
from vanthu.preservation import fixity
from vanthu.preservation.models import Outcome
from vanthu.records.models import Dossier
from vanthu.registry.models import DocumentFile

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin(office: Office, make_user: Callable[..., User]) -> User:
    return make_user(username="qt_tu", organization=office.city.tu, roles=["admin"])


def _client(user: User, settings: Any) -> Client:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    client = Client()
    client.force_login(user)
    return client


def test_a_damaged_file_shows_on_the_dashboard_its_page_and_alerts_admins(
    filled: tuple[Dossier, list[DocumentFile]],
    office: Office,
    admin: User,
    own_blob_store: Path,
    settings: Any,
) -> None:
    _dossier, files = filled
    good, bad = files
    fixity.record_check(fixity.check_blob(good.sha256))
    path = next(own_blob_store.rglob(bad.sha256))
    path.write_bytes(b"X" + path.read_bytes()[1:])  # one byte changed on disk
    fixity.record_check(fixity.check_blob(bad.sha256))

    page = _client(admin, settings).get("/bao-quan/").content.decode()
    assert bad.sha256[:14] in page and "Không khớp" in page
    assert good.sha256[:14] not in page  # only problems are listed
    alert = Notification.objects.get(recipient=admin, kind=Kind.FIXITY)
    assert bad.sha256[:12] in alert.text
    # Nobody but administrators is told, and no title is in the alert.
    assert not Notification.objects.filter(kind=Kind.FIXITY).exclude(recipient=admin).exists()
    assert "hội nghị" not in alert.text

    detail = _client(office.clerk, settings).get(f"/van-ban/den/{good.document_id}/")
    html = detail.content.decode()
    assert "toàn vẹn ✓" in html
    html = _client(office.clerk, settings).get(f"/van-ban/den/{bad.document_id}/").content.decode()
    assert "LỖI TOÀN VẸN" in html


def test_the_dashboard_is_for_administrators_only(office: Office, settings: Any) -> None:
    assert _client(office.clerk, settings).get("/bao-quan/").status_code == 404
    assert _client(office.leader, settings).get("/bao-quan/").status_code == 404


def test_a_dossier_package_downloads_as_a_zip_for_those_who_see_it(
    filled: tuple[Dossier, list[DocumentFile]], office: Office, settings: Any
) -> None:
    dossier, files = filled
    answer = _client(office.clerk, settings).get(f"/bao-quan/ho-so/{dossier.pk}/goi-eark.zip")
    assert answer.status_code == 200
    data = b"".join(answer.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert any(n.endswith("bagit.txt") for n in names)
        assert any(n.endswith("METS.xml") for n in names)
        stored = [zf.read(n) for n in names if "/representations/" in n and "/data/" in n]
    assert {f.sha256 for f in files} <= {
        __import__("hashlib").sha256(b).hexdigest() for b in stored
    }
    outsider = _client(office.outsider, settings)
    assert outsider.get(f"/bao-quan/ho-so/{dossier.pk}/goi-eark.zip").status_code == 404
    assert outsider.get("/bao-quan/ho-so/999999/goi-eark.zip").status_code == 404


def test_outcomes_are_labelled_in_vietnamese() -> None:
    assert Outcome.FAIL.label == "Không khớp" and Outcome.MISSING.label == "Mất tệp"
