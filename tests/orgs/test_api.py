"""The organisation, user, term and document-type calls of docs/api.md."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from vanthu.audit.models import Event
from vanthu.orgs.models import Organization, User

PASSWORD = "Mat-khau-2026!"


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def tu_admin(city: Any, make_user: Any) -> User:
    return make_user(username="qtv", organization=city.tu, roles=["admin"], clearance="secret")


@pytest.fixture
def du1_admin(city: Any, make_user: Any) -> User:
    return make_user(username="qtv_du1", organization=city.du1, roles=["admin"])


def test_token_with_right_password_then_me(db: Any, city: Any, make_user: Any) -> None:
    make_user(username="vanthu1", organization=city.vp, roles=["clerk", "specialist"])
    client = APIClient()
    answer = client.post(
        "/api/v1/auth/token/", {"username": "vanthu1", "password": PASSWORD}, format="json"
    )
    assert answer.status_code == 200, answer.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    me = client.get("/api/v1/me/").json()
    assert me["username"] == "vanthu1"
    assert me["organization"] == city.vp.pk
    assert me["roles"] == ["clerk", "specialist"]
    assert me["clearance"] == "none"
    assert set(me) == {"id", "username", "full_name", "organization", "roles", "clearance"}


def test_token_with_wrong_password_is_400_then_locked_out(
    db: Any, city: Any, make_user: Any
) -> None:
    make_user(username="vanthu2", organization=city.vp)
    client = APIClient()
    statuses = []
    for _ in range(5):
        answer = client.post(
            "/api/v1/auth/token/", {"username": "vanthu2", "password": "sai"}, format="json"
        )
        statuses.append(answer.status_code)
        if answer.status_code == 400:
            assert "non_field_errors" in answer.json()
    # The fifth failure reaches the limit (VANTHU_LOGIN_FAILURE_LIMIT=5) and locks.
    assert statuses == [400, 400, 400, 400, 429]
    locked = client.post(
        "/api/v1/auth/token/", {"username": "vanthu2", "password": PASSWORD}, format="json"
    )
    assert locked.status_code == 429


def test_without_credentials_is_401(db: Any) -> None:
    assert APIClient().get("/api/v1/me/").status_code == 401


def test_admin_creates_organization_below_its_own(city: Any, du1_admin: User) -> None:
    answer = client_for(du1_admin).post(
        "/api/v1/organizations/",
        {
            "code": "CB9",
            "name": "Chi bộ khu phố 9",
            "symbol": "CB",
            "kind": "grassroots",
            "parent": city.du1.pk,
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    org = Organization.objects.get(pk=answer.json()["id"])
    assert org.path.startswith(city.du1.path) and org.depth == city.du1.depth + 1
    assert Event.objects.filter(action="org.create", object_id=str(org.pk)).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"code": "TU", "name": "x", "symbol": "x", "kind": "agency"}, "code"),
        ({"code": "N1", "name": "x", "symbol": "x", "kind": "nonsense"}, "kind"),
        ({"code": "N2", "name": "x", "symbol": "x", "kind": "agency", "parent": 999999}, "parent"),
        ({"code": "N3", "name": "", "symbol": "x", "kind": "agency"}, "name"),
    ],
)
def test_bad_organization_is_400_with_field_error(
    city: Any, tu_admin: User, payload: dict[str, Any], field: str
) -> None:
    payload.setdefault("parent", city.tu.pk)
    before = Organization.objects.count()
    answer = client_for(tu_admin).post("/api/v1/organizations/", payload, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    assert Organization.objects.count() == before


def test_admin_outside_subtree_gets_403_and_nothing_stored(city: Any, du1_admin: User) -> None:
    before = Organization.objects.count()
    answer = client_for(du1_admin).post(
        "/api/v1/organizations/",
        {
            "code": "X1",
            "name": "Chi bộ lạ",
            "symbol": "CB",
            "kind": "grassroots",
            "parent": city.du2.pk,
        },
        format="json",
    )
    assert answer.status_code == 403
    assert Organization.objects.count() == before


def test_moving_organization_under_its_descendant_is_refused(city: Any, tu_admin: User) -> None:
    answer = client_for(tu_admin).patch(
        f"/api/v1/organizations/{city.du1.pk}/", {"parent": city.cb1.pk}, format="json"
    )
    assert answer.status_code == 400
    assert "parent" in answer.json()
    city.du1.refresh_from_db()
    assert city.du1.parent_id == city.tu.pk


def test_moving_organization_rebases_its_subtree(city: Any, tu_admin: User) -> None:
    answer = client_for(tu_admin).patch(
        f"/api/v1/organizations/{city.du1.pk}/", {"parent": city.du2.pk}, format="json"
    )
    assert answer.status_code == 200, answer.content
    city.cb1.refresh_from_db()
    city.du2.refresh_from_db()
    assert city.cb1.path.startswith(city.du2.path)
    assert city.cb1.depth == 3


def test_list_organizations_by_parent(city: Any, tu_admin: User) -> None:
    answer = client_for(tu_admin).get(f"/api/v1/organizations/?parent={city.tu.pk}").json()
    assert {r["code"] for r in answer["results"]} == {"VPTU", "DU1", "DU2"}
    assert set(answer) == {"count", "next", "previous", "results"}


def test_terms_are_recorded_in_order(city: Any, tu_admin: User) -> None:
    client = client_for(tu_admin)
    url = f"/api/v1/organizations/{city.tu.pk}/terms/"
    first = client.post(url, {"name": "2025–2030", "start_date": "2025-10-15"}, format="json")
    assert first.status_code == 201, first.content
    older = client.post(url, {"name": "cũ", "start_date": "2020-10-15"}, format="json")
    assert older.status_code == 400 and "start_date" in older.json()
    assert [t["name"] for t in client.get(url).json()] == ["2025–2030"]


def test_admin_creates_user_in_subtree(city: Any, tu_admin: User) -> None:
    answer = client_for(tu_admin).post(
        "/api/v1/users/",
        {
            "username": "lanhdao_du1",
            "password": "Bao-mat-2026!x",
            "full_name": "Trần Thị Bình",
            "organization": city.du1.pk,
            "roles": ["leader"],
            "clearance": "confidential",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["roles"] == ["leader"] and "password" not in body
    user = User.objects.get(username="lanhdao_du1")
    assert user.check_password("Bao-mat-2026!x")


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"organization": "du2"}, 403, None),
        ({"roles": ["king"]}, 400, "roles"),
        ({"clearance": "ultra"}, 400, "clearance"),
        ({"clearance": "secret"}, 400, "clearance"),
        ({"password": "123"}, 400, "password"),
        ({"username": "qtv_du1"}, 400, "username"),
    ],
)
def test_bad_user_creation_is_refused(
    city: Any, du1_admin: User, change: dict[str, Any], status: int, field: str | None
) -> None:
    payload: dict[str, Any] = {
        "username": "moi",
        "password": "Bao-mat-2026!x",
        "full_name": "Lê Văn C",
        "organization": city.du1.pk,
        "roles": ["clerk"],
        "clearance": "none",
    }
    payload.update(change)
    if payload["organization"] == "du2":
        payload["organization"] = city.du2.pk
    before = User.objects.count()
    answer = client_for(du1_admin).post("/api/v1/users/", payload, format="json")
    assert answer.status_code == status, answer.content
    if field:
        assert field in answer.json()
    assert User.objects.count() == before


def test_users_list_shows_only_administered_subtree(
    city: Any, du1_admin: User, make_user: Any
) -> None:
    make_user(username="o_du2", organization=city.du2)
    make_user(username="o_cb1", organization=city.cb1)
    names = {u["username"] for u in client_for(du1_admin).get("/api/v1/users/").json()["results"]}
    assert "o_cb1" in names and "o_du2" not in names


def test_document_types_hold_party_and_state_types(db: Any, city: Any, tu_admin: User) -> None:
    types = {
        t["code"]: t["name"] for t in client_for(tu_admin).get("/api/v1/document-types/").json()
    }
    assert types["NQ"] == "Nghị quyết"
    assert types["NĐ"] == "Nghị định"
    assert types["TT"] == "Thông tư"
    assert types["KL"] == "Kết luận"


@pytest.mark.once
def test_openapi_schema_and_docs_are_served(db: Any, tu_admin: User) -> None:
    client = client_for(tu_admin)
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for p in [
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/organizations/",
        "/api/v1/users/",
        "/api/v1/document-types/",
        "/api/v1/organizations/{id}/terms/",
    ]:
        assert p in paths, p
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_token_needs_totp_once_the_user_enrolled(db: Any, city: Any, make_user: Any) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(username="mat1", organization=city.vp, roles=["leader"], clearance="secret")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = APIClient()
    url = "/api/v1/auth/token/"
    missing = client.post(url, {"username": "mat1", "password": PASSWORD}, format="json")
    assert missing.status_code == 400 and "otp" in missing.json()
    wrong = client.post(
        url, {"username": "mat1", "password": PASSWORD, "otp": "000000"}, format="json"
    )
    assert wrong.status_code == 400 and "otp" in wrong.json()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp delays the next try after a wrong code
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    good = client.post(url, {"username": "mat1", "password": PASSWORD, "otp": code}, format="json")
    assert good.status_code == 200 and good.json()["token"]
