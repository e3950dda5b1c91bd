"""The /bao-cao/ pages: registers with the period form, downloads, statistics with the chart."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from vanthu.orgs.models import User


@pytest.fixture(autouse=True)
def _no_second_factor(settings: Any) -> None:
    # The TOTP step is tested in tests/web; here the pages behind it are.
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_reports_page_lists_printable_registers_with_downloads(world: Any) -> None:
    page = browser(world.clerk).get("/bao-cao/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "In sổ đăng ký văn bản" in html
    assert "Sổ đăng ký văn bản đến mật" in html
    assert f"Năm {timezone.localdate().year}" in html
    assert "format=xlsx" in html and "format=pdf" in html
    html = browser(world.uncleared_clerk).get("/bao-cao/").content.decode()
    assert "Sổ đăng ký văn bản đến mật" not in html


def test_download_from_the_page_and_a_bad_period_comes_back_with_a_message(world: Any) -> None:
    client = browser(world.clerk)
    register = world.register(world.city.tu, "incoming")
    year = timezone.localdate().year
    answer = client.get(
        f"/bao-cao/so/{register.pk}/in/",
        {"date_from": f"01/01/{year}", "date_to": f"31/12/{year}", "format": "xlsx"},
    )
    assert answer.status_code == 200
    assert answer["Content-Disposition"].endswith('.xlsx"')
    bad = client.get(
        f"/bao-cao/so/{register.pk}/in/",
        {"date_from": "31/12/2026", "date_to": "01/01/2026"},
        follow=True,
    )
    assert bad.status_code == 200
    assert "Ngày kết thúc không được trước ngày bắt đầu." in bad.content.decode()
    hidden = world.register(world.city.tu, "incoming", "classified")
    assert browser(world.specialist).get(f"/bao-cao/so/{hidden.pk}/in/").status_code == 404


def test_statistics_page_has_a_table_and_an_svg_chart(world: Any) -> None:
    page = browser(world.leader).get("/bao-cao/thong-ke/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Văn bản đến và đi theo tháng" in html
    assert "Đảng ủy phường Bến Nghé" in html
    assert "Giải quyết văn bản đến theo đơn vị" in html
    assert "XKQ" not in html


def test_statistics_page_bad_period_shows_the_error(world: Any) -> None:
    page = browser(world.clerk).get("/bao-cao/thong-ke/", {"date_from": "30/02/2026"})
    assert page.status_code == 200
    assert "Ngày không hợp lệ" in page.content.decode()


def test_pages_need_login(db: Any) -> None:
    assert Client().get("/bao-cao/").status_code == 302
    assert Client().get("/bao-cao/thong-ke/").status_code == 302
