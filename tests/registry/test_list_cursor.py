"""Keyset cursors on the document lists (``?after=``, registry.keyset): every visible document
once and in the list's order at any depth; bad cursors are 400 on ``after``; a cursor, even a
forged one, never shows, counts or skips into what the user may not see."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.registry.conftest import client_for
from vanthu.orgs.models import DocumentType
from vanthu.registry import sending, services
from vanthu.registry.keyset import INCOMING
from vanthu.registry.models import Document
from vanthu.registry.paging import CappedCountPaginator


def _token(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _walk(client: Any, url: str) -> tuple[list[int], list[dict[str, Any]]]:
    """Follow ``next`` from ``url`` to the end: the ids seen and every page's answer."""
    ids: list[int] = []
    pages: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url is not None:
        answer = client.get(next_url)
        assert answer.status_code == 200, answer.content
        page = answer.json()
        pages.append(page)
        ids += [r["id"] for r in page["results"]]
        next_url = page["next"]
        assert len(pages) < 50
    return ids, pages


def _key(pk: int) -> tuple[str, int, int]:
    d = Document.objects.get(pk=pk)
    return (d.period_key, d.number or 0, d.pk)


def _deliver_to_tu(people: Any, city: Any, summary: str) -> Document:
    """A document DU1 issues and sends to TU: in TU's list unnumbered (chờ vào sổ)."""
    draft = services.create_outgoing(
        actor=people.clerk_du1,
        organization=city.du1,
        data={
            "document_type": DocumentType.objects.get(code="CV"),
            "summary": summary,
            "recipients": [{"organization": city.tu}],
        },
    )
    services.issue_outgoing(actor=people.clerk_du1, document=draft)
    sending.send_outgoing(actor=people.clerk_du1, document=draft)
    return Document.objects.get(source_document=draft, organization=city.tu)


def test_cursor_pages_are_the_numbered_pages_in_the_same_order(
    people: Any, city: Any, register_incoming: Any
) -> None:
    for i in range(5):
        register_incoming(number_symbol=f"{i}-CV/BTCTW", summary=f"Văn bản số {i}")
    pending = [_deliver_to_tu(people, city, f"Liên thông {i}") for i in range(2)]
    assert all(d.number is None for d in pending)
    client = client_for(people.clerk)
    by_page, _ = _walk(client, "/api/v1/incoming/?page_size=2")
    by_cursor, pages = _walk(client, "/api/v1/incoming/?page_size=2&after=" + _start(client))
    first = client.get("/api/v1/incoming/?page_size=2").json()["results"]
    assert [r["id"] for r in first] + by_cursor == by_page
    assert len(by_page) == len(set(by_page)) == 7
    # The unnumbered deliveries come last, newest first, on both databases.
    assert by_page[-2:] == [pending[1].pk, pending[0].pk]
    assert client.get("/api/v1/incoming/?page_size=2").json()["count"] == 7
    for page in pages:
        assert page["previous"] is None
        # A cursor page does not count the list again: the first page's count holds.
        assert page["count"] is None and page["count_exact"] is None
        assert "page=" not in (page["next"] or "")
    assert pages[-1]["next_after"] is None
    assert pages[-1]["next"] is None


def _start(client: Any) -> str:
    """The cursor page 1 hands out for the page after it."""
    page = client.get("/api/v1/incoming/?page_size=2").json()
    assert page["next_after"] is not None
    return str(page["next_after"])


def test_cursor_keeps_the_filters(people: Any, register_incoming: Any) -> None:
    ids = [
        register_incoming(number_symbol=f"{i}-CV/BTCTW", summary=f"Chuyển đổi số {i}")["id"]
        for i in range(4)
    ]
    register_incoming(number_symbol="99-CV/BTCTW", summary="Công tác cán bộ")
    client = client_for(people.clerk)
    page = client.get("/api/v1/incoming/?q=chuyển đổi&page_size=3").json()
    assert page["count"] == 4
    rest = client.get(f"/api/v1/incoming/?q=chuyển đổi&page_size=3&after={page['next_after']}")
    assert rest.status_code == 200
    seen = [r["id"] for r in page["results"]] + [r["id"] for r in rest.json()["results"]]
    assert seen == sorted(ids, reverse=True)
    assert rest.json()["next_after"] is None


def test_outgoing_list_has_cursors_too(people: Any, city: Any) -> None:
    cv = DocumentType.objects.get(code="CV")
    made = [
        services.create_outgoing(
            actor=people.clerk,
            organization=city.tu,
            data={"document_type": cv, "summary": f"Dự thảo {i}", "recipients": []},
        ).pk
        for i in range(3)
    ]
    client = client_for(people.clerk)
    page = client.get("/api/v1/outgoing/?page_size=1").json()
    ids, pages = _walk(client, f"/api/v1/outgoing/?page_size=1&after={page['next_after']}")
    assert [r["id"] for r in page["results"]] + ids == sorted(made, reverse=True)
    assert page["count"] == 3
    assert [(p["count"], p["count_exact"]) for p in pages] == [(None, None), (None, None)]


