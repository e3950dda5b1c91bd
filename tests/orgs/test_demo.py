"""``vanthu demo``: the seeded city hierarchy, its users, and that a second run changes nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from tests.factories import OrganizationFactory, UserFactory
from vanthu.audit.models import Event
from vanthu.orgs import demo_data, services
from vanthu.orgs.models import Organization, Term, User


def _demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def _state() -> dict[str, int]:
    state = {
        "orgs": Organization.objects.count(),
        "users": User.objects.count(),
        "terms": Term.objects.count(),
        "events": Event.objects.count(),
    }
    try:
        from vanthu.registry.models import Document
    except ImportError:  # the registry app is not there yet
        return state
    return state | {"documents": Document.objects.count()}


@pytest.mark.slow
def test_demo_seeds_the_city_hierarchy_and_a_second_run_changes_nothing(db: Any) -> None:
    output = _demo()
    city = Organization.objects.get(code="TU")
    assert city.name == "Thành ủy Thành phố Cần Thơ" and city.parent is None
    agencies = Organization.objects.filter(parent=city, kind="agency")
    assert sorted(a.code for a in agencies) == ["BNCTU", "BTCTU", "BTGDVTU", "UBKTTU", "VPTU"]
    committees = Organization.objects.filter(parent=city, kind="committee")
    assert committees.count() == 59
    assert Organization.objects.filter(kind="grassroots").count() == 59 * 3
    ninh_kieu = committees.get(name="Đảng ủy phường Ninh Kiều")
    assert ninh_kieu.children.count() == 3
    assert Organization.objects.filter(city.subtree_q()).count() == 1 + 5 + 59 + 177
    assert city.terms.get().start_date.isoformat() == "2025-10-15"
    assert ninh_kieu.terms.get().name == "Nhiệm kỳ 2025–2030"
    assert ninh_kieu.terms.get().start_date.isoformat() == "2025-08-01"

    leader = User.objects.get(username="lanhdao")
    assert (leader.clearance, leader.roles, leader.organization) == ("top_secret", ["leader"], city)
    for username, role in [
        ("vanthu", "clerk"),
        ("chuyenvien", "specialist"),
        ("luutru", "archivist"),
        ("quantri", "admin"),
    ]:
        assert role in User.objects.get(username=username).roles
    clerk = User.objects.get(username="vanthu.du01")
    assert clerk.organization.code == "DU01" and clerk.roles == ["clerk"]
    assert User.objects.filter(username__startswith="vanthu.du").count() == 59
    assert {u.clearance for u in User.objects.all()} == {
        "none",
        "confidential",
        "secret",
        "top_secret",
    }
    assert User.objects.get(username="admin").check_password(demo_data.DEMO_PASSWORD)
    # The published password is hashed once for every account, and every account takes it.
    assert User.objects.values("password").distinct().count() == 1
    assert User.objects.get(username="vanthu.du59").check_password(demo_data.DEMO_PASSWORD)
    assert demo_data.DEMO_PASSWORD in output and "lanhdao" in output

    before = _state()
    if "documents" in before:
        assert before["documents"] == 400
    _demo()
    assert _state() == before


@pytest.mark.once
@pytest.mark.slow
def test_demo_full_creates_2820_grassroots_organisations(db: Any) -> None:
    _demo("--full")
    assert Organization.objects.filter(kind="grassroots").count() == 2820
    counts = [c.children.count() for c in Organization.objects.filter(kind="committee", depth=1)]
    assert len(counts) == 59 and set(counts) == {47, 48}


def test_grassroots_counts_add_up() -> None:
    assert sum(demo_data.grassroots_counts(59, full=True)) == 2820
    assert demo_data.grassroots_counts(2, full=False) == [3, 3]
    names = [name for _, name, _ in demo_data.grassroots("DU01", "Đảng ủy phường Cái Khế", 9)]
    assert names[1] == "Chi bộ Trường Tiểu học Cái Khế" and len(set(names)) == 9


def test_create_user_stores_a_given_password_hash_and_refuses_what_is_not_one(db: Any) -> None:
    org = OrganizationFactory()
    admin = UserFactory(organization=org, roles=["admin"])
    common = make_password("Mat-khau-chung-2026!")
    made = [
        services.create_user(
            actor=admin,
            username=f"chuyenvien{n}",
            password="Mat-khau-chung-2026!",
            password_hash=common,
            full_name=f"Trần Thị {n}",
            organization=org,
            roles=["specialist"],
        )
        for n in (1, 2)
    ]
    for user in made:
        user.refresh_from_db()
        assert user.password == common and user.check_password("Mat-khau-chung-2026!")
    before = (User.objects.count(), Event.objects.count())
    with pytest.raises(ValueError):
        services.create_user(
            actor=admin,
            username="chuyenvien3",
            password="Mat-khau-chung-2026!",
            password_hash="Mat-khau-chung-2026!",  # the password itself, not a hash of it
            full_name="Lê Văn C",
            organization=org,
            roles=["specialist"],
        )
    assert (User.objects.count(), Event.objects.count()) == before
