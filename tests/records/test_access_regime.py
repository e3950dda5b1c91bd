"""Chế độ sử dụng of a dossier (TT 05/2025: 01 công khai, 02 có điều kiện, 03 mật)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.records.conftest import Office, client_for
from vanthu.audit.models import Event
from vanthu.records import services
from vanthu.records.models import Dossier


def test_api_sets_the_regime_and_refuses_bad_ones(office: Office) -> None:
    api = client_for(office.clerk)
    body = {"code": "01.VP", "title": "Hồ sơ hội nghị", "year": 2026, "retention_years": 10}
    bad = api.post("/api/v1/dossiers/", {**body, "access_regime": "04"}, format="json")
    assert bad.status_code == 400 and "access_regime" in bad.json()
    assert not Dossier.objects.exists()
    made = api.post("/api/v1/dossiers/", {**body, "access_regime": "02"}, format="json")
    assert made.status_code == 201 and made.json()["access_regime"] == "02"
    pk = made.json()["id"]
    plain = api.post("/api/v1/dossiers/", {**body, "code": "02.VP"}, format="json")
    assert plain.json()["access_regime"] == "01"  # the default of an unclassified dossier
    changed = api.post(f"/api/v1/dossiers/{pk}/access-regime/", {"access_regime": "03"})
    assert changed.status_code == 200 and changed.json()["access_regime"] == "03"
    assert Event.objects.filter(action="records.dossier.access_regime").count() == 1
    outsider = client_for(office.outsider)
    assert (
        outsider.post(f"/api/v1/dossiers/{pk}/access-regime/", {"access_regime": "01"}).status_code
        == 404
    )
    assert Dossier.objects.get(pk=pk).access_regime == "03"


def test_classified_dossier_is_always_secret_regime(office: Office) -> None:
    dossier = office.dossier(access_regime="02")
    secret = office.document(secrecy="secret", summary="Về công tác nhân sự")
    services.add_document(actor=office.clerk, dossier=dossier, document=secret)
    dossier.refresh_from_db()
    assert dossier.access_regime == "03" and dossier.regime == "03"
    api = client_for(office.clerk)
    for value in ("01", "02", "", "x"):
        answer = api.post(f"/api/v1/dossiers/{dossier.pk}/access-regime/", {"access_regime": value})
        assert answer.status_code == 400 and answer.json()["access_regime"], value
    assert Dossier.objects.get(pk=dossier.pk).access_regime == "03"
    # A row written around the services still counts as "mật" while it is classified.
    Dossier.objects.filter(pk=dossier.pk).update(access_regime="01")
    assert Dossier.objects.get(pk=dossier.pk).regime == "03"


def test_dossier_page_shows_and_changes_the_regime(office: Office, settings: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""  # the page, not the second factor, is tested
    dossier = office.dossier()
    web = Client()
    web.force_login(office.clerk)
    page = web.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "Chế độ sử dụng" in page and "01 — Công khai" in page
    answer = web.post(f"/ho-so/{dossier.pk}/che-do-su-dung/", {"access_regime": "02"}, follow=True)
    assert "Sử dụng có điều kiện" in answer.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).access_regime == "02"
    wrong = web.post(f"/ho-so/{dossier.pk}/che-do-su-dung/", {"access_regime": "9"}, follow=True)
    assert "Chế độ sử dụng phải là" in wrong.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).access_regime == "02"
