"""The outbox: one message per partner, delivered over HTTP with backoff, dead letters."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.exchange.conftest import package_bytes, status_from_partner
from vanthu.audit.models import Event
from vanthu.core import jobs
from vanthu.core.models import Job, JobStatus
from vanthu.exchange import edxml, outbox, services
from vanthu.exchange.models import OutboxMessage, Partner
from vanthu.orgs.models import DocumentType, Organization
from vanthu.registry import services as registry
from vanthu.registry.models import Document


class FakePartner:
    """A partner installation's inbox on loopback (not our code): answers what it is told."""

    def __init__(self) -> None:
        self.answer: Callable[[bytes], tuple[int, bytes]] = lambda body: (503, b"busy")
        self.requests: list[tuple[dict[str, str], bytes]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                owner.requests.append((dict(self.headers), body))
                code, data = owner.answer(body)
                self.send_response(code)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v1/exchange/inbox/"


@pytest.fixture
def fake() -> Iterator[FakePartner]:
    server = FakePartner()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def reachable(partner: Partner, fake: FakePartner) -> Partner:
    partner.endpoint_url = fake.url
    partner.token = "t" * 40
    partner.save()
    return partner


def _message() -> OutboxMessage:
    return OutboxMessage.objects.get()


def test_an_issued_document_is_queued_once_per_partner(
    sent_document: Document, partner: Partner
) -> None:
    [message] = outbox.send_to_partners(sent_document)
    assert (message.partner, message.kind, message.status) == (partner, "package", "pending")
    assert message.edxml_id.startswith("TU,") and message.organization == sent_document.organization
    edxml.parse_package(bytes(message.payload))  # a valid package, schema-checked
    # Pressed again: no second message, no second job.
    assert outbox.send_to_partners(sent_document) == [message]
    assert OutboxMessage.objects.count() == 1
    assert Job.objects.filter(kind="exchange.deliver").count() == 1
    assert Event.objects.filter(action="exchange.outbox.enqueue").count() == 1


def test_a_draft_is_refused_and_nothing_is_queued(
    tu: Organization, clerk: Any, partner: Partner
) -> None:
    draft = registry.create_outgoing(
        actor=clerk,
        organization=tu,
        data={
            "document_type": DocumentType.objects.get(code="CV"),
            "summary": "Dự thảo",
            "signer": "Lê Thị Bình",
            "recipients": [{"name": partner.name}],
        },
    )
    with pytest.raises(ValidationError) as err:
        outbox.send_to_partners(draft)
    assert "status" in err.value.message_dict
    assert not OutboxMessage.objects.exists()
    assert not Job.objects.filter(kind="exchange.deliver").exists()


def test_a_document_without_partner_recipients_queues_nothing(
    sent_document: Document, partner: Partner
) -> None:
    partner.active = False
    partner.save()
    # Sending already queued the package while the partner was active (registry wiring).
    before = OutboxMessage.objects.count()
    assert outbox.send_to_partners(sent_document) == []
    assert OutboxMessage.objects.count() == before


def test_delivery_posts_with_the_token_and_applies_the_status_01(
    sent_document: Document, reachable: Partner, fake: FakePartner
) -> None:
    fake.answer = lambda body: (202, status_from_partner(sent_document, "01", 1))
    outbox.send_to_partners(sent_document)
    jobs.run_pending()
    headers, body = fake.requests[0]
    assert headers["Authorization"] == f"Token {'t' * 40}"
    assert edxml.parse_package(body).document_id == _message().edxml_id
    message = _message()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    assert message.sent_at is not None
    assert sent_document.recipients.get().status == "delivered"
    # A late or repeated job finds the message sent and posts nothing.
    assert outbox.deliver(message.pk) == "skipped"
    assert len(fake.requests) == 1


def test_a_partner_that_is_down_gets_retries_with_backoff_then_a_dead_letter(
    sent_document: Document, partner: Partner, settings: Any
) -> None:
    settings.VANTHU_EXCHANGE_MAX_ATTEMPTS = 3
    partner.endpoint_url = "http://127.0.0.1:9/api/v1/exchange/inbox/"  # discard: refused
    partner.save()
    outbox.send_to_partners(sent_document)
    jobs.run_pending()
    message = _message()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "Connection refused" in message.last_error or "URLError" in message.last_error
    job = Job.objects.get(kind="exchange.deliver")
    assert job.status == JobStatus.WAITING
    assert message.next_attempt_at is not None and job.run_after > message.created_at
    # Backoff doubles from VANTHU_JOB_RETRY_SECONDS and stops at one hour.
    assert [jobs.retry_delay(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert jobs.retry_delay(20) == 3600
    with pytest.raises(outbox.DeliveryError):
        outbox.deliver(message.pk)
    assert outbox.deliver(message.pk) == "dead"
    message = _message()
    assert (message.status, message.attempts) == ("dead", 3)
    assert Event.objects.filter(action="exchange.outbox.dead").count() == 1


def test_a_package_the_partner_refuses_is_dead_at_once(
    sent_document: Document, reachable: Partner, fake: FakePartner
) -> None:
    fake.answer = lambda body: (400, '{"package": ["Sai lược đồ"]}'.encode())
    outbox.send_to_partners(sent_document)
    jobs.run_pending()
    message = _message()
    assert (message.status, message.attempts) == ("dead", 1)
    assert "HTTP 400" in message.last_error and "Sai lược đồ" in message.last_error


def test_a_busy_partner_is_tried_again(
    sent_document: Document, reachable: Partner, fake: FakePartner
) -> None:
    outbox.send_to_partners(sent_document)
    with pytest.raises(outbox.DeliveryError):
        outbox.deliver(_message().pk)
    assert (_message().status, _message().attempts) == ("pending", 1)
    assert "HTTP 503" in _message().last_error


# --- status messages back to the sender --------------------------------------------------------


@pytest.fixture
def received(tu: Organization, partner: Partner) -> Document:
    return services.receive_package(organization=tu, data=package_bytes(), partner=partner)


def test_status_changes_go_back_through_the_outbox_once_each(
    received: Document, reachable: Partner, fake: FakePartner
) -> None:
    fake.answer = lambda body: (202, b'{"applied": true}')
    first = outbox.status_changed(received, "03")
    assert first is not None and outbox.status_changed(received, "03") == first
    outbox.status_changed(received, "04")
    returned = outbox.status_changed(received, "02", "Gửi nhầm nơi nhận")
    assert returned is not None
    assert edxml.parse_status(bytes(returned.payload)).description == "Gửi nhầm nơi nhận"
    assert OutboxMessage.objects.filter(kind="status").count() == 3
    jobs.run_pending()
    codes = sorted(edxml.parse_status(body).code for _, body in fake.requests)
    assert codes == ["02", "03", "04"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_bad_status_changes_are_refused_and_store_nothing(
    received: Document, partner: Partner
) -> None:
    with pytest.raises(ValidationError) as err:
        outbox.status_changed(received, "01")
    assert "code" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        outbox.status_changed(received, "02", "  ")
    assert "reason" in err.value.message_dict
    assert not OutboxMessage.objects.exists()
    assert not Job.objects.filter(kind="exchange.deliver").exists()


def test_a_document_not_received_by_edxml_has_nobody_to_tell(sent_document: Document) -> None:
    assert outbox.status_changed(sent_document, "03") is None
    assert not OutboxMessage.objects.filter(kind="status").exists()
