"""Authentication bypass attempts: no token, a forged or malformed token, the token or the
session of a deactivated user (issue 11; docs/api.md: 401 without credentials)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.hostile.conftest import PASSWORD
from tests.hostile.test_idor import fill, object_routes, their_ids

LISTS = [
    "/api/v1/me/",
    "/api/v1/incoming/",
    "/api/v1/outgoing/",
    "/api/v1/search/?q=nhan+su",
    "/api/v1/dossiers/",
    "/api/v1/users/",
    "/api/v1/organizations/",
    "/api/v1/registers/",
    "/api/v1/document-types/",
]


def urls(world: Any) -> list[str]:
    own = [
        fill(route, their_ids(world, route) | {"pk": world.mine["id"]})
        for route in object_routes()
        if route.startswith("api/v1/")
    ]
    return LISTS + own


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Token 0123456789abcdef0123456789abcdef01234567",
        "Token ",
        "Token a b",
        "Token ' OR 1=1 --",
        "Bearer 0123456789abcdef",
        "Basic dnRfZHUxOk1hdC1raGF1LTIwMjYh",
    ],
)
def test_api_without_valid_credentials_answers_401(world: Any, header: str | None) -> None:
    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)
    for url in urls(world):
        for method in ("get", "post"):
            answer = getattr(client, method)(url, {}, format="json")
            assert answer.status_code in (401, 405), (header, method, url, answer.status_code)
            assert "Đảng ủy phường" not in answer.content.decode(), url


def test_token_of_deactivated_user_is_refused(world: Any) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.token}")
    assert client.get("/api/v1/me/").status_code == 200
    world.clerk.is_active = False
    world.clerk.save(update_fields=["is_active"])
    for url in urls(world):
        assert client.get(url).status_code == 401, url


def test_deactivated_user_cannot_get_a_token(world: Any) -> None:
    world.clerk.is_active = False
    world.clerk.save(update_fields=["is_active"])
    answer = APIClient().post(
        "/api/v1/auth/token/", {"username": "vt_du1", "password": PASSWORD}, format="json"
    )
    assert answer.status_code == 400
    assert "token" not in answer.json()


def test_session_of_deactivated_user_no_longer_opens_pages(world: Any) -> None:
    client = Client()
    client.force_login(world.clerk)
    assert client.get("/van-ban/den/").status_code == 200
    world.clerk.is_active = False
    world.clerk.save(update_fields=["is_active"])
    answer = client.get("/van-ban/den/")
    assert answer.status_code == 302 and "/dang-nhap/" in answer["Location"]
    assert client.get(f"/api/v1/incoming/{world.mine['id']}/").status_code in (401, 403)


@pytest.mark.parametrize(
    "path", ["/", "/van-ban/den/", "/van-ban/di/", "/tra-cuu/?q=x", "/quan-tri/", "/bao-cao/"]
)
def test_pages_without_login_redirect_to_login(world: Any, path: str) -> None:
    answer = Client().get(path)
    assert answer.status_code == 302
    assert re.match(r"^/dang-nhap/", answer["Location"])
