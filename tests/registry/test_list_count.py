"""Lists count at most COUNT_LIMIT visible rows (registry.paging): exact below, a flagged lower
bound above, every page still reachable, hidden documents never counted."""

from __future__ import annotations

from typing import Any

import pytest

from tests.registry.conftest import client_for
from vanthu.registry.paging import COUNT_LIMIT, CappedCountPaginator


@pytest.fixture
def limit_three(monkeypatch: Any) -> None:
    # The limit is a size, not behaviour: three rows stand for ten thousand.
    monkeypatch.setattr(CappedCountPaginator, "limit", 3)


def test_count_below_the_limit_is_exact(people: Any, register_incoming: Any) -> None:
    register_incoming()
    register_incoming(number_symbol="13-CV/BTCTW")
    page = client_for(people.clerk).get("/api/v1/incoming/").json()
    assert page["count"] == 2
    assert page["count_exact"] is True
    assert COUNT_LIMIT >= 1000


def test_above_the_limit_count_is_a_flagged_lower_bound_and_every_page_is_reachable(
    people: Any, register_incoming: Any, limit_three: None
) -> None:
    ids = [register_incoming(number_symbol=f"{i}-CV/BTCTW")["id"] for i in range(5)]
    client = client_for(people.clerk)
    seen: list[int] = []
    url: str | None = "/api/v1/incoming/?page_size=2"
    while url is not None:
        page = client.get(url).json()
        assert page["count"] == 3
        assert page["count_exact"] is False
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(ids)
    assert len(seen) == len(set(seen)) == 5
    assert client.get("/api/v1/incoming/?page_size=2&page=4").status_code == 404
    last = client.get("/api/v1/incoming/?page=last")
    assert last.status_code == 404
    assert "lọc" in last.json()["detail"]
    for bad in ("abc", "0", "-1"):
        assert client.get(f"/api/v1/incoming/?page={bad}").status_code == 404, bad


def test_exact_count_keeps_the_usual_page_checks(
    people: Any, register_incoming: Any, limit_three: None
) -> None:
    register_incoming()
    client = client_for(people.clerk)
    assert client.get("/api/v1/incoming/?page=2").status_code == 404
    assert client.get("/api/v1/incoming/?page=last").json()["count_exact"] is True


def test_hidden_documents_are_never_counted(
    people: Any, register_incoming: Any, settings: Any, limit_three: None
) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    settings.VANTHU_SECURITY_ZONE = "isolated"
    for i in range(4):
        register_incoming(secrecy="secret", number_symbol=f"{i}-M/BTCTW")
    register_incoming(number_symbol="1-CV/BTCTW")
    page = client_for(people.uncleared_clerk).get("/api/v1/incoming/").json()
    assert (page["count"], page["count_exact"]) == (1, True)
    assert client_for(people.clerk).get("/api/v1/incoming/").json()["count_exact"] is False


def test_outgoing_list_counts_the_same_way(people: Any, limit_three: None) -> None:
    page = client_for(people.clerk).get("/api/v1/outgoing/").json()
    assert (page["count"], page["count_exact"], page["results"]) == (0, True, [])
