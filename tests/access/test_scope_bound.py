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
from vanthu.access.services import grant_access
from vanthu.orgs.models import User
from vanthu.registry import keyset, selectors
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
    for user in (
        office.clerk,
        office.leader,
        office.leader_du1,
        office.clerk_du1,
        office.clerk_du2,
    ):
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


def test_every_organization_is_seen_only_by_the_leader_of_the_only_root(
    city: Any, make_user: Any
) -> None:
    head = make_user(username="bt", organization=city.tu, roles=["leader"])
    others = [
        make_user(username="ld", organization=city.du1, roles=["leader"]),
        make_user(username="vt", organization=city.tu, roles=["clerk"]),
        make_user(username="x", organization=city.tu, roles=[]),
    ]
    assert policy.sees_every_organization(head)
    assert not any(policy.sees_every_organization(u) for u in others)
    # A second root organisation: the city's leader no longer sees every organisation.
    OrganizationFactory(code="TU2", name="Tỉnh ủy khác", kind="committee")
    assert policy.sees_every_organization(head)  # cached with the positions
    policy.forget(head)
    assert not policy.sees_every_organization(head)


def test_the_root_leaders_lists_are_the_policys_rows(office: Any, city: Any) -> None:
    """The per-row lists (no organisation list: the whole installation) against the policy's
    set: unclassified rows of every organisation, classified ones only with a reason (directed,
    granted), never one without. Also with a second root, where the shortcut must test the
    organisation again."""
    ordinary = register(office.clerk_du2, summary="Công văn thường của DU2")
    hidden = register(office.clerk_du1, summary="Kế hoạch mật của DU1", secrecy="secret")
    # Presented to DU1's leader, who gives the city's leader a reason to see it.
    granted = office.classified(by=office.clerk_du1, summary="Báo cáo mật được giao")
    grant_access(actor=office.leader_du1, obj=granted, grantee=office.leader, reason="Chỉ đạo")
    directed = office.classified("top_secret", summary="Tối mật trình lãnh đạo")
    other_root = OrganizationFactory(code="TU2", name="Tỉnh ủy khác", kind="committee")
    for second_root in (False, True):
        if second_root:
            Document.objects.filter(pk=ordinary.pk).update(organization=other_root)
        leader = fresh(office.leader)
        assert policy.organization_ids(leader) is None
        listed = set(selectors.incoming_list(leader).values_list("pk", flat=True))
        reference = set(
            selectors.visible_documents(leader)
            .filter(direction="incoming")
            .values_list("pk", flat=True)
        )
        assert listed == reference
        assert {granted.pk, directed.pk} <= listed and hidden.pk not in listed
        assert (ordinary.pk in listed) is not second_root
        shortcut = policy.unclassified_in_scope(leader, Document)
        assert set(Document.objects.filter(shortcut).values_list("pk", flat=True)) <= reference
        assert set(selectors.outgoing_list(leader).values_list("pk", flat=True)) == set(
            selectors.visible_documents(leader)
            .filter(direction="outgoing")
            .values_list("pk", flat=True)
        )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL asks the policy per row")
def test_sqlite_never_builds_the_whole_visible_set_for_a_root_leader(office: Any) -> None:
    """The root leader's lists are walked in order with the policy asked per row (a correlated
    subquery behind the unclassified shortcut), never ``id IN (the policy's whole set)``: that
    set is the installation's, 3,975 ms of CPU at 1,000,000 documents (docs/registry.md)."""
    register(office.clerk_du1, summary="Công văn thường của DU1")
    leader = fresh(office.leader)
    for qs in (
        selectors.incoming_list(leader),
        selectors.incoming_list(leader, year="2026", status="new"),
        selectors.outgoing_list(leader),
    ):
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = [row[-1] for row in cursor.fetchall()]
        assert not any("LIST SUBQUERY" in step for step in plan), plan
        assert any("CORRELATED SCALAR SUBQUERY" in step for step in plan), plan
        assert '"registry_document"."id" IN (SELECT' not in sql
        # The unclassified shortcut first, on the row itself: no organisation join for a
        # leader who sees every organisation.
        where = sql[sql.index(" WHERE ") :]
        assert where.index('"registry_document"."secrecy" = ') < where.index("(SELECT")
        assert "orgs_organization" not in sql[: sql.index("(SELECT")]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL seeks on the row value")
def test_sqlite_seeks_a_cursor_page_on_the_list_index(office: Any) -> None:
    """Page 100 by cursor: the first key's bound said on its own (``period_key <= …``), so
    SQLite enters ``doc_list_order`` there instead of gathering every earlier row by the
    row comparison's ORs (a MULTI-INDEX OR) and sorting them."""
    for i in range(3):
        register(office.clerk_du1, summary=f"Công văn {i}")
    leader = fresh(office.leader)
    rows = list(selectors.incoming_list(leader))
    after = keyset.INCOMING.filter(selectors.incoming_list(leader), keyset.INCOMING.cursor(rows[0]))
    assert [d.pk for d in after] == [d.pk for d in rows[1:]]
    sql, params = after.query.sql_with_params()
    assert '"registry_document"."period_key" <= ' in sql
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[-1] for row in cursor.fetchall()]
    assert not any("MULTI-INDEX OR" in step for step in plan), plan
