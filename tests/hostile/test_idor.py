"""IDOR: every object endpoint, given the id of another organisation's object, answers 404 (or
403 where docs/api.md allows it) and changes nothing (issue 11, "Hostile input")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.hostile.conftest import api_client
from vanthu.orgs.models import Organization, User
from vanthu.records.models import Dossier
from vanthu.registry.models import Document, DocumentFile, Register

# Apps whose objects this slice does not build (archive, exchange, capture): their endpoints
# are left to those apps' own access tests.
NOT_BUILT_HERE = ("api/v1/file-plans/", "api/v1/transfers/", "api/v1/exchange/", "api/v1/scan-")
# The organisation directory is open to every user (recipients of outgoing documents are picked
# from it, docs/api.md): reading another organisation is allowed; changing it is not.
DIRECTORY = ("api/v1/organizations/<int:pk>/", "api/v1/organizations/<int:pk>/terms/")
PREFIXES = ("api/v1/", "van-ban/", "quan-tri/", "bao-cao/")
METHODS = ("get", "post", "patch", "put", "delete")


def object_routes() -> Iterator[str]:
    """Every route with an integer id under the API and the web sections."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    for route in walk(get_resolver().url_patterns, ""):
        if "<int:" in route and route.startswith(PREFIXES) and not route.startswith(NOT_BUILT_HERE):
            yield route


def their_ids(world: Any, route: str) -> dict[str, int]:
    """The other organisation's object for each id in ``route``."""
    theirs = world.theirs["id"]
    if route.startswith(("api/v1/outgoing/", "van-ban/di/")):
        pk = world.their_draft["id"]
    elif route.startswith(("api/v1/organizations/", "quan-tri/to-chuc/")):
        pk = world.city.du2.pk
    elif route.startswith(("api/v1/users/", "quan-tri/nguoi-dung/")):
        pk = world.other_admin.pk
    elif route.startswith("api/v1/dossiers/"):
        pk = world.their_dossier["id"]
    elif route.startswith(("api/v1/registers/", "bao-cao/so/")):
        pk = world.theirs["register"]
    else:
        pk = theirs
    return {
        "pk": pk,
        "file_id": world.their_file["id"],
        "document_pk": theirs,
        "grant_id": 1,
        "page": 1,
    }


def fill(route: str, ids: dict[str, int]) -> str:
    return "/" + re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), route)


def snapshot(world: Any) -> list[dict[str, Any]]:
    """Everything of DU2 an attack could change."""
    du2 = world.city.du2
    rows: list[Any] = [
        *Document.objects.filter(organization=du2).order_by("pk"),
        *DocumentFile.objects.filter(document__organization=du2).order_by("pk"),
        *Dossier.objects.filter(organization=du2).order_by("pk"),
        *Register.objects.filter(organization=du2).order_by("pk"),
        *User.objects.filter(organization=du2).order_by("pk"),
        Organization.objects.get(pk=du2.pk),
    ]
    return [model_to_dict(r) for r in rows]


def test_every_object_route_is_covered() -> None:
    routes = list(object_routes())
    assert "api/v1/documents/<int:pk>/files/<int:file_id>/download/" in routes
    assert "quan-tri/nguoi-dung/<int:pk>/" in routes
    assert len(routes) >= 30


@pytest.mark.parametrize("route", list(object_routes()))
def test_other_organisations_object_is_out_of_reach(world: Any, route: str) -> None:
    url = fill(route, their_ids(world, route))
    before = snapshot(world)
    if route.startswith("api/v1/"):
        client: Any = api_client(world.admin)
    else:
        client = Client()
        client.force_login(world.admin)
    # A valid body, so that a missing permission check cannot hide behind a 400.
    body = {
        "name": "Bị sửa trái phép",
        "code": "X1",
        "symbol": "X",
        "kind": "committee",
        "parent": world.city.tu.pk,
        "start_date": "2026-01-01",
        "note": "x",
        "document": world.theirs["id"],
    }
    for method in METHODS:
        if route.startswith("api/v1/"):
            answer = getattr(client, method)(url, body, format="json")
        else:
            answer = getattr(client, method)(url, body, content_type="application/json")
        if answer.status_code == 405 or (method == "get" and route in DIRECTORY):
            continue
        assert answer.status_code in (403, 404), (method, url, answer.status_code)
        text = answer.content.decode("utf-8", "replace")
        assert "riêng của Đảng ủy phường Sài Gòn" not in text, (method, url)
        assert "noi dung rieng" not in text, (method, url)
    assert snapshot(world) == before
