"""The organisation ids of a small scope (``policy.organization_ids`` / ``organization_bound``):
which organisations they name, that they are only ever added to the policy's own test (they
narrow, never admit: clearance, need-to-know and grants still decide), and that the registry
lists put them on the outer query, where the list's organisation-first index can serve them
(docs/registry.md, "Lists")."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.access.conftest import register
from tests.factories import OrganizationFactory
from vanthu.access import policy
from vanthu.orgs.models import User
from vanthu.registry import selectors
from vanthu.registry.models import Document


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_the_ids_are_the_scope_of_each_kind_of_position(city: Any, make_user: Any) -> None:
    dept = OrganizationFactory(code="BTC", name="Ban Tổ chức", kind="department", parent=city.du1)
    clerk = make_user(username="vt", organization=city.du1, roles=["clerk"])
    leader = make_user(username="ld", organization=city.du1, roles=["leader"])
    head = make_user(username="bt", organization=city.tu, roles=["leader"])
    nobody = make_user(username="x", organization=city.du1, roles=[])
    assert sorted(policy.organization_ids(clerk) or []) == sorted([city.du1.pk, dept.pk])
    assert sorted(policy.organization_ids(leader) or []) == sorted(
        [city.du1.pk, dept.pk, city.cb1.pk]
    )
    # The root's leader sees the whole installation: no list to give.
    assert policy.organization_ids(head) is None
    assert policy.organization_ids(nobody) == []
    assert policy.organization_bound(head) == policy.Q()


def test_a_scope_above_the_limit_gives_no_list(
    city: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    leader = make_user(username="ld", organization=city.du1, roles=["leader"])
    monkeypatch.setattr(policy, "SCOPE_LIST_LIMIT", 1)
    assert policy.organization_ids(leader) is None
    assert policy.organization_bound(leader) == policy.Q()


def test_the_ids_are_cached_with_the_positions_and_forgotten_with_them(
    city: Any, make_user: Any
) -> None:
    leader = make_user(username="ld", organization=city.du1, roles=["leader"])
    first = policy.organization_ids(leader)
    added = OrganizationFactory(code="CB2", name="Chi bộ 2", kind="grassroots", parent=city.du1)
    with CaptureQueriesContext(connection) as queries:
        assert policy.organization_ids(leader) == first
    assert not queries.captured_queries
    policy.forget(leader)
    assert added.pk in (policy.organization_ids(leader) or [])


def test_the_bound_narrows_and_never_admits(office: Any) -> None:
    """Within the listed organisations clearance and need-to-know still decide, for a clerk
    (the registry list's bound) and a leader of a subtree (the policy's own)."""
    ordinary = register(office.clerk_du1, summary="Công văn thường của DU1")
    secret = register(office.clerk_du1, summary="Kế hoạch mật của DU1", secrecy="secret")
    leader = fresh(office.leader_du1)
    assert policy.organization_ids(leader) is not None
    seen = set(policy.visible(leader, Document.objects.all()).values_list("pk", flat=True))
    assert ordinary.pk in seen and secret.pk not in seen  # no need to know it
    for user in (office.clerk, office.leader_du1, office.clerk_du1, office.clerk_du2):
        user = fresh(user)
        listed = set(selectors.incoming_list(user).values_list("pk", flat=True))
        reference = set(
            selectors.visible_documents(user)
            .filter(direction="incoming")
            .values_list("pk", flat=True)
        )
        assert listed == reference, user.username
    listed = set(selectors.incoming_list(leader).values_list("pk", flat=True))
    assert ordinary.pk in listed and secret.pk not in listed
    assert secret.pk in set(
        selectors.incoming_list(fresh(office.clerk_du1)).values_list("pk", flat=True)
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL asks the policy per row")
def test_the_registry_lists_bound_the_outer_query_on_sqlite(office: Any) -> None:
    register(office.clerk_du1, summary="Công văn thường của DU1")
    clerk = fresh(office.clerk_du1)
    for qs in (selectors.incoming_list(clerk), selectors.outgoing_list(clerk)):
        sql = str(qs.query)
        outer = sql[sql.rindex(")) AND") :]  # after the policy's own subquery
        assert f'"registry_document"."organization_id" IN ({office.city.du1.pk})' in outer
