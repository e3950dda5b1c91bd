"""The access log of a document and its need-to-know grants (REST)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.security.conftest import client_for, register
from vanthu.access.models import Grant
from vanthu.audit.models import Event
from vanthu.registry import services
from vanthu.registry.models import Document


@pytest.fixture
def secret_doc(staff: Any) -> Document:
    body = register(staff.clerk, secrecy="secret", summary="Về kế hoạch mật")
    document = Document.objects.get(pk=body["id"])
    # Trình: the leader directs it, so the leader has a reason to see it.
    services.present(actor=staff.clerk, document=document, leader=staff.leader)
    return document


def _future(days: int = 5) -> str:
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


def test_every_read_of_a_classified_document_is_audited(staff: Any, secret_doc: Any) -> None:
    c = client_for(staff.clerk)
    assert c.get(f"/api/v1/documents/{secret_doc.pk}/").status_code == 200
    assert c.get(f"/api/v1/incoming/{secret_doc.pk}/").status_code == 200
    assert c.get(f"/api/v1/documents/{secret_doc.pk}/text/").status_code == 200
    actions = list(
        Event.objects.filter(actor=staff.clerk, action__startswith="document.").values_list(
            "action", flat=True
        )
    )
    assert actions == ["document.view", "document.view", "document.text"]


def test_ordinary_reads_leave_no_event(staff: Any) -> None:
    body = register(staff.clerk)
    client_for(staff.clerk).get(f"/api/v1/documents/{body['id']}/")
    assert not Event.objects.filter(action__startswith="document.").exists()


def test_a_leader_lists_who_touched_the_document(staff: Any, secret_doc: Any) -> None:
    client_for(staff.clerk).get(f"/api/v1/documents/{secret_doc.pk}/")
    answer = client_for(staff.leader).get(f"/api/v1/documents/{secret_doc.pk}/access-log/")
    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert {"time", "actor_name", "action"} == set(rows[0])
    assert {"actor_name": "Lê Thị Văn Thư", "action": "document.view"} in [
        {k: r[k] for k in ("actor_name", "action")} for r in rows
    ]
    assert rows[0]["time"].endswith("+07:00") or "T" in rows[0]["time"]


@pytest.mark.parametrize("who", ["clerk", "specialist", "uncleared", "clerk_du2"])
def test_access_log_is_404_for_everyone_but_leaders_who_see_it(
    staff: Any, secret_doc: Any, who: str
) -> None:
    answer = client_for(getattr(staff, who)).get(f"/api/v1/documents/{secret_doc.pk}/access-log/")
    assert answer.status_code == 404
    assert "Lê Thị".encode() not in answer.content


def test_a_leader_grants_and_the_grantee_then_sees_it(staff: Any, secret_doc: Any) -> None:
    url = f"/api/v1/documents/{secret_doc.pk}/grants/"
    assert (
        client_for(staff.specialist).get(f"/api/v1/documents/{secret_doc.pk}/").status_code == 404
    )
    answer = client_for(staff.leader).post(
        url,
        {"grantee": staff.specialist.pk, "reason": "Tham mưu trả lời", "expires_at": _future()},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["grantee"] == staff.specialist.pk
    assert (
        client_for(staff.specialist).get(f"/api/v1/documents/{secret_doc.pk}/").status_code == 200
    )
    listed = client_for(staff.leader).get(url).json()
    assert [g["id"] for g in listed["results"]] == [answer.json()["id"]]
    assert Event.objects.filter(action="access.grant").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"grantee": "uncleared"}, "grantee"),
        ({"reason": "  "}, "reason"),
        ({"expires_at": "2020-01-01T00:00:00+07:00"}, "expires_at"),
        ({"expires_at": "mai"}, "expires_at"),
        ({"grantee": 999999}, "grantee"),
        ({"grantee": None}, "grantee"),
    ],
)
def test_bad_grants_are_400_and_change_nothing(
    staff: Any, secret_doc: Any, change: dict[str, Any], field: str
) -> None:
    data: dict[str, Any] = {
        "grantee": staff.specialist.pk,
        "reason": "Lý do",
        "expires_at": _future(),
    }
    data.update(change)
    if data["grantee"] == "uncleared":
        data["grantee"] = staff.uncleared.pk
    events = Event.objects.count()
    answer = client_for(staff.leader).post(
        f"/api/v1/documents/{secret_doc.pk}/grants/", data, format="json"
    )
    assert answer.status_code == 400
    assert field in answer.json()
    assert not Grant.objects.exists() and Event.objects.count() == events


def test_a_non_leader_who_sees_the_document_may_not_grant(staff: Any, secret_doc: Any) -> None:
    answer = client_for(staff.clerk).post(
        f"/api/v1/documents/{secret_doc.pk}/grants/",
        {"grantee": staff.specialist.pk, "reason": "x"},
        format="json",
    )
    assert answer.status_code == 403 and not Grant.objects.exists()


@pytest.mark.parametrize("who", ["specialist", "uncleared", "clerk_du2"])
def test_grants_of_an_invisible_document_are_404(staff: Any, secret_doc: Any, who: str) -> None:
    user = getattr(staff, who)
    url = f"/api/v1/documents/{secret_doc.pk}/grants/"
    assert client_for(user).post(url, {"grantee": user.pk, "reason": "x"}).status_code == 404
    assert client_for(user).get(url).status_code == 404
    assert not Grant.objects.exists()


def test_revoke_then_revoke_again(staff: Any, secret_doc: Any) -> None:
    leader = client_for(staff.leader)
    grant = leader.post(
        f"/api/v1/documents/{secret_doc.pk}/grants/",
        {"grantee": staff.specialist.pk, "reason": "Tham mưu"},
        format="json",
    ).json()
    url = f"/api/v1/documents/{secret_doc.pk}/grants/{grant['id']}/"
    assert client_for(staff.clerk).delete(url).status_code == 403
    assert client_for(staff.specialist).delete(url).status_code in (403, 404)
    assert leader.delete(url).status_code == 204
    assert (
        client_for(staff.specialist).get(f"/api/v1/documents/{secret_doc.pk}/").status_code == 404
    )
    again = leader.delete(url)
    assert again.status_code == 400 and "grant" in again.json()
    assert leader.delete(f"/api/v1/documents/{secret_doc.pk}/grants/999999/").status_code == 404
    assert Event.objects.filter(action="access.revoke").count() == 1


def test_an_expired_grant_opens_nothing(staff: Any, secret_doc: Any) -> None:
    answer = client_for(staff.leader).post(
        f"/api/v1/documents/{secret_doc.pk}/grants/",
        {"grantee": staff.specialist.pk, "reason": "Tạm thời", "expires_at": _future(1)},
        format="json",
    )
    Grant.objects.filter(pk=answer.json()["id"]).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    c = client_for(staff.specialist)
    assert c.get(f"/api/v1/documents/{secret_doc.pk}/").status_code == 404
    assert c.get(f"/api/v1/documents/{secret_doc.pk}/text/").status_code == 404
