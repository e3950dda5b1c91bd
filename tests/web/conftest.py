"""Fixtures of the web UI tests: people of the small city hierarchy and logged-in clients."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from vanthu.orgs.models import User

PASSWORD = "Mat-khau-2026!"


def current_token(device: TOTPDevice) -> str:
    """The code an authenticator app would show now (RFC 6238, the device's own settings)."""
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(code).zfill(device.digits)


def client_for(user: User, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def tu_admin(city: Any, make_user: Any) -> User:
    # "confidential" is below VANTHU_OTP_REQUIRED_CLEARANCE ("secret"): no TOTP step here.
    return make_user(
        username="qtv_tu",
        full_name="Trần Thị Quản Trị",
        organization=city.tu,
        roles=["admin"],
        clearance="confidential",
    )


@pytest.fixture
def du1_admin(city: Any, make_user: Any) -> User:
    return make_user(username="qtv_du1", organization=city.du1, roles=["admin"])


@pytest.fixture
def clerk(city: Any, make_user: Any) -> User:
    return make_user(
        username="vanthu_vp",
        full_name="Lê Văn Thư",
        organization=city.vp,
        roles=["clerk", "specialist"],
    )
