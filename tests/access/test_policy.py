"""The access policy against a plain reference implementation, over random trees and users."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import OrganizationFactory, UserFactory
from tests.testapp.models import Sample
from vanthu.access import policy
from vanthu.access.models import Grant
from vanthu.core.enums import Secrecy
from vanthu.orgs.models import Position, User

LEVELS = ["none", "confidential", "secret", "top_secret"]
ROLES = ["admin", "clerk", "leader", "specialist", "archivist"]
KINDS = ["committee", "agency", "grassroots", "department"]


def reference_can_view(user: User, obj: Sample, grants: set[tuple[int, int]]) -> bool:
    """The rules of access/policy.py written as plainly as possible, one object at a time."""
    org = obj.organization
    in_scope = False
    for pos in Position.objects.filter(user=user).select_related("organization"):
        own = pos.organization
        if pos.role == "leader":
            in_scope |= org.path.startswith(own.path)
        else:
            in_scope |= org.pk == own.pk
            in_scope |= org.path.startswith(own.path) and org.kind == "department"
    if not in_scope:
        return False
    if LEVELS.index(obj.secrecy) > LEVELS.index(user.clearance):
        return False
    if obj.secrecy == "none":
        return True
    keeps_register = Position.objects.filter(user=user, organization=org, role="clerk").exists()
    return obj.created_by_id == user.pk or keeps_register or (user.pk, obj.pk) in grants


tree_shapes = st.lists(
    st.tuples(st.integers(min_value=0, max_value=30), st.sampled_from(KINDS)),
    min_size=1,
    max_size=12,
)
user_shapes = st.lists(
    st.tuples(
        st.lists(st.tuples(st.integers(0, 30), st.sampled_from(ROLES)), max_size=3),
        st.sampled_from(LEVELS),
    ),
    min_size=1,
    max_size=5,
)
object_shapes = st.lists(
    st.tuples(st.integers(0, 30), st.sampled_from(LEVELS), st.integers(0, 10)),
    max_size=15,
)
grant_shapes = st.lists(st.tuples(st.integers(0, 10), st.integers(0, 30)), max_size=6)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tree=tree_shapes, users=user_shapes, objects=object_shapes, grant_spec=grant_shapes)
def test_visible_matches_reference(
    tree: list[tuple[int, str]],
    users: list[tuple[list[tuple[int, str]], str]],
    objects: list[tuple[int, str, int]],
    grant_spec: list[tuple[int, int]],
) -> None:
    # Every example builds its own tree, users and objects and looks only at those.
    root = OrganizationFactory(kind="committee")
    orgs = [root]
    for parent_index, kind in tree:
        parent = orgs[parent_index % len(orgs)]
        if parent.kind == "department":
            parent = root
        orgs.append(OrganizationFactory(kind=kind, parent=parent))
    people = []
    for positions, clearance in users:
        user = UserFactory(organization=root, clearance=clearance, roles=[])
        for org_index, role in positions:
            Position.objects.get_or_create(
                user=user, organization=orgs[org_index % len(orgs)], role=role
            )
        people.append(user)
    samples = [
        Sample.objects.create(
            organization=orgs[org_index % len(orgs)],
            secrecy=level,
            created_by=people[creator % len(people)] if creator < len(people) else None,
        )
        for org_index, level, creator in objects
    ]
    granted: set[tuple[int, int]] = set()
    if samples:
        for user_index, sample_index in grant_spec:
            user = people[user_index % len(people)]
            sample = samples[sample_index % len(samples)]
            Grant.objects.create(
                grantee=user,
                content_type_id=_sample_ct(),
                object_id=sample.pk,
                granted_by=user,
                reason="cần biết",
            )
            granted.add((user.pk, sample.pk))
    for user in people:
        expected = {s.pk for s in samples if reference_can_view(user, s, granted)}
        mine = Sample.objects.filter(pk__in=[s.pk for s in samples])
        got = set(policy.visible(user, mine).values_list("pk", flat=True))
        assert got == expected
        # The lists' shortcut (registry.selectors._listed) is exactly the unclassified rows the
        # policy admits: it may only ever be OR-ed before the policy, never admit more.
        plain = mine.filter(policy.unclassified_in_scope(user, Sample))
        unclassified = {s.pk for s in samples if s.secrecy == "none"}
        assert set(plain.values_list("pk", flat=True)) == expected & unclassified


def _sample_ct() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Sample).pk


@pytest.fixture
def classified(city: Any, make_user: Any) -> dict[str, Any]:
    clerk = make_user(organization=city.du1, roles=["clerk"], clearance="secret")
    doc = Sample.objects.create(organization=city.du1, secrecy="secret", created_by=clerk)
    return {"clerk": clerk, "doc": doc}


def test_expired_and_revoked_grants_give_nothing(
    city: Any, make_user: Any, classified: dict[str, Any]
) -> None:
    reader = make_user(organization=city.du1, roles=["specialist"], clearance="top_secret")
    doc = classified["doc"]
    qs = Sample.objects.all()
    grant = Grant.objects.create(
        grantee=reader,
        content_type_id=_sample_ct(),
        object_id=doc.pk,
        granted_by=classified["clerk"],
        reason="x",
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert not policy.visible(reader, qs).exists()
    Grant.objects.filter(pk=grant.pk).update(expires_at=None)
    assert policy.visible(reader, qs).exists()
    Grant.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())
    assert not policy.visible(reader, qs).exists()


def test_invisible_object_is_404_like_a_missing_one(
    city: Any, make_user: Any, classified: dict[str, Any]
) -> None:
    stranger = make_user(organization=city.du2, roles=["leader"], clearance="top_secret")
    with pytest.raises(Http404):
        policy.get_visible_or_404(stranger, Sample.objects.all(), pk=classified["doc"].pk)
    with pytest.raises(Http404):
        policy.get_visible_or_404(stranger, Sample.objects.all(), pk=10**9)


def test_city_leader_sees_subtree_but_not_classified_without_reason(
    city: Any, make_user: Any, classified: dict[str, Any]
) -> None:
    leader = make_user(organization=city.tu, roles=["leader"], clearance="top_secret")
    open_doc = Sample.objects.create(organization=city.cb1, secrecy="none")
    seen = set(policy.visible(leader, Sample.objects.all()).values_list("pk", flat=True))
    assert open_doc.pk in seen
    assert classified["doc"].pk not in seen


def test_inactive_user_sees_nothing(city: Any, make_user: Any) -> None:
    user = make_user(organization=city.du1, roles=["leader"])
    Sample.objects.create(organization=city.du1)
    user.is_active = False
    assert not policy.visible(user, Sample.objects.all()).exists()


def test_grant_service_refuses_grantee_without_clearance(
    city: Any, make_user: Any, classified: dict[str, Any]
) -> None:
    from django.core.exceptions import ValidationError

    from vanthu.access.services import grant_access

    leader = make_user(organization=city.du1, roles=["leader"], clearance="top_secret")
    Grant.objects.create(
        grantee=leader,
        content_type_id=_sample_ct(),
        object_id=classified["doc"].pk,
        granted_by=leader,
        reason="lãnh đạo chỉ đạo",
    )
    low = make_user(organization=city.du1, roles=["specialist"], clearance="confidential")
    with pytest.raises(ValidationError) as err:
        grant_access(actor=leader, obj=classified["doc"], grantee=low, reason="xử lý")
    assert "grantee" in err.value.message_dict
    assert Grant.objects.filter(grantee=low).count() == 0


def test_grant_service_records_audit_and_opens_access(
    city: Any, make_user: Any, classified: dict[str, Any]
) -> None:
    from vanthu.access.services import grant_access, revoke_access
    from vanthu.audit.models import Event

    leader = make_user(organization=city.du1, roles=["leader"], clearance="top_secret")
    Grant.objects.create(
        grantee=leader,
        content_type_id=_sample_ct(),
        object_id=classified["doc"].pk,
        granted_by=leader,
        reason="lãnh đạo chỉ đạo",
    )
    reader = make_user(organization=city.du1, roles=["specialist"], clearance="secret")
    grant = grant_access(actor=leader, obj=classified["doc"], grantee=reader, reason="xử lý")
    assert policy.can(reader, "view", classified["doc"])
    revoke_access(actor=leader, grant=grant)
    policy.forget(reader)
    assert not policy.can(reader, "view", classified["doc"])
    actions = list(
        Event.objects.filter(object_id=str(classified["doc"].pk)).values_list("action", flat=True)
    )
    assert actions == ["access.grant", "access.revoke"]


def test_specialist_cannot_grant(city: Any, make_user: Any, classified: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    from vanthu.access.services import grant_access

    reader = make_user(organization=city.du1, roles=["specialist"], clearance="secret")
    with pytest.raises(PermissionDenied):
        grant_access(actor=classified["clerk"], obj=classified["doc"], grantee=reader, reason="x")


def test_clearance_order() -> None:
    assert Secrecy.at_most("confidential") == ["none", "confidential"]
    assert Secrecy.rank("top_secret") > Secrecy.rank("secret")
