"""Security headers on every kind of response: CSP without inline code, no framing, nosniff,
Referrer-Policy, and HSTS only over HTTPS (issue 11; vanthu.web.security)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from vanthu.web.security import POLICY, SWAGGER_POLICY, policy_for

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
}


def directives(policy: str) -> dict[str, str]:
    parts = (p.strip().split(" ", 1) for p in policy.split(";") if p.strip())
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def test_policy_has_every_required_directive_and_no_unsafe_source() -> None:
    found = directives(POLICY)
    for name, value in STRICT.items():
        assert found[name] == value
    assert "unsafe" not in POLICY
    assert policy_for("/van-ban/den/") == POLICY
    assert policy_for("/api/docs/") == SWAGGER_POLICY
    # The Swagger page is relaxed for inline code only: still no framing, no foreign origin.
    swagger = directives(SWAGGER_POLICY)
    assert swagger["frame-ancestors"] == "'none'"
    assert "http" not in SWAGGER_POLICY and "*" not in SWAGGER_POLICY


@pytest.mark.parametrize(
    "path",
    ["/dang-nhap/", "/van-ban/den/", "/api/v1/me/", "/api/schema/", "/khong-co-trang-nay/"],
)
def test_common_headers_on_pages_api_and_errors(world: Any, path: str) -> None:
    client = Client()
    client.force_login(world.clerk)
    answer = client.get(path)
    assert answer["X-Frame-Options"] == "DENY"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Referrer-Policy"] == "same-origin"
    assert answer["Content-Security-Policy"] == POLICY
    assert "Strict-Transport-Security" not in answer


def test_static_files_carry_the_policy_too() -> None:
    answer = Client().get("/static/web/app.js")
    assert answer.status_code == 200
    assert answer["Content-Security-Policy"] == POLICY
    assert answer["X-Content-Type-Options"] == "nosniff"


def test_swagger_ui_gets_its_own_policy_and_loads_only_local_assets(world: Any) -> None:
    client = Client()
    client.force_login(world.clerk)
    answer = client.get("/api/docs/")
    assert answer.status_code == 200
    assert answer["Content-Security-Policy"] == SWAGGER_POLICY
    html = answer.content.decode()
    assert "swagger-ui" in html
    assert "https://" not in html and "http://cdn" not in html  # the sidecar, not a CDN


def test_hsts_only_over_https(world: Any, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    client = Client()
    assert "Strict-Transport-Security" not in client.get("/dang-nhap/")
    secure = client.get("/dang-nhap/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_hsts_when_not_configured(settings: Any, db: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 0
    assert "Strict-Transport-Security" not in Client().get("/dang-nhap/", secure=True)
