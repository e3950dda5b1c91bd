"""The dashboard's short lists and document counts (issue 10, speed work): read as ordinary
documents plus the classified ones through the access policy, and exactly what the policy shows:
the same rows, in the same order, counted once each, never a classified one without need to know.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.reports.conftest import World, register_in
from vanthu.access import policy
from vanthu.registry import services as registry
from vanthu.registry.models import Direction, Document, Status
from vanthu.reports.dashboard import dashboard

pytestmark = pytest.mark.django_db

PRESENTED_SECRET = "Phương án phòng thủ khu vực TQX-31 trình đồng chí Bí thư"
OTHER_LEADERS_SECRET = "Báo cáo nhân sự mật PNV-82 trình đồng chí Phó Bí thư"


@pytest.fixture(autouse=True)
def _no_cached_figures() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _panel(user: Any, role: str) -> dict[str, Any]:
    (found,) = [p for p in dashboard(user)["panels"] if p["role"] == role]
    return found


def _count(panel: dict[str, Any], label: str) -> int:
    return next(n for text, n, _url in panel["counts"] if text == label)


def _awaiting_in_du1(world: World, make_user: Any) -> dict[str, Any]:
    """Six ordinary documents and two classified ones waiting for direction in the ward: one
    classified presented to the city leader (hỏa tốc, registered last), one to another."""
    other = make_user(
        username="pbt_tu", organization=world.city.tu, roles=["leader"], clearance="top_secret"
    )
    plain = []
    for i in range(6):
        doc = register_in(
            world.clerk_du1,
            world.city.du1,
            days_ago=6 - i,
            summary=f"Báo cáo công tác tháng {i + 1} của phường",
            number_symbol=f"{i + 1}-BC/ĐU",
            urgency="urgent" if i == 4 else "normal",
        )
        plain.append(registry.present(actor=world.clerk_du1, document=doc, leader=world.leader))
    mine = register_in(
        world.clerk_du1,
        world.city.du1,
        secrecy="confidential",
        summary=PRESENTED_SECRET,
        number_symbol="31-KH/ĐU",
        urgency="flash",
    )
    registry.present(actor=world.clerk_du1, document=mine, leader=world.leader)
    theirs = register_in(
        world.clerk_du1,
        world.city.du1,
        secrecy="confidential",
        summary=OTHER_LEADERS_SECRET,
        number_symbol="82-BC/ĐU",
        urgency="flash",
    )
    registry.present(actor=world.clerk_du1, document=theirs, leader=other)
    return {"plain": plain, "mine": mine, "theirs": theirs, "other": other}


def _policy_awaiting(user: Any, world: World) -> list[Document]:
    """What the access policy itself shows, in the list's order (hỏa tốc first)."""
    rank = {"flash": 0, "very_urgent": 1, "urgent": 2, "normal": 3}
    docs = policy.visible(
        user,
        Document.objects.filter(
            world.city.tu.subtree_q("organization"),
            direction=Direction.INCOMING,
            status=Status.AWAITING_DIRECTION,
        ),
    ).distinct()
    return sorted(docs, key=lambda d: (rank[d.urgency], d.received_at, d.pk))


def test_the_leader_list_merges_the_classified_document_it_was_presented(
    world: World, make_user: Any
) -> None:
    made = _awaiting_in_du1(world, make_user)
    panel = _panel(world.leader, "leader")
    items = panel["items"]
    # Hỏa tốc first although registered last and classified; then khẩn; then by ngày đến.
    assert [i["id"] for i in items] == [d.pk for d in _policy_awaiting(world.leader, world)][:5]
    assert items[0]["id"] == made["mine"].pk and items[1]["id"] == made["plain"][4].pk
    assert [i["id"] for i in items[2:]] == [d.pk for d in made["plain"][:3]]
    assert _count(panel, "Chờ cho ý kiến chỉ đạo") == 7
    assert OTHER_LEADERS_SECRET not in str(dashboard(world.leader))


def test_no_leader_sees_a_classified_document_it_has_no_need_to_know(
    world: World, make_user: Any
) -> None:
    made = _awaiting_in_du1(world, make_user)
    uncleared = make_user(
        username="ld_none", organization=world.city.tu, roles=["leader"], clearance="none"
    )
    for user, secret, hidden in (
        (made["other"], made["theirs"], PRESENTED_SECRET),
        (uncleared, None, PRESENTED_SECRET),
    ):
        panel = _panel(user, "leader")
        ids = [i["id"] for i in panel["items"]]
        assert ids == [d.pk for d in _policy_awaiting(user, world)][:5]
        assert made["mine"].pk not in ids
        assert (secret is not None and secret.pk in ids) == (secret is not None)
        assert _count(panel, "Chờ cho ý kiến chỉ đạo") == 6 + (secret is not None)
        assert hidden not in str(dashboard(user))
    assert OTHER_LEADERS_SECRET not in str(dashboard(uncleared))
    # The page itself: neither title for the uncleared leader.
    client = Client()
    client.force_login(uncleared)
    page = client.get("/").content.decode()
    assert "Chờ chỉ đạo" in page and made["plain"][4].summary in page
    assert PRESENTED_SECRET not in page and OTHER_LEADERS_SECRET not in page


def test_a_document_with_several_assignees_is_counted_once(world: World, make_user: Any) -> None:
    helper = make_user(username="cv2_tu", organization=world.city.tu, roles=["specialist"])
    today = register_in(world.clerk, world.city.tu, summary="Văn bản giao hai người xử lý")
    registry.assign(actor=world.leader, document=today, lead=world.specialist, support=[helper])
    registered = Document.objects.filter(
        organization=world.city.tu, direction=Direction.INCOMING, number__isnull=False
    ).exclude(pk=world.old.pk)
    expected = policy.visible(world.clerk, registered).distinct().count()
    assert expected == 3  # the ordinary one, the confidential one, this one
    assert _count(_panel(world.clerk, "clerk"), "Đã vào sổ hôm nay") == expected
    # The uncleared clerk: the two ordinary ones only.
    assert _count(_panel(world.uncleared_clerk, "clerk"), "Đã vào sổ hôm nay") == 2
