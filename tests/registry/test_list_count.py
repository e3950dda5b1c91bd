"""Lists count at most COUNT_LIMIT visible rows (registry.paging): exact below, a flagged lower
bound above, every page still reachable, hidden documents never counted."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import pytest

from tests.registry.conftest import client_for, today
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


@pytest.fixture
def filtered_world(people: Any, register_incoming: Any, settings: Any) -> dict[str, int]:
    """Documents that every filter of the lists splits differently; some hidden from the
    uncleared clerk (secret ones of TU, DU1's). The numbers are what that clerk may see."""
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    settings.VANTHU_SECURITY_ZONE = "isolated"
    last_year = today().year - 1
    for i in range(4):
        register_incoming(summary=f"Về phòng chống tham nhũng {i}", number_symbol=f"{i}-CV/A")
    presented = register_incoming(summary="Về công tác cán bộ", number_symbol="9-CV/A")
    for i in range(2):
        register_incoming(
            summary=f"Về tham nhũng năm trước {i}",
            number_symbol=f"{i}-CV/B",
            received_at=f"{last_year}-06-01T08:00:00+07:00",
            issued_date=f"{last_year}-05-30",
            deadline=None,
        )
    for i in range(4):
        register_incoming(secrecy="secret", summary=f"Mật tham nhũng {i}", number_symbol=f"{i}-M/A")
        register_incoming(
            people.clerk_du1, summary=f"Về phòng chống tham nhũng {i}", number_symbol=f"{i}-D/A"
        )
    client_for(people.clerk).post(
        f"/api/v1/incoming/{presented['id']}/present/", {"leader": people.leader.pk}, format="json"
    )
    year, old = str(today().year), str(last_year)
    return {
        "": 7,
        f"year={year}": 5,
        f"year={old}": 2,
        "status=new": 6,
        "status=awaiting_direction": 1,
        "status=done": 0,
        "q=tham nhũng": 6,
        f"q=tham nhũng&year={year}": 4,
        "q=CV/B": 2,
        "q=không có": 0,
    }


@pytest.mark.parametrize("limit", [100, 4])
def test_filtered_counts_are_exact_below_the_cap_capped_above_and_only_visible(
    people: Any, filtered_world: dict[str, int], monkeypatch: Any, limit: int
) -> None:
    monkeypatch.setattr(CappedCountPaginator, "limit", limit)
    client = client_for(people.uncleared_clerk)
    for query, visible in filtered_world.items():
        page = client.get("/api/v1/incoming/", {"page_size": 2, **dict(parse_qsl(query))}).json()
        assert (page["count"], page["count_exact"]) == (min(visible, limit), visible <= limit), (
            query,
            page,
        )
        # Walked to the end, the list has exactly the visible rows the count speaks of.
        seen, url = [r["id"] for r in page["results"]], page["next"]
        while url:
            more = client.get(url).json()
            assert "results" in more, (query, url, more)
            seen += [r["id"] for r in more["results"]]
            url = more["next"]
        assert len(seen) == len(set(seen)) == visible, query
    # The cleared clerk who registered the secret ones counts them too; DU1's never.
    page = client_for(people.clerk).get("/api/v1/incoming/", {"q": "tham nhũng"}).json()
    assert (page["count"], page["count_exact"]) == (min(10, limit), limit >= 10)


def test_a_page_that_is_not_full_is_counted_from_its_rows(
    people: Any, filtered_world: dict[str, int]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(people.uncleared_clerk)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/api/v1/incoming/", {"q": "tham nhũng"}).json()
    assert (page["count"], page["count_exact"], len(page["results"])) == (6, True, 6)
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]
    # A full page asks the capped count.
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/api/v1/incoming/", {"q": "tham nhũng", "page_size": 3}).json()
    assert (page["count"], page["count_exact"], len(page["results"])) == (6, True, 3)
    assert [q for q in queries if "COUNT(" in q["sql"].upper()]
    # The last page of several: its offset plus its rows.
    page = client.get("/api/v1/incoming/", {"q": "tham nhũng", "page_size": 4, "page": 2}).json()
    assert (page["count"], page["count_exact"], len(page["results"])) == (6, True, 2)
    assert page["previous"] and not page["next"]


def test_a_page_number_far_beyond_the_list_is_404_not_an_error(
    people: Any, register_incoming: Any
) -> None:
    register_incoming()
    client = client_for(people.clerk)
    for number in ("2", "10001", "99999999999999999999"):
        assert client.get("/api/v1/incoming/", {"page": number}).status_code == 404, number
