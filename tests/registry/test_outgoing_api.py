"""The văn bản đi calls of docs/api.md, and exchange inside the installation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.registry.conftest import client_for, today
from vanthu.registry.models import Counter, Document, Recipient


@pytest.fixture
def draft(people: Any, city: Any) -> Any:
    def go(**changes: Any) -> dict[str, Any]:
        body = {
            "document_type": "NQ",
            "summary": "Nghị quyết về công tác cán bộ",
            "signer": "Nguyễn Văn Bí Thư",
            "secrecy": "none",
            "urgency": "urgent",
            "recipients": [
                {"organization": city.du1.pk},
                {"organization": city.du2.pk},
                {"name": "Ban Tổ chức Trung ương"},
            ],
            **changes,
        }
        answer = client_for(people.specialist).post("/api/v1/outgoing/", body, format="json")
        assert answer.status_code == 201, answer.content
        return dict(answer.json())

    return go


def post(user: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client_for(user).post(url, body or {}, format="json")


def test_create_draft_then_issue_then_send(people: Any, city: Any, draft: Any) -> None:
    doc = draft()
    assert doc["status"] == "draft"
    assert doc["number"] is None
    assert len(doc["recipients"]) == 3
    issued = post(people.clerk, f"/api/v1/outgoing/{doc['id']}/issue/")
    assert issued.status_code == 200
    assert issued.json() == {
        "number": 1,
        "number_symbol": "01-NQ/TU",
        "issued_date": today().isoformat(),
    }
    sent = post(people.clerk, f"/api/v1/outgoing/{doc['id']}/send/")
    assert sent.status_code == 200, sent.content
    statuses = {
        (r["organization"], r["status"], r["edxml_status"]) for r in sent.json()["recipients"]
    }
    assert statuses == {
        (city.du1.pk, "delivered", "01"),
        (city.du2.pk, "delivered", "01"),
        (None, "not_sent", None),
    }
    inbox = client_for(people.clerk_du1).get("/api/v1/incoming/?status=pending_registration")
    assert inbox.json()["count"] == 1
    arrived = inbox.json()["results"][0]
    assert arrived["number_symbol"] == "01-NQ/TU"
    assert arrived["arrival_number"] is None


def test_issuing_twice_is_400_and_keeps_the_number(people: Any, draft: Any) -> None:
    doc = draft()
    post(people.clerk, f"/api/v1/outgoing/{doc['id']}/issue/")
    again = post(people.clerk, f"/api/v1/outgoing/{doc['id']}/issue/")
    assert again.status_code == 400
    assert "status" in again.json()
    assert Document.objects.get(pk=doc["id"]).number == 1
    assert Counter.objects.get().last_number == 1


def test_sending_a_draft_is_400_and_delivers_nothing(people: Any, draft: Any) -> None:
    doc = draft()
    answer = post(people.clerk, f"/api/v1/outgoing/{doc['id']}/send/")
    assert answer.status_code == 400
    assert "status" in answer.json()
    assert not Document.objects.filter(source_document__isnull=False).exists()


def test_only_the_clerk_issues(people: Any, draft: Any) -> None:
    doc = draft()
    assert post(people.specialist, f"/api/v1/outgoing/{doc['id']}/issue/").status_code == 403
    assert Document.objects.get(pk=doc["id"]).number is None


def test_sending_twice_delivers_once(people: Any, city: Any, draft: Any) -> None:
    doc = draft()
    post(people.clerk, f"/api/v1/outgoing/{doc['id']}/issue/")
    post(people.clerk, f"/api/v1/outgoing/{doc['id']}/send/")
    assert post(people.clerk, f"/api/v1/outgoing/{doc['id']}/send/").status_code == 200
    assert Document.objects.filter(source_document=doc["id"]).count() == 2


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("document_type", {"document_type": "KHONG"}),
        ("summary", {"summary": ""}),
        ("recipients", {"recipients": [{"name": ""}]}),
        ("recipients", {"recipients": [{"organization": 999999}]}),
        ("secrecy", {"secrecy": "x"}),
        ("page_count", {"page_count": -3}),
    ],
)
def test_bad_outgoing_input_is_400_and_stores_nothing(
    people: Any, field: str, changes: dict[str, Any]
) -> None:
    body = {"document_type": "NQ", "summary": "Về việc", **changes}
    answer = post(people.specialist, "/api/v1/outgoing/", body)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    assert not Document.objects.exists()
    assert not Recipient.objects.exists()


def _sent(people: Any, draft: Any) -> tuple[int, int]:
    doc = draft()
    post(people.clerk, f"/api/v1/outgoing/{doc['id']}/issue/")
    post(people.clerk, f"/api/v1/outgoing/{doc['id']}/send/")
    arrived = Document.objects.get(source_document=doc["id"], organization__code="DU1")
    return doc["id"], arrived.pk


def _sender_sees(people: Any, doc_id: int, org: Any) -> str:
    body = client_for(people.clerk).get(f"/api/v1/outgoing/{doc_id}/").json()
    return next(r["status"] for r in body["recipients"] if r["organization"] == org.pk)


def test_recipient_registers_with_one_click_and_sender_sees_each_step(
    people: Any, city: Any, draft: Any, make_user: Any
) -> None:
    doc_id, arrived = _sent(people, draft)
    registered = post(people.clerk_du1, f"/api/v1/incoming/{arrived}/register/")
    assert registered.status_code == 200, registered.content
    body = registered.json()
    assert (body["status"], body["arrival_number"], body["year"]) == ("new", 1, today().year)
    assert body["summary"] == "Nghị quyết về công tác cán bộ"
    assert body["sender_organization"] == city.tu.pk
    assert _sender_sees(people, doc_id, city.du1) == "registered"
    leader = make_user(username="ld_du1", organization=city.du1, roles=["leader"])
    worker = make_user(username="cv_du1", organization=city.du1, roles=["specialist"])
    assign = post(leader, f"/api/v1/incoming/{arrived}/assign/", {"lead": worker.pk})
    assert assign.status_code == 200, assign.content
    assert _sender_sees(people, doc_id, city.du1) == "assigned"
    assert post(worker, f"/api/v1/incoming/{arrived}/complete/").status_code == 200
    assert _sender_sees(people, doc_id, city.du1) == "done"
    again = post(people.clerk_du1, f"/api/v1/incoming/{arrived}/register/")
    assert again.status_code == 400


def test_recipient_returns_with_a_reason_and_sender_sees_it(
    people: Any, city: Any, draft: Any
) -> None:
    doc_id, arrived = _sent(people, draft)
    no_reason = post(people.clerk_du1, f"/api/v1/incoming/{arrived}/return/", {"reason": " "})
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()
    assert Document.objects.get(pk=arrived).status == "pending_registration"
    answer = post(people.clerk_du1, f"/api/v1/incoming/{arrived}/return/", {"reason": "Gửi nhầm"})
    assert answer.status_code == 200
    assert answer.json()["status"] == "returned"
    recipient = Recipient.objects.get(document=doc_id, organization=city.du1)
    assert (recipient.status, recipient.edxml_status, recipient.return_reason) == (
        "returned",
        "02",
        "Gửi nhầm",
    )


def test_outgoing_list_query_count(
    people: Any, draft: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(8):
        draft()
    with django_assert_max_num_queries(6):
        answer = client_for(people.specialist).get("/api/v1/outgoing/")
    assert answer.json()["count"] == 8


def test_classified_delivery_reaches_the_recipient_clerk_only(
    people: Any, city: Any, draft: Any, make_user: Any
) -> None:
    """The recipient's văn thư keeps the classified register, so it sees the delivery; a
    specialist there, or a clerk without clearance, does not (not even in the list count)."""
    doc = draft(secrecy="confidential", recipients=[{"organization": city.du1.pk}])
    # A classified draft is need-to-know: its drafter and the organisation's clerks see it.
    assert post(people.clerk, f"/api/v1/outgoing/{doc['id']}/issue/").status_code == 200
    assert post(people.clerk, f"/api/v1/outgoing/{doc['id']}/send/").status_code == 200
    delivered = Document.objects.get(source_document_id=doc["id"], organization=city.du1)
    specialist = make_user(organization=city.du1, roles=["specialist"], clearance="top_secret")
    low_clerk = make_user(organization=city.du1, roles=["clerk"], clearance="none")
    url = f"/api/v1/incoming/{delivered.pk}/"
    assert client_for(people.clerk_du1).get(url).status_code == 200
    for outsider in (specialist, low_clerk, people.clerk_du2):
        assert client_for(outsider).get(url).status_code == 404
        listed = client_for(outsider).get("/api/v1/incoming/").json()
        assert delivered.pk not in {r["id"] for r in listed["results"]}
        assert listed["count"] == 0
