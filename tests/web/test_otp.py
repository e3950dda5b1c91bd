"""The TOTP second factor for users with clearance ≥ VANTHU_OTP_REQUIRED_CLEARANCE."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.conftest import PASSWORD, current_token
from vanthu.audit.models import Event
from vanthu.orgs.models import User


@pytest.fixture
def leader(city: Any, make_user: Any) -> User:
    return make_user(
        username="bithu",
        full_name="Phạm Văn Lãnh Đạo",
        organization=city.tu,
        roles=["leader", "admin"],
        clearance="secret",
    )


def password_login(client: Client, username: str) -> Any:
    return client.post("/dang-nhap/", {"username": username, "password": PASSWORD})


def test_first_login_enrols_a_totp_device_then_reaches_home(leader: User) -> None:
    client = Client()
    answer = password_login(client, "bithu")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/xac-thuc/dang-ky/")
    # Every page waits for the second factor.
    for url in ("/", "/quan-tri/to-chuc/", "/van-ban/den/"):
        held = client.get(url)
        assert held.status_code == 302 and held["Location"].startswith("/xac-thuc/dang-ky/")
    page = client.get("/xac-thuc/dang-ky/?next=/quan-tri/to-chuc/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Khóa bí mật" in html
    device = TOTPDevice.objects.get(user=leader)
    assert not device.confirmed
    # A reload shows the same pending device, not a new secret.
    client.get("/xac-thuc/dang-ky/")
    assert TOTPDevice.objects.filter(user=leader).count() == 1

    bad = client.post("/xac-thuc/dang-ky/", {"token": "000000", "next": "/quan-tri/to-chuc/"})
    assert bad.status_code == 400
    assert "Mã xác thực không đúng hoặc đã hết hạn" in bad.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/").status_code == 302

    device.throttling_failure_count = 0  # the wrong code above delayed the next try
    device.throttling_failure_timestamp = None
    device.save()
    good = client.post(
        "/xac-thuc/dang-ky/", {"token": current_token(device), "next": "/quan-tri/to-chuc/"}
    )
    assert good.status_code == 302 and good["Location"] == "/quan-tri/to-chuc/"
    device.refresh_from_db()
    assert device.confirmed
    assert Event.objects.filter(action="user.otp_enrol", object_id=str(leader.pk)).exists()
    assert client.get("/").status_code == 200


def test_enrolled_user_verifies_with_code_after_password(leader: User) -> None:
    device = TOTPDevice.objects.create(user=leader, name="Vanthu", confirmed=True)
    client = Client()
    answer = password_login(client, "bithu")
    assert answer["Location"].startswith("/xac-thuc/")
    assert not answer["Location"].startswith("/xac-thuc/dang-ky/")
    # With a device already confirmed, enrolment is not offered again.
    assert client.get("/xac-thuc/dang-ky/")["Location"].startswith("/xac-thuc/?")

    bad = client.post("/xac-thuc/", {"token": "12ab56"})
    assert bad.status_code == 400
    assert "Mã xác thực chỉ gồm chữ số." in bad.content.decode()
    good = client.post("/xac-thuc/", {"token": current_token(device), "next": "/"})
    assert good.status_code == 302 and good["Location"] == "/"
    assert "Xin chào, Phạm Văn Lãnh Đạo!" in client.get("/").content.decode()


def test_wrong_code_keeps_user_out(leader: User) -> None:
    TOTPDevice.objects.create(user=leader, name="Vanthu", confirmed=True)
    client = Client()
    password_login(client, "bithu")
    answer = client.post("/xac-thuc/", {"token": "999999"})
    assert answer.status_code == 400
    assert "Mã xác thực không đúng hoặc đã hết hạn" in answer.content.decode()
    assert client.get("/").status_code == 302


def test_next_outside_the_site_is_ignored(leader: User) -> None:
    device = TOTPDevice.objects.create(user=leader, name="Vanthu", confirmed=True)
    client = Client()
    password_login(client, "bithu")
    answer = client.post("/xac-thuc/", {"token": current_token(device), "next": "https://evil/"})
    assert answer["Location"] == "/"


def test_session_api_call_waits_for_second_factor(leader: User) -> None:
    client = Client()
    password_login(client, "bithu")
    answer = client.get("/api/v1/me/")
    assert answer.status_code == 403
    assert "xác thực hai lớp" in answer.json()["detail"]


def test_uncleared_user_has_no_second_step(city: Any, make_user: Any) -> None:
    make_user(username="cv1", organization=city.vp, clearance="confidential")
    client = Client()
    assert password_login(client, "cv1")["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/xac-thuc/dang-ky/")["Location"] == "/"


@override_settings(VANTHU_OTP_REQUIRED_CLEARANCE="")
def test_second_factor_can_be_turned_off(leader: User) -> None:
    client = Client()
    assert password_login(client, "bithu")["Location"] == "/"
    assert client.get("/").status_code == 200
