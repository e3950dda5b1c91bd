"""The web register list read block by block (views.reads.UrgentFirst) gives exactly the order of
the ranked list it replaces (reads.urgency_first), at every page and with every filter; its count
is capped like the API's and never includes what the user may not see."""

from __future__ import annotations

from typing import Any

import pytest

from tests.registry_ui.conftest import client_for
from vanthu.registry import services
from vanthu.registry.paging import CappedCountPaginator
from vanthu.registry.views import common, reads


@pytest.fixture
def mixed(people: Any, register: Any) -> list[int]:
    """Documents of every urgency, some open (new, chờ chỉ đạo, đang xử lý), some done."""
    made = []
    plan = [
        ("normal", "new"),
        ("urgent", "done"),
        ("flash", "new"),
        ("urgent", "new"),
        ("very_urgent", "in_progress"),
        ("normal", "done"),
        ("flash", "done"),
        ("urgent", "awaiting_direction"),
        ("very_urgent", "new"),
        ("normal", "in_progress"),
        ("flash", "in_progress"),
    ]
    for i, (urgency, status) in enumerate(plan):
        doc = register(summary=f"Văn bản {i} {urgency}", urgency=urgency, number_symbol=f"{i}-CV")
        if status != "new":
            doc = services.present(actor=people.clerk, document=doc, leader=people.leader)
        if status in ("in_progress", "done"):
            doc = services.assign(actor=people.leader, document=doc, lead=people.specialist)
        if status == "done":
            services.complete(actor=people.specialist, document=doc)
        made.append(doc.pk)
    return made


FILTERS = [
    {},
    {"status": "new"},
    {"status": "done"},
    {"status": "in_progress"},
    {"urgency": "flash"},
    {"urgency": "normal"},
    {"status": "new", "urgency": "urgent"},
    {"q": "urgent"},
]


@pytest.mark.parametrize("filters", FILTERS)
def test_blocks_give_the_ranked_order_at_every_slice(
    people: Any, mixed: list[int], filters: dict[str, str]
) -> None:
    args = {"year": "", "status": "", "urgency": "", "q": "", **filters}
    rows = reads.incoming_page(people.clerk, **args)
    ranked = reads.urgency_first(reads.incoming_page_queryset(people.clerk, **args))
    expected = [d.pk for d in ranked]
    assert filters or len(expected) == len(mixed)
    assert [d.pk for d in rows[0:100]] == expected
    for size in (1, 2, 3, 5):
        for start in range(0, len(expected) + 2):
            got = [d.pk for d in rows[start : start + size]]
            assert got == expected[start : start + size], (size, start)
    assert rows.count() == len(expected)


def test_the_page_shows_urgent_open_documents_first_across_pages(
    people: Any, mixed: list[int], monkeypatch: Any
) -> None:
    monkeypatch.setattr(common, "PAGE_SIZE", 4)
    client = client_for(people.clerk)
    first = client.get("/van-ban/den/").content.decode()
    # Open hỏa tốc, then open thượng khẩn, then open khẩn lead the register.
    assert first.index("Văn bản 10 flash") < first.index("Văn bản 2 flash")
    assert first.index("Văn bản 2 flash") < first.index("Văn bản 8 very_urgent")
    assert first.index("Văn bản 8 very_urgent") < first.index("Văn bản 4 very_urgent")
    assert "Trang 1/3" in first
    assert "11 văn bản" in first
    third = client.get("/van-ban/den/?trang=3").content.decode()
    assert "Văn bản 0 normal" in third and "Văn bản 10 flash" not in third


def test_above_the_count_limit_the_page_says_more_than_and_every_page_opens(
    people: Any, register: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(CappedCountPaginator, "limit", 3)
    monkeypatch.setattr(common, "PAGE_SIZE", 2)
    for i in range(7):
        register(summary=f"Công văn thứ {i}", number_symbol=f"{i}-CV")
    client = client_for(people.clerk)
    html = client.get("/van-ban/den/").content.decode()
    assert "Hơn 3 văn bản" in html
    assert "Trang 1/" not in html and "Trang 1" in html
    assert "trang=2" in html
    last = client.get("/van-ban/den/?trang=4").content.decode()
    assert "Công văn thứ 0" in last
    assert "trang=5" not in last


def test_hidden_documents_are_not_counted_on_the_page(
    people: Any, register: Any, settings: Any
) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    register(summary="Công văn thường", urgency="flash")
    register(summary="Kế hoạch mật hỏa tốc", secrecy="confidential", urgency="flash")
    register(summary="Kế hoạch mật khẩn", secrecy="confidential", urgency="urgent")
    html = client_for(people.uncleared_clerk).get("/van-ban/den/").content.decode()
    assert "1 văn bản" in html
    assert "Kế hoạch mật" not in html
    html = client_for(people.clerk).get("/van-ban/den/").content.decode()
    assert "3 văn bản" in html


def test_bad_page_and_filters_answer_a_page_not_an_error(people: Any, register: Any) -> None:
    register(summary="Công văn thường")
    client = client_for(people.clerk)
    for query in ("trang=abc", "trang=-1", "trang=999999999", "do_khan=không-có", "nam=20x6"):
        answer = client.get(f"/van-ban/den/?{query}")
        assert answer.status_code == 200, query
