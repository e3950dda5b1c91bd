"""The web register list's cursor pages (``?after=`` / ``?before=``, views.urgent_pages): walked
by "Trang sau" they are exactly the numbered pages, in the same order across the urgent blocks,
and "Trang trước" walks them back; filters stay in the links; a bad cursor is a Vietnamese
notice above the first page, never an error; nothing hidden appears."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.registry_ui.conftest import client_for
from tests.registry_ui.test_list_speed import mixed  # noqa: F401 (a fixture)
from vanthu.registry import services
from vanthu.registry.models import Document
from vanthu.registry.views import common
from vanthu.registry.views.urgent_pages import NUMBERED_PAGES, Position

ROW = re.compile(r'<a href="/van-ban/den/(\d+)/">')


def rows(html: str) -> list[int]:
    return [int(pk) for pk in ROW.findall(html)]


def link(html: str, label: str) -> str | None:
    found = re.search(r'<a class="page-link" rel="\w+" href="\?([^"]*)">' + label + "<", html)
    return "/van-ban/den/?" + found.group(1).replace("&amp;", "&") if found else None


def numbered_pages(client: Client, query: str = "") -> list[list[int]]:
    pages = []
    for n in range(1, NUMBERED_PAGES + 1):
        html = client.get(f"/van-ban/den/?{query}&trang={n}").content.decode()
        got = rows(html)
        if n > 1 and got == pages[-1]:
            break  # get_page answered the last page again
        pages.append(got)
    return pages


def walk(client: Client, url: str, label: str) -> tuple[list[list[int]], list[str]]:
    pages, urls = [], []
    next_url: str | None = url
    while next_url is not None:
        answer = client.get(next_url)
        assert answer.status_code == 200, next_url
        html = answer.content.decode()
        assert "Liên kết trang không hợp lệ" not in html
        pages.append(rows(html))
        urls.append(next_url)
        next_url = link(html, label)
        assert len(pages) < 50
    return pages, urls


@pytest.mark.parametrize("query", ["", "q=V%C4%83n+b%E1%BA%A3n", "trang_thai=new", "do_khan=flash"])
def test_walking_by_cursor_gives_exactly_the_numbered_pages(
    people: Any,
    mixed: list[int],  # noqa: F811 (the fixture)
    monkeypatch: Any,
    query: str,
) -> None:
    monkeypatch.setattr(common, "PAGE_SIZE", 2)
    client = client_for(people.clerk)
    expected = numbered_pages(client, query)
    forward, urls = walk(client, f"/van-ban/den/?{query}", "Trang sau")
    assert forward == expected
    if query:
        assert all(query in u for u in urls), urls  # the filters stay in the links
    if not query:
        # Blocks: hỏa tốc (2 open), thượng khẩn (2), khẩn (2), the rest (5): pages cross them.
        assert [len(p) for p in forward] == [2, 2, 2, 2, 2, 1]
    # Back from the last page by "Trang trước": the same pages, the first one numbered.
    backward, back_urls = walk(client, urls[-1], "Trang trước")
    assert backward == list(reversed(expected))
    first = client.get(back_urls[-1]).content.decode()
    assert f"Trang 1/{len(expected)}" in first or len(expected) == 1  # numbered, counted


def test_a_cursor_page_deep_in_the_rest_block_reads_from_its_position(
    people: Any, register: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(common, "PAGE_SIZE", 3)
    made = [register(summary=f"Công văn {i}", number_symbol=f"{i}-CV").pk for i in range(8)]
    urgent = register(summary="Công văn khẩn", urgency="urgent").pk
    client = client_for(people.clerk)
    expected = [urgent, *reversed(made)]
    pages, _ = walk(client, "/van-ban/den/", "Trang sau")
    assert [pk for page in pages for pk in page] == expected
    assert len(pages) == 3
    # A status change between two pages moves the row to its new block; the cursor keeps its
    # place in the order, so nothing else is repeated or skipped.
    html = client.get("/van-ban/den/").content.decode()
    after_first = link(html, "Trang sau")
    assert after_first is not None
    # The khẩn document (page 1, urgent block) is completed: it moves to the rest block, where
    # as the newest number it sorts first, still before the cursor.
    doc = Document.objects.get(pk=urgent)
    doc = services.present(actor=people.clerk, document=doc, leader=people.leader)
    doc = services.assign(actor=people.leader, document=doc, lead=people.specialist)
    services.complete(actor=people.specialist, document=doc)
    second = rows(client.get(after_first).content.decode())
    assert second == expected[3:6]
    assert rows(client.get("/van-ban/den/").content.decode()) == [urgent, *expected[1:3]]


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "",
        "!!!",
        base64.urlsafe_b64encode(b"[1,2]").decode(),
        base64.urlsafe_b64encode(json.dumps([9, "2026", 1, 1]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([True, "2026", 1, 1]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([3, "2026", "1", 1]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([3, "2026", 1, 0]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([3, "2026", -1, 5]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([3, "", 1, 5]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([3, "2026", 1, 2**70]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"a": 1}).encode()).decode(),
        "A" * 5000,
    ],
)
def test_a_bad_cursor_shows_a_notice_and_the_first_page(
    people: Any, register: Any, raw: str
) -> None:
    first = register(summary="Công văn đầu tiên").pk
    client = client_for(people.clerk)
    for name in ("after", "before"):
        answer = client.get("/van-ban/den/", {name: raw, "q": "Công văn"})
        assert answer.status_code == 200
        html = answer.content.decode()
        assert "Liên kết trang không hợp lệ; danh sách hiển thị từ trang đầu." in html
        assert rows(html) == [first]
        assert "1 văn bản" in html


def test_numbered_pages_stop_at_the_limit_with_a_notice(
    people: Any, register: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(common, "PAGE_SIZE", 1)
    made = [register(summary=f"Công văn {i}", number_symbol=f"{i}-CV").pk for i in range(3)]
    client = client_for(people.clerk)
    html = client.get(f"/van-ban/den/?trang={NUMBERED_PAGES + 1}").content.decode()
    assert f"Chỉ mở được theo số trang đến trang {NUMBERED_PAGES}" in html
    assert rows(html) == [made[-1]]
    # A cursor past the end (the rows after it were removed): a notice and the first page.
    last = Position(3, "0000", 1, 1).encode()
    html = client.get(f"/van-ban/den/?after={last}").content.decode()
    assert "Không còn văn bản sau vị trí này" in html and rows(html) == [made[-1]]
    # Before the first row there is only the first page, shown numbered with its count.
    top = Position(3, "9999", 1, 10**9).encode()
    html = client.get(f"/van-ban/den/?before={top}").content.decode()
    assert rows(html) == [made[-1]] and "3 văn bản" in html


def test_cursor_pages_show_nothing_hidden(people: Any, register: Any, settings: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    mine = register(summary="Công văn thường").pk
    secret = register(summary="Kế hoạch mật hỏa tốc", secrecy="confidential", urgency="flash")
    other = register(clerk=people.clerk_du1, summary="Công văn của đảng bộ khác")
    client = client_for(people.uncleared_clerk)
    for doc in (secret, other):
        for block in range(4):
            number = doc.number or 0
            for name, at in (
                ("after", Position(block, doc.period_key, number + 1, doc.pk + 1)),
                ("before", Position(block, doc.period_key, max(number - 1, 0), doc.pk)),
            ):
                html = client.get(f"/van-ban/den/?{name}={at.encode()}").content.decode()
                assert "Kế hoạch mật" not in html and "đảng bộ khác" not in html
                assert set(rows(html)) <= {mine}


def test_a_cursor_page_asks_no_count(people: Any, register: Any, monkeypatch: Any) -> None:
    from django.db import connection

    monkeypatch.setattr(common, "PAGE_SIZE", 1)
    for i in range(3):
        register(summary=f"Công văn {i}", number_symbol=f"{i}-CV")
    client = client_for(people.clerk)
    html = client.get("/van-ban/den/").content.decode()
    after = link(html, "Trang sau")
    assert after is not None
    with CaptureQueriesContext(connection) as queries:
        assert client.get(after).status_code == 200
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]
