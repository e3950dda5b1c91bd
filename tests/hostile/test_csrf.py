"""CSRF on every web form: a POST without the token is refused with 403 and changes nothing,
and every form the pages render carries the token (issue 11, "Hostile input")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.hostile.conftest import api_client
from tests.hostile.test_idor import fill, snapshot
from vanthu.audit.models import Event
from vanthu.registry.models import Document

SECTIONS = ("van-ban/", "quan-tri/", "bao-cao/")


def web_routes() -> Iterator[str]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    for route in walk(get_resolver().url_patterns, ""):
        if route.startswith(SECTIONS):
            yield route


def own_url(world: Any, route: str) -> str:
    """``route`` filled with the acting user's own objects: the attack a CSRF forges."""
    ids = {
        "pk": world.mine["id"],
        # The world uploads no file of its own; the token is checked before any lookup.
        "file_id": world.their_file["id"],
        "field": "sender",
    }
    if route.startswith("van-ban/di/"):
        ids["pk"] = world.my_draft["id"]
    elif route.startswith("quan-tri/to-chuc/"):
        ids["pk"] = world.city.du1.pk
    elif route.startswith("quan-tri/nguoi-dung/"):
        ids["pk"] = world.clerk.pk
    elif route.startswith("bao-cao/so/"):
        ids["pk"] = world.mine["register"]
    url = fill(route, {k: v for k, v in ids.items() if k != "field"})
    return re.sub(r"<str:field>", "sender", url)


def test_every_section_has_routes() -> None:
    routes = list(web_routes())
    assert any(r.startswith("van-ban/den/moi/") for r in routes)
    assert any(r.startswith("quan-tri/nguoi-dung/them/") for r in routes)
    assert any(r.startswith("bao-cao/") for r in routes)


@pytest.mark.parametrize("route", list(web_routes()))
def test_post_without_csrf_token_is_403_and_changes_nothing(world: Any, route: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    url = own_url(world, route)
    documents = list(Document.objects.order_by("pk").values())
    events = Event.objects.count()
    before = snapshot(world)
    answer = client.post(url, {"summary": "Giả mạo", "name": "Giả mạo", "note": "Giả mạo"})
    assert answer.status_code == 403, (url, answer.status_code)
    assert list(Document.objects.order_by("pk").values()) == documents
    assert Event.objects.count() == events
    assert snapshot(world) == before


FORM_PAGES = [
    "/van-ban/den/moi/",
    "/van-ban/di/moi/",
    "/quan-tri/to-chuc/them/",
    "/quan-tri/nguoi-dung/them/",
]


def test_every_rendered_post_form_carries_the_token(world: Any) -> None:
    client = Client()
    client.force_login(world.admin)
    pages = [
        *FORM_PAGES,
        f"/van-ban/den/{world.mine['id']}/",
        f"/van-ban/di/{world.my_draft['id']}/",
        f"/quan-tri/to-chuc/{world.city.du1.pk}/",
        f"/quan-tri/nguoi-dung/{world.clerk.pk}/",
    ]
    seen = 0
    for page in pages:
        answer = client.get(page)
        assert answer.status_code == 200, page
        html = answer.content.decode()
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I):
            if re.search(r'method\s*=\s*["\']?post', form, flags=re.I):
                seen += 1
                assert "csrfmiddlewaretoken" in form, (page, form[:200])
    assert seen >= len(FORM_PAGES)


def test_api_with_session_but_without_csrf_token_is_refused(world: Any) -> None:
    """The API also accepts the web session: then it must demand the CSRF token too."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.clerk)
    count = Document.objects.count()
    answer = client.post(
        "/api/v1/dossiers/",
        {"code": "HS-CSRF", "title": "Giả mạo", "year": 2026},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert Document.objects.count() == count
    assert api_client(world.clerk).get("/api/v1/dossiers/").json()["count"] == 1
