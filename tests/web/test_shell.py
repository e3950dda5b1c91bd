"""The shell: login, home, navigation, placeholders, language, security zone banner."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.web.conftest import PASSWORD, client_for
from vanthu.orgs.models import User

SECTIONS = ["/van-ban/den/", "/van-ban/di/", "/ho-so/", "/luu-tru/", "/tra-cuu/", "/bao-cao/"]


def test_anonymous_home_redirects_to_login(db: Any) -> None:
    answer = Client().get("/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/dang-nhap/?next=/")


def test_login_page_is_vietnamese_with_csrf_and_no_cdn(db: Any) -> None:
    answer = Client().get("/dang-nhap/")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "Đăng nhập" in html and "Tên đăng nhập" in html and "Mật khẩu" in html
    assert "csrfmiddlewaretoken" in html
    assert 'lang="vi"' in html
    # Air-gapped offices: every asset is local, and no inline script (CSP).
    assert "cdn" not in html.lower() and "//unpkg" not in html
    assert re.findall(r'<script[^>]*src="(/static/[^"]+)"', html) == [
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/bootstrap/bootstrap.bundle.min.js",
        "/static/web/app.js",
    ]
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert 'name="htmx-config"' in html


def test_password_login_greets_by_full_name_with_positions(clerk: User) -> None:
    client = Client()
    answer = client.post("/dang-nhap/", {"username": "vanthu_vp", "password": PASSWORD})
    assert answer.status_code == 302 and answer["Location"] == "/"
    home = client.get("/").content.decode()
    assert "Xin chào, Lê Văn Thư!" in home
    assert "Văn thư" in home and "Chuyên viên" in home and "Văn phòng Thành ủy" in home
    for url in SECTIONS:
        assert f'href="{url}"' in home
    assert 'href="/quan-tri/"' not in home  # not an admin


def test_wrong_password_shows_vietnamese_error_and_stays_anonymous(clerk: User) -> None:
    client = Client()
    answer = client.post("/dang-nhap/", {"username": "vanthu_vp", "password": "sai-mat-khau"})
    assert answer.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_out_with_vietnamese_message(clerk: User) -> None:
    client = Client()
    for _ in range(5):
        answer = client.post("/dang-nhap/", {"username": "vanthu_vp", "password": "sai"})
    assert answer.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in answer.content.decode()
    # Even the right password is refused while locked.
    locked = client.post("/dang-nhap/", {"username": "vanthu_vp", "password": PASSWORD})
    assert locked.status_code == 429


def test_login_post_without_csrf_token_is_refused(clerk: User) -> None:
    client = Client(enforce_csrf_checks=True)
    answer = client.post("/dang-nhap/", {"username": "vanthu_vp", "password": PASSWORD})
    assert answer.status_code == 403
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_form(clerk: User) -> None:
    client = client_for(clerk)
    home = client.get("/").content.decode()
    assert 'action="/dang-xuat/"' in home and 'method="post"' in home
    assert client.get("/dang-xuat/").status_code == 405
    assert client.post("/dang-xuat/").status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("url", SECTIONS)
def test_every_section_answers_and_unbuilt_ones_show_placeholder(clerk: User, url: str) -> None:
    from django.urls import resolve

    from vanthu.web import views

    answer = client_for(clerk).get(url)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'aria-current="page"' in html
    # A section whose real pages exist is served by its app; the others by the placeholder.
    built = resolve(url).func is not views.placeholder
    assert ("Đang xây dựng" in html) != built


def test_search_box_query_is_echoed_escaped(clerk: User) -> None:
    answer = client_for(clerk).get("/tra-cuu/", {"q": "<b>nghị quyết</b>"})
    html = answer.content.decode()
    assert "&lt;b&gt;nghị quyết&lt;/b&gt;" in html
    assert "<b>nghị quyết</b>" not in html


def test_security_zone_banner_only_for_cleared_users(tu_admin: User, clerk: User) -> None:
    banner = "Vùng cách ly — được lưu tài liệu mật"  # tests run as VANTHU_SECURITY_ZONE=isolated
    assert banner in client_for(tu_admin).get("/").content.decode()
    assert banner not in client_for(clerk).get("/").content.decode()
    with override_settings(VANTHU_SECURITY_ZONE="connected"):
        html = client_for(tu_admin).get("/").content.decode()
    assert "Vùng kết nối mạng — không lưu nội dung mật" in html


def test_top_bar_shows_organisation_and_admin_section(tu_admin: User) -> None:
    html = client_for(tu_admin).get("/").content.decode()
    assert "Thành ủy" in html and "Trần Thị Quản Trị" in html
    assert 'href="/quan-tri/"' in html
    assert "Vanthu — Văn thư, lưu trữ" in html


def test_language_switch_to_english(clerk: User) -> None:
    client = client_for(clerk)
    answer = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert answer.status_code == 302
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Log out" in html and "Incoming documents" in html
    assert "Hello, Lê Văn Thư!" in html
