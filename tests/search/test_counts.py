"""Counts and windows: the access rule checked per match inside the engine (docs/search.md,
"Counts and ranking"), the count cap ("hơn N") and the equality with the policy."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from rest_framework.test import APIClient

from vanthu.access.models import Grant
from vanthu.access.policy import visible
from vanthu.orgs.models import User
from vanthu.registry.models import Document
from vanthu.search import backends
from vanthu.search.selectors import search_documents


def _found(user: User, q: str) -> set[int]:
    page = search_documents(user, q, limit=200)
    assert page.count_exact
    assert page.count == len(page.hits)
    return {h.document.pk for h in page.hits}


def test_results_equal_the_policy_for_every_kind_of_user(
    city: Any, make_user: Any, make_doc: Any
) -> None:
    author = make_user(organization=city.du1, roles=["specialist"], clearance="top_secret")
    docs = [
        make_doc(city.du1, "Kế hoạch chuyển đổi số phường 1"),
        make_doc(city.cb1, "Kế hoạch chuyển đổi số chi bộ"),
        make_doc(city.du2, "Kế hoạch chuyển đổi số phường 2"),
        make_doc(city.tu, "Kế hoạch chuyển đổi số Thành ủy"),
        make_doc(city.du1, "Kế hoạch chuyển đổi số (mật)", secrecy="secret", created_by=author),
        make_doc(city.du2, "Kế hoạch chuyển đổi số (tối mật)", secrecy="top_secret"),
        make_doc(city.du1, "Kế hoạch chuyển đổi số (tuyệt mật)", secrecy="top_secret"),
    ]
    granted = make_user(organization=city.du2, roles=["specialist"], clearance="top_secret")
    Grant.objects.create(
        grantee=granted,
        granted_by=author,
        content_type=ContentType.objects.get_for_model(Document),
        object_id=docs[6].pk,
        expires_at=timezone.now() + datetime.timedelta(days=1),
        reason="Phối hợp",
    )
    users = [
        make_user(organization=city.du1, roles=["clerk"], clearance="secret"),
        make_user(organization=city.du2, roles=["clerk"], clearance="none"),
        make_user(organization=city.du1, roles=["specialist"], clearance="top_secret"),
        make_user(organization=city.tu, roles=["leader"], clearance="top_secret"),
        make_user(organization=city.tu, roles=["leader"], clearance="none"),
        make_user(organization=city.du1, roles=[], clearance="top_secret"),
        author,
        granted,
    ]
    matching = Document.objects.filter(pk__in=[d.pk for d in docs])
    seen_sizes = set()
    for user in users:
        expected = set(visible(user, matching).values_list("pk", flat=True))
        seen_sizes.add(len(expected))
        assert _found(user, "chuyen doi so") == expected, user
    # The matrix is not trivial: nobody-sees-anything and sees-everything both occur.
    assert 0 in seen_sizes and len(seen_sizes) >= 4


def test_count_is_capped_and_marked_inexact(
    city: Any, make_user: Any, make_doc: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = make_user(organization=city.du1, roles=["clerk"])
    mine = [make_doc(city.du1, f"Báo cáo ngân sách số {i}") for i in range(5)]
    # Newer than mine and matching, but out of the clerk's reach: never counted.
    for i in range(3):
        make_doc(city.du2, f"Báo cáo ngân sách khác {i}")
    monkeypatch.setattr(backends, "COUNT_CAP", 3)
    page = search_documents(clerk, "ngân sách", limit=2)
    assert (page.count, page.count_exact) == (3, False)
    # The window is the newest visible matches.
    newest = {d.pk for d in mine[-3:]}
    assert {h.document.pk for h in page.hits} <= newest and len(page.hits) == 2
    # A deeper page widens the window: everything is reachable, and the count becomes exact.
    deep = search_documents(clerk, "ngân sách", offset=4, limit=2)
    assert (deep.count, deep.count_exact) == (5, True)
    assert len(deep.hits) == 1
    monkeypatch.setattr(backends, "COUNT_CAP", 5)
    page = search_documents(clerk, "ngân sách")
    assert (page.count, page.count_exact) == (5, True)
    assert {h.document.pk for h in page.hits} == {d.pk for d in mine}


def test_user_without_position_finds_nothing(city: Any, make_user: Any, make_doc: Any) -> None:
    make_doc(city.du1, "Nghị quyết đại hội")
    nobody = make_user(organization=city.du1, roles=[])
    page = search_documents(nobody, "nghị quyết")
    assert (page.count, page.count_exact, page.hits) == (0, True, [])


def test_api_reports_an_inexact_count_and_offers_the_next_page(
    city: Any, make_user: Any, make_doc: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = make_user(organization=city.du1, roles=["clerk"])
    for i in range(4):
        make_doc(city.du1, f"Thông báo lịch họp {i}")
    client = APIClient()
    client.force_authenticate(clerk)
    monkeypatch.setattr(backends, "COUNT_CAP", 2)
    answer = client.get("/api/v1/search/", {"q": "lịch họp", "page_size": 2})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (2, False, 2)
    assert body["next"] is not None
    last = client.get("/api/v1/search/", {"q": "lịch họp", "page_size": 2, "page": 2}).json()
    assert (last["count"], last["count_exact"], last["next"]) == (4, True, None)
    bad = client.get("/api/v1/search/", {"q": "lịch họp", "page": 0})
    assert bad.status_code == 400 and "page" in bad.json()
