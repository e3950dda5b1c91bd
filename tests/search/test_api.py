"""GET /api/v1/search/ (docs/api.md): shape, filters, pagination, bad input, query count."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from vanthu.orgs.models import User
from vanthu.registry.models import Document
from vanthu.search import backends
from vanthu.search.query import parse


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def clerk(city: Any, make_user: Any) -> User:
    return make_user(username="vt_api", organization=city.du1, roles=["clerk"])


def test_search_answers_the_contract(clerk: User, city: Any, make_doc: Any) -> None:
    doc = make_doc(city.du1, "Nghị quyết về <công tác> văn thư", number_symbol="05-NQ/TU")
    answer = client_for(clerk).get("/api/v1/search/", {"q": "van thu"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    (hit,) = body["results"]
    assert {"id", "direction", "number_symbol", "summary", "snippet", "score"} <= set(hit)
    assert hit["id"] == doc.pk and hit["number_symbol"] == "05-NQ/TU"
    assert hit["snippet"] == "Nghị quyết về &lt;công tác&gt; <mark>văn</mark> <mark>thư</mark>"
    assert isinstance(hit["score"], float)


def test_pagination_and_query_count(clerk: User, city: Any, make_doc: Any) -> None:
    for n in range(5):
        make_doc(city.du1, f"Thông báo số {n} về lịch họp")
    client = client_for(clerk)
    # The index: one first pass (count and candidates) and the candidates' score (PostgreSQL:
    # one statement; FTS5: one per feature: exact spelling, the pair in both spellings). Then
    # positions and the re-check of the page (and the grants' content type, until cached).
    # PostgreSQL adds its transaction's SAVEPOINT, SET LOCAL jit and RELEASE.
    compiled = backends.compile_query(parse("thông báo"))
    scoring = 1 if connection.vendor == "postgresql" else 1 + len(compiled.features)
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/api/v1/search/", {"q": "thông báo", "page_size": 2}).json()
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL")
    work = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(control)]
    on_index = [sql for sql in work if "search_index" in sql.split(" WHERE ")[0]]
    assert len(on_index) == 1 + scoring, on_index
    assert len(work) - len(on_index) <= 3, work
    assert first["count"] == 5 and len(first["results"]) == 2
    assert "page=2" in first["next"]
    last = client.get("/api/v1/search/", {"q": "thông báo", "page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None and "page=2" in last["previous"]
    seen = {
        r["id"]
        for p in (1, 2, 3)
        for r in client.get(
            "/api/v1/search/", {"q": "thông báo", "page_size": 2, "page": p}
        ).json()["results"]
    }
    assert len(seen) == 5


def test_filters_and_their_bad_values(clerk: User, city: Any, make_doc: Any) -> None:
    doc = make_doc(city.du1, "Kế hoạch năm", direction="outgoing")
    make_doc(city.du1, "Kế hoạch năm")
    client = client_for(clerk)
    answer = client.get("/api/v1/search/", {"q": "kế hoạch", "direction": "outgoing"}).json()
    assert [r["id"] for r in answer["results"]] == [doc.pk]
    bad = {
        "direction": "sideways",
        "date_from": "31/12/2025",
        "organization": "999999",
        "secrecy": "ultra",
        "page_size": "201",
        "page": "0",
        "document_type": "abc",
    }
    for field, value in bad.items():
        answer = client.get("/api/v1/search/", {"q": "kế hoạch", field: value})
        assert answer.status_code == 400, (field, answer.content)
        assert field in answer.json()
    answer = client.get(
        "/api/v1/search/", {"q": "kế hoạch", "date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert answer.status_code == 400 and "date_to" in answer.json()


@pytest.mark.parametrize(
    "q",
    [
        "",
        "x" * 10_000,
        '"không đóng',
        "-chỉ -loại -trừ",
        "***",
    ],
)
def test_queries_that_cannot_be_understood_are_400_on_q(
    clerk: User, city: Any, make_doc: Any, q: str
) -> None:
    make_doc(city.du1, "Kế hoạch năm")
    before = list(Document.objects.values_list("pk", "summary"))
    answer = client_for(clerk).get("/api/v1/search/", {"q": q})
    assert answer.status_code == 400, answer.content
    assert answer.json()["q"][0]
    assert list(Document.objects.values_list("pk", "summary")) == before


@pytest.mark.parametrize(
    "q",
    [
        'NEAR(kế hoạch, 2) OR "x"',
        "kế* ^hoạch folded:mật",
        "kế hoạch'; DROP TABLE search_index; --",
        "kế hoạch\x00\x1b[31m",
        "kế hoạch %' OR 1=1 --",
    ],
)
def test_injection_is_never_a_server_error_nor_a_leak(
    clerk: User, city: Any, make_doc: Any, q: str
) -> None:
    make_doc(city.du1, "Kế hoạch năm")
    make_doc(city.du2, "Kế hoạch năm của nơi khác")
    make_doc(city.du1, "Kế hoạch mật", secrecy="secret")
    answer = client_for(clerk).get("/api/v1/search/", {"q": q})
    assert answer.status_code in (200, 400), answer.content
    if answer.status_code == 200:
        for hit in answer.json()["results"]:
            assert hit["summary"] == "Kế hoạch năm"


def test_invalid_utf8_and_lone_surrogates_are_not_a_server_error(
    clerk: User, city: Any, make_doc: Any
) -> None:
    make_doc(city.du1, "Kế hoạch năm")
    client = client_for(clerk)
    for raw in ["k%E1%BA%BF%20ho%E1%BA%A1ch%20%ED%A0%80", "%FF%FE%C0", "%ED%A0%80"]:
        answer = client.get(f"/api/v1/search/?q={raw}")
        assert answer.status_code in (200, 400), answer.content


def test_classified_title_is_not_even_counted(city: Any, make_user: Any, make_doc: Any) -> None:
    outsider = make_user(organization=city.du2, roles=["clerk"], clearance="top_secret")
    make_doc(city.du1, "Phương án tác chiến tuyệt mật", secrecy="top_secret")
    answer = client_for(outsider).get("/api/v1/search/", {"q": "tác chiến"})
    assert answer.json() == {
        "count": 0,
        "count_exact": True,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_anonymous_is_refused(db: Any) -> None:
    assert APIClient().get("/api/v1/search/", {"q": "x"}).status_code in (401, 403)
