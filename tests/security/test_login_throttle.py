"""Login attempt limits (vanthu.web.throttle, docs/security.md §7a): per (address, username)
and per address, on the web form and the API token endpoint, one count for every process.

The in-process tests use small limits and the embedded mode's cache (this process's memory);
the cross-process test runs two interpreters with the production settings against the real
Redis, as two gunicorn workers do.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client
from rest_framework.test import APIClient

from vanthu import config

PASSWORD = "Mat-khau-2026!"
LOGIN = "/dang-nhap/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def small_limits(settings: Any) -> Iterator[None]:
    """3 attempts per (address, username), 8 per address; counts start at zero. Per day, so
    that no test slowed down by a busy machine sees its count fade across a window's edge."""
    settings.VANTHU_LOGIN_RATE = config.Rate(3, 86400)
    settings.VANTHU_LOGIN_ADDRESS_RATE = config.Rate(8, 86400)
    _clear()
    yield
    _clear()


def _clear() -> None:
    # Only this process's memory: clear() of a Redis cache empties the whole Redis database.
    cache = caches["shared"]
    if isinstance(cache, LocMemCache):
        cache.clear()


def web_login(username: str, password: str, address: str = "10.0.0.1") -> Any:
    return Client(REMOTE_ADDR=address).post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def api_login(username: str, password: str, **extra: str) -> Any:
    return APIClient().post(
        TOKEN, {"username": username, "password": password}, format="json", **extra
    )


def test_web_form_refuses_the_fourth_attempt_on_one_account_before_checking_it(
    city: Any, make_user: Any
) -> None:
    make_user(username="vanthu1", organization=city.vp)
    statuses = [web_login("vanthu1", "sai").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]  # the form again, with its error
    failures = AccessAttempt.objects.get(username="vanthu1").failures_since_start
    refused = web_login("vanthu1", PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    text = refused.content.decode()
    assert "Có quá nhiều lần đăng nhập từ địa chỉ này" in text
    assert 'name="username"' in text  # the form is shown again
    # Refused before the password was looked at: no session, no new failure recorded.
    assert "sessionid" not in refused.cookies
    assert AccessAttempt.objects.get(username="vanthu1").failures_since_start == failures


def test_one_users_failures_behind_a_nat_do_not_block_the_colleagues(
    city: Any, make_user: Any
) -> None:
    for n in range(1, 6):
        make_user(username=f"canbo{n}", organization=city.vp)
    # canbo1 (or someone guessing at that account) keeps failing from the office's address.
    hammering = [api_login("canbo1", "sai").status_code for _ in range(12)]
    assert hammering[:3] == [400, 400, 400] and set(hammering[3:]) == {429}
    # The refused attempts counted against the pair only: everyone else still logs in.
    for n in range(2, 6):
        assert api_login(f"canbo{n}", PASSWORD).status_code == 200, n
    # The address ceiling (8 here) still caps guessing across many accounts.
    others = [api_login(f"khong-co-{n}", "sai").status_code for n in range(3)]
    assert others == [400, 429, 429]


def test_api_token_limit_is_not_reset_by_a_forged_forwarded_header(
    city: Any, make_user: Any
) -> None:
    make_user(username="vanthu2", organization=city.vp)
    for n in range(3):
        api_login("vanthu2", "sai", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    # Neither header is believed without VANTHU_TRUST_PROXY: the count is the socket's address.
    refused = api_login(
        "vanthu2", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.9", HTTP_X_REAL_IP="198.51.100.9"
    )
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused.json() == {
        "detail": "Có quá nhiều lần đăng nhập từ địa chỉ này. "
        f"Vui lòng thử lại sau {refused['Retry-After']} giây."
    }


def test_behind_our_nginx_each_client_address_counts_apart(
    settings: Any, city: Any, make_user: Any
) -> None:
    settings.VANTHU_TRUST_PROXY = True
    make_user(username="vanthu3", organization=city.vp)
    for _ in range(3):
        api_login("vanthu3", "sai", HTTP_X_REAL_IP="192.0.2.10")
    assert api_login("vanthu3", PASSWORD, HTTP_X_REAL_IP="192.0.2.10").status_code == 429
    # The same person from another office's address: its own count, and axes's own lockout.
    assert api_login("vanthu3", PASSWORD, HTTP_X_REAL_IP="192.0.2.20").status_code == 200
    assert AccessAttempt.objects.filter(username="vanthu3", ip_address="192.0.2.10").exists()


def test_logins_go_on_when_the_shared_cache_is_down(
    settings: Any, city: Any, make_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    make_user(username="vanthu4", organization=city.vp)
    for _ in range(5):
        assert api_login("vanthu4", PASSWORD).status_code == 200
    assert "the shared cache is unavailable" in caplog.text


def test_a_malformed_rate_stops_start_up_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert config.rate("VANTHU_LOGIN_THROTTLE", "20/min") == config.Rate(20, 60)
    monkeypatch.setenv("VANTHU_LOGIN_THROTTLE_ADDRESS", "300/hour")
    assert config.rate("VANTHU_LOGIN_THROTTLE_ADDRESS", "300/min") == config.Rate(300, 3600)
    for bad in ("nhiều", "0/min", "20/week", "20"):
        monkeypatch.setenv("VANTHU_LOGIN_THROTTLE", bad)
        with pytest.raises(ValueError, match="VANTHU_LOGIN_THROTTLE="):
            config.rate("VANTHU_LOGIN_THROTTLE", "20/min")


# Two interpreters with the production settings (Redis as the broker, hence as the shared
# cache), each counting attempts as a gunicorn worker would, at the same time.
_CHILD = textwrap.dedent(
    """
    import json, os, sys
    import django
    django.setup()
    from django.conf import settings
    from django.test import RequestFactory
    from vanthu.web import throttle
    assert settings.CACHES["shared"]["BACKEND"].endswith("RedisCache"), settings.CACHES
    print("ready", flush=True)
    sys.stdin.readline()  # both processes start counting together
    request = RequestFactory().post("/dang-nhap/", REMOTE_ADDR="10.9.8.7")
    allowed = [throttle.login_attempt(request, "lanhdao") is None for _ in range(10)]
    print(json.dumps(allowed))
    """
)


@pytest.mark.redis
@pytest.mark.once
def test_two_processes_share_one_count_in_redis(tmp_path: Path) -> None:
    import redis

    prefix = f"vanthu-test-{uuid.uuid4().hex[:12]}:"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VANTHU_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="vanthu.settings",
        VANTHU_DATA_DIR=str(tmp_path),
        VANTHU_BROKER_URL="redis://127.0.0.1:6379/14",
        VANTHU_BROKER_KEY_PREFIX=prefix,
        # A day's window: the count cannot fall between two windows while the test runs.
        VANTHU_LOGIN_THROTTLE="10/day",
        VANTHU_LOGIN_THROTTLE_ADDRESS="1000/day",
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            env=env,
            cwd=tmp_path,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for child in children:
            assert child.stdout is not None and child.stdout.readline() == "ready\n"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [child.communicate(timeout=120) for child in children]
    finally:
        keys = redis.Redis(host="127.0.0.1", port=6379, db=14)
        for key in keys.scan_iter(match=f"{prefix}*"):
            keys.delete(key)
    results = []
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err[-2000:]
        results.append(json.loads(out))
    # 20 attempts in all at one account from one address: 10 allowed between the two, not 10
    # each as with a count per process.
    assert sum(sum(r) for r in results) == 10, results
