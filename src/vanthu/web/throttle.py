"""Login attempts, counted once for the whole installation (docs/security.md, §7a).

Two limits, both checked before any password is hashed, on the web form and on the API's
token endpoint alike:

- per (address, username) — ``VANTHU_LOGIN_THROTTLE``, default 20/min: one person, or one
  guesser at one account, from one address;
- per address — ``VANTHU_LOGIN_THROTTLE_ADDRESS``, default 300/min: a guesser trying many
  accounts from one address, high enough for a whole office behind one NAT address logging
  in at 8:00.

An attempt the pair limit refuses is not counted against the address, so one person (or one
guesser) hammering one account never locks the colleagues who share the address out.
django-axes still locks an (address, username) pair after ``VANTHU_LOGIN_FAILURE_LIMIT``
failures; these limits count every attempt, failed or not, and cap the CPU that password
hashing can be made to spend.

The counts live in the ``shared`` cache: Redis in production mode, so every gunicorn worker on
every machine adds to one count (a per-process count gave an attacker the limit once per
worker); each process's memory in the embedded mode (``vanthu serve``'s gunicorn processes,
2 by default, then count apart: at most twice the limits, on one office's machine). Each limit is
a sliding window estimated from two fixed windows (the previous window's count weighted by how
much of it still overlaps), so there is no burst of twice the limit at a window's edge. If the
shared cache cannot be reached the attempt is let through and logged: the lockout in the
database still holds, and logins do not stop with Redis.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import unicodedata
from typing import cast

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from vanthu.audit.context import request_address
from vanthu.config import Rate

log = logging.getLogger(__name__)

CACHE_ALIAS = "shared"


def _key(kind: str, value: str) -> str:
    return f"login-throttle:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _username_key(username: object) -> str:
    # "Admin" and "admin " are the same guess for the purpose of counting.
    return unicodedata.normalize("NFC", str(username or "")).strip().casefold()


def _count(key: str, rate: Rate, now: float) -> float:
    """Count one attempt under ``key``; the attempts in the last ``rate.seconds``, estimated."""
    cache = caches[CACHE_ALIAS]
    window = int(now // rate.seconds)
    current = f"{key}:{window}"
    # A window's key lives through the next window too, which reads it as "previous".
    try:
        hits = cache.incr(current)
    except ValueError:  # the window's first attempt, unless another process's add wins
        hits = 1 if cache.add(current, 1, timeout=2 * rate.seconds + 1) else cache.incr(current)
    previous = int(cache.get(f"{key}:{window - 1}", 0) or 0)
    overlap = 1 - (now % rate.seconds) / rate.seconds
    return previous * overlap + hits


def _wait(estimate: float, rate: Rate, now: float) -> int:
    """Seconds until one more attempt fits again if none is made meanwhile (Retry-After)."""
    to_window_end = rate.seconds - now % rate.seconds
    # In the next window the estimate is estimate × overlap (+ 1 for the new attempt).
    fraction = max(0.0, 1 - (rate.count - 1) / max(estimate, 1.0))
    return max(1, math.ceil(to_window_end + fraction * rate.seconds))


def login_attempt(request: HttpRequest, username: object) -> int | None:
    """Count one login attempt from ``request`` for ``username``: None if it may go on, else
    the seconds to wait (the answer is then 429 with Retry-After)."""
    address = request_address(request) or "unknown"
    pair_rate = settings.VANTHU_LOGIN_RATE
    address_rate = settings.VANTHU_LOGIN_ADDRESS_RATE
    now = time.time()
    try:
        pair = _count(_key("pair", f"{address}\n{_username_key(username)}"), pair_rate, now)
        if pair > pair_rate.count:
            return _wait(pair, pair_rate, now)
        per_address = _count(_key("address", address), address_rate, now)
        if per_address > address_rate.count:
            return _wait(per_address, address_rate, now)
    except RedisError:  # connection refused, timed out, Redis restarting: let it through
        log.exception("login throttle: the shared cache is unavailable; attempt not counted")
    return None


class LoginThrottled(exceptions.Throttled):
    """429 with Retry-After, in Vietnamese (DRF's own text has no Vietnamese translation)."""

    default_detail = _("Có quá nhiều lần đăng nhập từ địa chỉ này.")
    # Lazy, as DRF's own; its stubs type the attribute as a plain str.
    extra_detail_singular = extra_detail_plural = cast(str, _("Vui lòng thử lại sau {wait} giây."))


class LoginThrottle(BaseThrottle):
    """The same limits on the API's token endpoint (``POST /api/v1/auth/token/``)."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        data = request.data
        username = data.get("username", "") if hasattr(data, "get") else ""
        wait = login_attempt(request._request, username)
        if wait is not None:
            raise LoginThrottled(wait)
        return True