@pytest.mark.parametrize(
    "after",
    [
        "garbage",
        "",
        "%%%",
        _token({"period": "2026"}),
        _token(["2026", 1]),
        _token(["2026", 1, 2, 3]),
        _token([2026, 1, 5]),
        _token(["2026", "1", 5]),
        _token(["2026", 1, True]),
        _token(["2026", 1, 0]),
        _token(["2026", -1, 5]),
        _token(["2026", 1, 2**63]),
        _token(["x" * 41, 1, 5]),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "A" * 401,
    ],
)
def test_a_bad_incoming_cursor_is_400_on_after(
    people: Any, register_incoming: Any, after: str
) -> None:
    register_incoming()
    before = Document.objects.count()
    answer = client_for(people.clerk).get("/api/v1/incoming/", {"after": after})
    assert answer.status_code == 400, answer.content
    message = answer.json()["after"][0]
    assert "không hợp lệ" in message
    assert Document.objects.count() == before


@pytest.mark.parametrize(
    "after",
    [
        "garbage",
        _token(["2026-11-25T10:00:00", 5]),  # no time zone
        _token(["hôm qua", 5]),
        _token(["2026-11-25T10:00:00+07:00"]),
        _token(["2026-11-25T10:00:00+07:00", "5"]),
    ],
)
def test_a_bad_outgoing_cursor_is_400_on_after(people: Any, after: str) -> None:
    answer = client_for(people.clerk).get("/api/v1/outgoing/", {"after": after})
    assert answer.status_code == 400, answer.content
    assert "after" in answer.json()


def test_after_with_a_page_number_is_400(people: Any, register_incoming: Any) -> None:
    register_incoming()
    register_incoming(number_symbol="2-CV/BTCTW")
    client = client_for(people.clerk)
    cursor = client.get("/api/v1/incoming/?page_size=1").json()["next_after"]
    answer = client.get(f"/api/v1/incoming/?page_size=1&page=2&after={cursor}")
    assert answer.status_code == 400
    assert "số trang" in answer.json()["after"][0]


def test_a_cursor_never_shows_counts_or_reveals_hidden_documents(
    people: Any, register_incoming: Any, settings: Any
) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    settings.VANTHU_SECURITY_ZONE = "isolated"
    shown = []
    hidden = []
    for i in range(6):
        secret = i % 2 == 1
        made = register_incoming(
            secrecy="secret" if secret else "none", number_symbol=f"{i}-X/BTCTW"
        )
        (hidden if secret else shown).append(made["id"])
    hidden.append(register_incoming(people.clerk_du1, number_symbol="7-CV/DU1")["id"])
    client = client_for(people.uncleared_clerk)
    page = client.get("/api/v1/incoming/?page_size=1").json()
    ids, pages = _walk(client, f"/api/v1/incoming/?page_size=1&after={page['next_after']}")
    seen = [page["results"][0]["id"], *ids]
    assert seen == sorted(shown, reverse=True)
    assert page["count"] == 3
    assert {p["count"] for p in pages} == {None}  # a cursor page does not count again
    # A forged cursor made from a hidden document's own key starts after it and still shows
    # only what the user may see; the answer is the same as from the visible one just above.
    for pk in hidden:
        d = Document.objects.get(pk=pk)
        forged = client.get(f"/api/v1/incoming/?after={INCOMING.cursor(d)}").json()
        assert {r["id"] for r in forged["results"]} <= set(shown)
        assert forged["count"] is None
        assert {r["id"] for r in forged["results"]} == {s for s in shown if _key(s) < _key(pk)}
    # Cursors and numbers of hidden documents never appear in any answer.
    text = json.dumps([page, *pages])
    for pk in hidden:
        assert INCOMING.cursor(Document.objects.get(pk=pk)) not in text


def test_above_the_count_limit_the_cursor_still_reaches_every_page(
    people: Any, register_incoming: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(CappedCountPaginator, "limit", 2)
    made = [register_incoming(number_symbol=f"{i}-CV/BTCTW")["id"] for i in range(5)]
    client = client_for(people.clerk)
    page = client.get("/api/v1/incoming/?page_size=2").json()
    assert (page["count"], page["count_exact"]) == (2, False)
    ids, pages = _walk(client, f"/api/v1/incoming/?page_size=2&after={page['next_after']}")
    assert [r["id"] for r in page["results"]] + ids == sorted(made, reverse=True)
    assert all((p["count"], p["count_exact"]) == (None, None) for p in pages)


def test_the_schema_documents_after_and_next_after(people: Any) -> None:
    schema = client_for(people.clerk).get("/api/schema/?format=json").json()
    for path in ("/api/v1/incoming/", "/api/v1/outgoing/"):
        get = schema["paths"][path]["get"]
        assert "after" in {p["name"] for p in get["parameters"]}
        ref = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert "next_after" in body["properties"]


def test_a_year_that_matches_nothing_still_pages_by_cursor(
    people: Any, register_incoming: Any
) -> None:
    """``year=abc`` matches nothing; its empty list keeps the order a cursor needs (the same
    mistake made ``transfers/due/`` a 500 with a cursor)."""
    for i in range(3):
        register_incoming(summary=f"Văn bản {i}")
    client = client_for(people.clerk)
    after = client.get("/api/v1/incoming/", {"page_size": 2}).json()["next_after"]
    assert after
    for year in ("abc", "-2020", "２０２５"):
        answer = client.get("/api/v1/incoming/", {"year": year, "after": after})
        assert answer.status_code == 200, (year, answer.content)
        assert answer.json()["results"] == []
