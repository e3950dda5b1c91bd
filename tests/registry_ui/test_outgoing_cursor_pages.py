"""The sổ đi web list's pages (``/van-ban/di/``): numbered pages 1–20, then cursors
(``?after=`` / ``?before=``, views.urgent_pages with the ``OUTGOING`` order). Walked by
"Trang sau" they are exactly the numbered pages, "Trang trước" walks them back, rows created
between two page loads neither repeat nor push a row out of the walk, ties of ``created_at``
keep one order, a bad cursor is a Vietnamese notice above the first page, nothing hidden
appears."""

from __future__ import annotations

import base64
import datetime
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.registry_ui.conftest import client_for
from vanthu.orgs.models import DocumentType, User
from vanthu.registry import services
from vanthu.registry.models import Document
from vanthu.registry.views import common
from vanthu.registry.views.urgent_pages import NUMBERED_PAGES, OUTGOING, Position

ROW = re.compile(r'<a href="/van-ban/di/(\d+)/">')


def rows(html: str) -> list[int]:
    return [int(pk) for pk in ROW.findall(html)]


def link(html: str, label: str) -> str | None:
    found = re.search(r'<a class="page-link" rel="\w+" href="\?([^"]*)">' + label + "<", html)
    return "/van-ban/di/?" + found.group(1).replace("&amp;", "&") if found else None


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


def draft(author: User, summary: str, **changes: Any) -> Document:
    data: dict[str, Any] = {
        "document_type": DocumentType.objects.get(code="CV"),
        "summary": summary,
        "signer": "Nguyễn Văn Ký",
        "secrecy": "none",
        "urgency": "normal",
    }
    data.update(changes)
    assert author.organization is not None
    return services.create_outgoing(actor=author, organization=author.organization, data=data)


@pytest.fixture
def drafts(people: Any) -> list[int]:
    """Seven drafts, newest first; three share one ``created_at`` (ties are ordered by id)."""
    made = [draft(people.specialist, f"Công văn đi số {i}").pk for i in range(7)]
    tie = timezone.now() - datetime.timedelta(days=1)
    Document.objects.filter(pk__in=made[2:5]).update(created_at=tie)
    # Newest first; the three of one instant by id, highest first (``-created_at, -pk``).
    return [made[6], made[5], made[1], made[0], made[4], made[3], made[2]]


@pytest.mark.parametrize("query", ["", "trang_thai=draft"])
def test_walking_by_cursor_gives_the_numbered_pages_and_back(
    people: Any, drafts: list[int], monkeypatch: Any, query: str
) -> None:
    monkeypatch.setattr(common, "PAGE_SIZE", 2)
    client = client_for(people.clerk)
    numbered = [
        rows(client.get(f"/van-ban/di/?{query}&trang={n}").content.decode()) for n in (1, 2, 3, 4)
    ]
    assert [pk for page in numbered for pk in page] == drafts  # the tie kept in id order
    forward, urls = walk(client, f"/van-ban/di/?{query}", "Trang sau")
    assert forward == numbered
    assert all(query in u for u in urls), urls  # the filter stays in the links
    backward, back_urls = walk(client, urls[-1], "Trang trước")
    assert backward == list(reversed(numbered))
    assert "Trang 1/4" in client.get(back_urls[-1]).content.decode()  # numbered, counted


def test_rows_created_between_two_pages_are_not_repeated_or_skipped(
    people: Any, drafts: list[int], monkeypatch: Any
) -> None:
    monkeypatch.setattr(common, "PAGE_SIZE", 3)
    client = client_for(people.clerk)
    html = client.get("/van-ban/di/").content.decode()
    assert rows(html) == drafts[:3]
    after_first = link(html, "Trang sau")
    assert after_first is not None
    newer = [draft(people.specialist, f"Công văn mới {i}").pk for i in range(4)]
    pages, _ = walk(client, after_first, "Trang sau")
    assert [pk for page in pages for pk in page] == drafts[3:]
    # The new rows are at the top, before the cursor: the first page shows them.
    assert rows(client.get("/van-ban/di/").content.decode()) == newer[::-1][:3]


BAD_VALUES: list[list[Any]] = [
    [1, "2026-01-01T00:00:00+00:00", 1],  # block 1 does not exist in the sổ đi
    [0, "2026-01-01T00:00:00", 1],  # no time zone
    [0, "hôm qua", 1],
    [0, "2026-01-01T00:00:00+00:00", 0],
    [0, "2026-01-01T00:00:00+00:00", True],
    [0, "2026-01-01T00:00:00+00:00"],
    [0, "2026", 1, 1],
]


def test_a_bad_cursor_shows_a_notice_and_the_first_page(people: Any, drafts: list[int]) -> None:
    client = client_for(people.clerk)
    tokens = [base64.urlsafe_b64encode(json.dumps(v).encode()).decode() for v in BAD_VALUES]
    for name, token in (
        [("after", t) for t in tokens]
        + [("before", t) for t in tokens[:3]]
        + [
            ("after", "!!!"),
            ("before", "A" * 5000),
        ]
    ):
        answer = client.get("/van-ban/di/", {name: token})
        assert answer.status_code == 200
        html = answer.content.decode()
        assert "Liên kết trang không hợp lệ; danh sách hiển thị từ trang đầu." in html, token
        assert rows(html) == drafts and "7 văn bản" in html


def test_past_the_end_and_above_the_numbered_pages(people: Any, drafts: list[int]) -> None:
    client = client_for(people.clerk)
    html = client.get(f"/van-ban/di/?trang={NUMBERED_PAGES + 1}").content.decode()
    assert f"Chỉ mở được theo số trang đến trang {NUMBERED_PAGES}" in html
    oldest = Position(0, datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC), 1).encode()
    html = client.get(f"/van-ban/di/?after={oldest}").content.decode()
    assert "Không còn văn bản sau vị trí này" in html and rows(html) == drafts
    newest = Position(0, timezone.now() + datetime.timedelta(days=1), 1).encode()
    html = client.get(f"/van-ban/di/?before={newest}").content.decode()
    assert rows(html) == drafts and "7 văn bản" in html


def test_cursor_pages_show_nothing_hidden(people: Any, settings: Any, monkeypatch: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    monkeypatch.setattr(common, "PAGE_SIZE", 1)
    mine = [draft(people.specialist, f"Công văn đi thường {i}").pk for i in range(2)]
    secret = draft(people.clerk, "Kế hoạch mật đi", secrecy="confidential")
    other = draft(people.clerk_du1, "Công văn đi của đảng bộ khác")
    client = client_for(people.uncleared_clerk)
    pages, _ = walk(client, "/van-ban/di/", "Trang sau")
    assert sorted(pk for page in pages for pk in page) == sorted(mine)
    for doc in (secret, other):
        for delta in (-1, 0, 1):
            at = OUTGOING.position(doc)
            moved = Position(0, at.key[0], at.key[1] + delta)
            for name in ("after", "before"):
                html = client.get(f"/van-ban/di/?{name}={moved.encode()}").content.decode()
                assert "Kế hoạch mật" not in html and "đảng bộ khác" not in html
                assert set(rows(html)) <= set(mine)
