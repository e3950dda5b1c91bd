"""The văn bản đến calls of docs/api.md, with their bad-input cases."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.registry.conftest import client_for, incoming_payload, today
from vanthu.audit.models import Event
from vanthu.registry.models import Counter, Document

LIST_FIELDS = {"id", "arrival_number", "register", "year", "status", "summary", "number_symbol"}


def test_clerk_registers_incoming_and_gets_number_register_year(
    people: Any, city: Any, register_incoming: Any
) -> None:
    body = register_incoming()
    assert body["arrival_number"] == 1
    assert body["year"] == today().year
    assert body["status"] == "new"
    for field in ("sender", "number_symbol", "document_type", "issued_date", "summary"):
        assert body[field] == incoming_payload()[field]
    doc = Document.objects.get(pk=body["id"])
    assert doc.organization == city.tu
    assert doc.register is not None and doc.register.pk == body["register"]
    assert Event.objects.filter(action="registry.incoming.register", object_id=str(doc.pk))


def test_sender_organization_instead_of_sender(people: Any, city: Any) -> None:
    answer = client_for(people.clerk).post(
        "/api/v1/incoming/",
        incoming_payload(sender="", sender_organization=city.du1.pk),
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["sender"] == city.du1.name
    assert answer.json()["sender_organization"] == city.du1.pk


def _yesterday() -> str:
    return (today() - datetime.timedelta(days=1)).isoformat()


BAD_INPUT = [
    ("issued_date", {"issued_date": "2026-02-31"}),
    # Days ahead, not one: BAD_INPUT is built at import, and the run may cross midnight.
    ("received_at", {"issued_date": (today() + datetime.timedelta(days=3)).isoformat()}),
    ("document_type", {"document_type": "XYZ"}),
    ("summary", {"summary": ""}),
    ("summary", {"summary": "   "}),
    ("page_count", {"page_count": -1}),
    ("deadline", {"deadline": _yesterday()}),
    ("deadline", {"deadline": "31/02/2026"}),
    ("sender", {"sender": ""}),
    ("secrecy", {"secrecy": "very_secret"}),
    ("urgency", {"urgency": "whenever"}),
    ("sender_organization", {"sender": "", "sender_organization": 999999}),
]


@pytest.mark.parametrize(("field", "changes"), BAD_INPUT)
def test_bad_incoming_input_is_400_with_field_error_and_stores_nothing(
    people: Any, field: str, changes: dict[str, Any]
) -> None:
    answer = client_for(people.clerk).post(
        "/api/v1/incoming/", incoming_payload(**changes), format="json"
    )
    assert answer.status_code == 400, answer.content
    assert field in answer.json(), answer.json()
    assert all(isinstance(m, str) and m for m in answer.json()[field])
    assert not Document.objects.exists()
    assert not Counter.objects.filter(last_number__gt=0).exists()


def test_only_a_clerk_registers(people: Any) -> None:
    answer = client_for(people.specialist).post(
        "/api/v1/incoming/", incoming_payload(), format="json"
    )
    assert answer.status_code == 403
    assert not Document.objects.exists()


def test_list_filters_and_pagination(people: Any, register_incoming: Any) -> None:
    register_incoming(summary="Về công tác cán bộ")
    register_incoming(summary="Về kiểm tra đảng viên", number_symbol="98-TB/TU")
    client = client_for(people.clerk)
    page = client.get("/api/v1/incoming/").json()
    # next_after (the keyset cursor, registry.keyset) is an added field; null on a last page.
    assert set(page) == {"count", "count_exact", "next", "previous", "results", "next_after"}
    assert page["next_after"] is None
    assert page["count"] == 2
    assert set(page["results"][0]) >= LIST_FIELDS
    assert "text" not in page["results"][0]
    assert client.get("/api/v1/incoming/?q=kiểm tra").json()["count"] == 1
    assert client.get("/api/v1/incoming/?q=98-TB").json()["count"] == 1
    assert client.get(f"/api/v1/incoming/?year={today().year}").json()["count"] == 2
    assert client.get(f"/api/v1/incoming/?year={today().year - 1}").json()["count"] == 0
    assert client.get("/api/v1/incoming/?year=abc").json()["count"] == 0
    assert client.get("/api/v1/incoming/?status=done").json()["count"] == 0
    first = client.get("/api/v1/incoming/?page_size=1").json()
    assert first["next"] and len(first["results"]) == 1


def test_list_query_count_does_not_grow(
    people: Any, register_incoming: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        register_incoming()
    client = client_for(people.clerk)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/incoming/").json()["count"] == 12


def test_detail_has_status_files_assignments_history(people: Any, register_incoming: Any) -> None:
    doc = register_incoming()
    body = client_for(people.clerk).get(f"/api/v1/incoming/{doc['id']}/").json()
    assert body["status"] == "new"
    assert body["files"] == []
    assert body["assignments"] == []
    assert body["history"][0]["action"] == "registry.incoming.register"
    assert set(body["history"][0]) == {"action", "time", "actor_name"}


def test_leader_assigns_and_lead_completes(people: Any, register_incoming: Any) -> None:
    doc = register_incoming()
    deadline = (today() + datetime.timedelta(days=5)).isoformat()
    answer = client_for(people.leader).post(
        f"/api/v1/incoming/{doc['id']}/assign/",
        {
            "lead": people.specialist.pk,
            "support": [people.other_specialist.pk],
            "inform": [],
            "deadline": deadline,
            "note": "Đồng chí chủ trì tham mưu",
        },
        format="json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "in_progress"
    assert {(a["user"], a["role"]) for a in body["assignments"]} == {
        (people.specialist.pk, "lead"),
        (people.other_specialist.pk, "support"),
    }
    assert body["deadline"] == deadline
    done = client_for(people.specialist).post(
        f"/api/v1/incoming/{doc['id']}/complete/", {"note": "Đã trả lời"}, format="json"
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done"
    again = client_for(people.specialist).post(
        f"/api/v1/incoming/{doc['id']}/complete/", {}, format="json"
    )
    assert again.status_code == 400
    assert "status" in again.json()


def test_only_a_leader_assigns(people: Any, register_incoming: Any) -> None:
    doc = register_incoming()
    answer = client_for(people.clerk).post(
        f"/api/v1/incoming/{doc['id']}/assign/", {"lead": people.specialist.pk}, format="json"
    )
    assert answer.status_code == 403
    assert not Document.objects.get(pk=doc["id"]).assignments.exists()


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("lead", {"lead": None}),
        ("lead", {"lead": 999999}),
        ("deadline", {"deadline": "2020-01-01"}),
        ("deadline", {"deadline": "2026-02-30"}),
    ],
)
def test_bad_assign_is_400_and_changes_nothing(
    people: Any, register_incoming: Any, field: str, changes: dict[str, Any]
) -> None:
    doc = register_incoming()
    answer = client_for(people.leader).post(
        f"/api/v1/incoming/{doc['id']}/assign/",
        {"lead": people.specialist.pk, **changes},
        format="json",
    )
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    stored = Document.objects.get(pk=doc["id"])
    assert stored.status == "new"
    assert not stored.assignments.exists()


def test_assignee_from_another_organisation_is_refused(people: Any, register_incoming: Any) -> None:
    doc = register_incoming()
    answer = client_for(people.leader).post(
        f"/api/v1/incoming/{doc['id']}/assign/", {"lead": people.clerk_du1.pk}, format="json"
    )
    assert answer.status_code == 400
    assert "lead" in answer.json()


def test_assignee_without_clearance_is_refused_for_classified(
    people: Any, register_incoming: Any, city: Any, make_user: Any
) -> None:
    uncleared = make_user(username="cv_none", organization=city.tu, clearance="none")
    doc = register_incoming(secrecy="confidential", summary="")
    url = f"/api/v1/incoming/{doc['id']}/"
    # Need-to-know: the leader sees the classified entry only once it is presented to them.
    assert client_for(people.leader).get(url).status_code == 404
    presented = client_for(people.clerk).post(
        url + "present/", {"leader": people.leader.pk}, format="json"
    )
    assert presented.status_code == 200, presented.content
    assert presented.json()["status"] == "awaiting_direction"
    assert client_for(people.leader).get(url).status_code == 200
    answer = client_for(people.leader).post(url + "assign/", {"lead": uncleared.pk}, format="json")
    assert answer.status_code == 400
    assert "lead" in answer.json()
    answer = client_for(people.leader).post(
        url + "assign/", {"lead": people.specialist.pk}, format="json"
    )
    assert answer.status_code == 200
    assert client_for(people.specialist).get(url).status_code == 200
    assert client_for(people.other_specialist).get(url).status_code == 404


def test_presenting_to_someone_who_is_not_a_leader_is_400(
    people: Any, register_incoming: Any
) -> None:
    doc = register_incoming()
    answer = client_for(people.clerk).post(
        f"/api/v1/incoming/{doc['id']}/present/", {"leader": people.specialist.pk}, format="json"
    )
    assert answer.status_code == 400
    assert "leader" in answer.json()
    assert Document.objects.get(pk=doc["id"]).status == "new"


def test_same_number_issuer_and_date_warns_of_a_duplicate(register_incoming: Any) -> None:
    first = register_incoming()
    assert first["duplicates"] == []
    second = register_incoming()
    assert second["duplicates"] == [first["id"]]
    other = register_incoming(number_symbol="13-CV/BTCTW")
    assert other["duplicates"] == []
