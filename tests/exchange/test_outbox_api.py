"""GET /api/v1/exchange/outbox/?status=dead and POST …/{id}/resend/: admins only."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from vanthu.audit.models import Event
from vanthu.core.models import Job
from vanthu.exchange import outbox
from vanthu.exchange.models import OutboxMessage, Partner
from vanthu.registry.models import Document

URL = "/api/v1/exchange/outbox/"


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def dead(sent_document: Document, partner: Partner) -> OutboxMessage:
    [message] = outbox.send_to_partners(sent_document)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="dead", attempts=12, last_error="URLError: Connection refused"
    )
    return OutboxMessage.objects.get(pk=message.pk)


@pytest.fixture
def tu_admin(city: Any, make_user: Any) -> Any:
    return make_user(username="qtv", organization=city.tu, roles=["admin"])


def test_an_admin_lists_dead_letters_without_payloads(
    dead: OutboxMessage, tu_admin: Any, django_assert_num_queries: Any
) -> None:
    client = _client(tu_admin)
    with django_assert_num_queries(3):  # positions, count, one page joined to partners
        answer = client.get(URL, {"status": "dead"})
    assert answer.status_code == 200, answer.content
    [row] = answer.json()["results"]
    assert row["id"] == dead.pk and row["status"] == "dead" and row["attempts"] == 12
    assert row["partner"] == dead.partner.organ_id and "payload" not in row
    assert "Connection refused" in row["last_error"]
    assert client.get(URL, {"status": "sent"}).json()["count"] == 0


def test_resend_puts_a_dead_letter_back_in_the_queue(dead: OutboxMessage, tu_admin: Any) -> None:
    answer = _client(tu_admin).post(f"{URL}{dead.pk}/resend/")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "pending" and answer.json()["attempts"] == 0
    assert Job.objects.filter(kind="exchange.deliver", status="waiting").count() == 1
    assert Event.objects.filter(action="exchange.outbox.resend").count() == 1
    # A message that is not dead is not re-sent: 400, nothing changes.
    again = _client(tu_admin).post(f"{URL}{dead.pk}/resend/")
    assert again.status_code == 400 and "status" in again.json()
    assert Event.objects.filter(action="exchange.outbox.resend").count() == 1


def test_a_clerk_is_403_and_an_admin_of_another_organisation_sees_nothing(
    dead: OutboxMessage, clerk: Any, city: Any, make_user: Any
) -> None:
    assert _client(clerk).get(URL).status_code == 403
    assert _client(clerk).post(f"{URL}{dead.pk}/resend/").status_code == 403
    other = make_user(username="qtv_du1", organization=city.du1, roles=["admin"])
    assert _client(other).get(URL).json()["count"] == 0
    assert _client(other).post(f"{URL}{dead.pk}/resend/").status_code == 404
    assert _client(other).post(f"{URL}999999/resend/").status_code == 404
    assert OutboxMessage.objects.get(pk=dead.pk).status == "dead"
    assert APIClient().get(URL).status_code == 401


def test_an_unknown_status_filter_is_400(dead: OutboxMessage, tu_admin: Any) -> None:
    answer = _client(tu_admin).get(URL, {"status": "lost"})
    assert answer.status_code == 400 and "status" in answer.json()
