"""CSRF on every form of every section (issue 11, hostile input).

``tests/hostile/test_csrf.py`` POSTs every route of ``/van-ban/``, ``/quan-tri/`` and
``/bao-cao/`` without a token. The other sections (``/so-hoa/``, ``/luu-tru/``, ``/bao-quan/``,
``/ho-so/``, ``/nhap-du-lieu-cu/``, ``/thong-bao/``, …) are held here: by the rule Django itself
applies (``CsrfViewMiddleware`` skips a view only when its callback says ``csrf_exempt``), over
every route of the URLconf, and by a POST without a token to each of their routes that takes no
parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.views import APIView

from vanthu.audit.models import Event

COVERED_BY_HOSTILE = ("van-ban/", "quan-tri/", "bao-cao/")
# Views exempt from the middleware that check the token themselves, with why. Each must be in a
# section whose every route tests/hostile/test_csrf.py POSTs without a token (403 expected).
CHECKED_INSIDE = {
    # The key upload must stay in memory, and upload handlers can only be changed before the
    # middleware reads the body: csrf_exempt outside, csrf_protect inside (Django's docs,
    # "Modifying upload handlers on the fly").
    "van-ban/di/<int:pk>/ky-so-ca-nhan/": "personal signing (signatures.views)",
}


def routes() -> Iterator[tuple[str, Callable[..., Any]]]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, Callable[..., Any]]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.callback

    yield from walk(get_resolver().url_patterns, "")


def test_csrf_middleware_is_on() -> None:
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_no_page_is_exempt_and_the_api_checks_csrf_for_sessions() -> None:
    exempt, api_auth = [], set()
    for route, callback in routes():
        if not getattr(callback, "csrf_exempt", False):
            continue
        cls = getattr(callback, "cls", None)
        if cls is not None and issubclass(cls, APIView):
            # DRF exempts its views from the middleware and checks CSRF itself for session
            # (cookie) logins; a token is no cookie, so a forged form cannot send it.
            api_auth |= {type(a) for a in cls().get_authenticators()}
        elif route not in CHECKED_INSIDE:
            exempt.append(route)
    assert exempt == []
    assert all(route.startswith(COVERED_BY_HOSTILE) for route in CHECKED_INSIDE)
    assert api_auth <= {SessionAuthentication, TokenAuthentication}, api_auth


def _other_sections() -> list[str]:
    return sorted(
        {
            route
            for route, _cb in routes()
            if "<" not in route
            and not route.startswith((*COVERED_BY_HOSTILE, "api/", "admin/", "static/", "i18n/"))
            and route not in ("", "dang-nhap/")
        }
    )


@pytest.mark.django_db
def test_post_without_token_to_every_other_section_is_403(make_user: Any, city: Any) -> None:
    user = make_user(
        username="qtv_csrf",
        organization=city.tu,
        roles=["admin", "clerk", "leader", "archivist"],
        clearance="confidential",
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    targets = _other_sections()
    # Every section the hostile suite leaves out has routes here.
    for section in ("so-hoa/", "luu-tru/", "bao-quan/", "ho-so/", "nhap-du-lieu-cu/"):
        assert any(t.startswith(section) for t in targets), section
    events = Event.objects.count()
    refused = {t: client.post(f"/{t}", {"x": "1"}).status_code for t in targets}
    assert {t: s for t, s in refused.items() if s != 403} == {}
    assert Event.objects.count() == events
