"""The suggestion panel on an incoming document's page, and accepting it with one key."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.suggest.conftest import Office
from vanthu.records.models import DossierDocument
from vanthu.registry.models import Status
from vanthu.suggest import services

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def web(office: Office, settings: object) -> Office:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""  # type: ignore[attr-defined]
    return office


def test_detail_page_loads_the_panel_and_its_script(web: Office) -> None:
    doc = web.register("Hướng dẫn phát triển đảng viên", sender="Ban Tổ chức", code="HD")
    page = _client(web.clerk).get(f"/van-ban/den/{doc.pk}/").content.decode()
    assert f'hx-get="/van-ban/goi-y/den/{doc.pk}/"' in page
    assert "suggest/suggest.js" in page
    assert "Gợi ý xử lý" in page


def test_panel_shows_explained_suggestions_and_one_key_accepts(web: Office) -> None:
    web.build_history()
    services.train(organization=web.org)
    doc = web.register(
        "Hướng dẫn công tác phát triển đảng viên", sender="Ban Tổ chức Trung ương", code="HD"
    )
    client = _client(web.clerk)
    panel = client.get(f"/van-ban/goi-y/den/{doc.pk}/").content.decode()
    assert "data-suggest-accept" in panel and 'aria-keyshortcuts="g"' in panel
    assert "văn bản tương tự" in panel and str(web.leader_a) in panel
    assert 'name="targets" value="leader"' in panel
    response = client.post(
        f"/van-ban/goi-y/den/{doc.pk}/ap-dung/", {"targets": ["leader", "dossier"]}
    )
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.AWAITING_DIRECTION and doc.directed_by == web.leader_a
    assert DossierDocument.objects.filter(document=doc, dossier=web.dossier_tc).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Đã áp dụng gợi ý" in page


def test_panel_without_model_says_so_and_bad_accept_changes_nothing(web: Office) -> None:
    doc = web.register("Hướng dẫn phát triển đảng viên", sender="Ban Tổ chức", code="HD")
    client = _client(web.clerk)
    panel = client.get(f"/van-ban/goi-y/den/{doc.pk}/").content.decode()
    assert "Chưa có mô hình gợi ý" in panel and "data-suggest-accept" not in panel
    response = client.post(f"/van-ban/goi-y/den/{doc.pk}/ap-dung/", {"targets": ["leader"]})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.NEW and doc.directed_by is None
    assert "tin cậy" in client.get(response["Location"]).content.decode()
