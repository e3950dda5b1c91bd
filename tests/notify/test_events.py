"""Registry events notify the right people, after commit, and never with a classified summary."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from vanthu.notify.models import Kind, Notification
from vanthu.orgs.models import DocumentType, Position
from vanthu.registry import sending, services
from vanthu.registry.models import Document

pytestmark = pytest.mark.django_db

SUMMARY = "V/v hướng dẫn công tác nhân sự"
SECRET_SUMMARY = "Kế hoạch bảo vệ mục tiêu K25 trọng yếu"


def notes(user: Any, kind: str | None = None) -> list[Notification]:
    qs = Notification.objects.filter(recipient=user)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("pk"))


def test_presenting_notifies_the_leader_after_commit(
    people: Any, incoming: Callable[..., Document], django_capture_on_commit_callbacks: Any
) -> None:
    document = incoming()
    with django_capture_on_commit_callbacks(execute=True):
        services.present(actor=people.clerk, document=document, leader=people.leader)
    [note] = notes(people.leader)
    assert note.kind == Kind.PRESENTED
    assert note.document_id == document.pk
    assert note.link == f"/van-ban/den/{document.pk}/"
    assert SUMMARY in note.text and "12-CV/BTCTW" in note.text
    assert notes(people.clerk) == []


def test_nothing_is_sent_before_commit(
    people: Any, incoming: Callable[..., Document], django_capture_on_commit_callbacks: Any
) -> None:
    document = incoming()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.present(actor=people.clerk, document=document, leader=people.leader)
    assert notes(people.leader) == []
    assert callbacks  # scheduled for the commit, which a rolled-back test never reaches


def test_assigning_notifies_each_assignee_with_their_own_deadline(
    people: Any, incoming: Callable[..., Document], django_capture_on_commit_callbacks: Any
) -> None:
    document = incoming()
    lead_day = timezone.localdate() + datetime.timedelta(days=20)
    support_day = timezone.localdate() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(
            actor=people.leader,
            document=document,
            lead=people.specialist,
            support=[people.other_specialist],
            inform=[people.clerk],
            deadline=lead_day,
            deadlines={people.other_specialist.pk: support_day},
        )
    [lead] = notes(people.specialist, Kind.ASSIGNED)
    [support] = notes(people.other_specialist, Kind.ASSIGNED)
    [inform] = notes(people.clerk, Kind.ASSIGNED)
    assert "chủ trì" in lead.text and lead_day.strftime("%d/%m/%Y") in lead.text
    assert "phối hợp" in support.text and support_day.strftime("%d/%m/%Y") in support.text
    assert "để biết" in inform.text
    assert notes(people.leader) == []


def test_a_refused_assignment_notifies_nobody(
    people: Any, incoming: Callable[..., Document], django_capture_on_commit_callbacks: Any
) -> None:
    document = incoming()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.assign(
            actor=people.leader,
            document=document,
            lead=people.specialist,
            deadline_working_days=-3,
        )
    assert not Notification.objects.exists()


def _sent(people: Any, city: Any, secrecy: str, summary: str, capture: Any) -> Document:
    draft = services.create_outgoing(
        actor=people.specialist,
        organization=city.tu,
        data={
            "document_type": DocumentType.objects.get(code="NQ"),
            "summary": summary,
            "secrecy": secrecy,
            "recipients": [{"organization": city.du1}, {"organization": city.du2}],
        },
    )
    services.issue_outgoing(actor=people.clerk, document=draft)
    with capture(execute=True):
        sending.send_outgoing(actor=people.clerk, document=draft)
    draft.refresh_from_db()
    return draft


def test_delivery_into_the_queue_notifies_the_recipient_clerks(
    people: Any, city: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draft = _sent(people, city, "none", SUMMARY, django_capture_on_commit_callbacks)
    [note] = notes(people.clerk_du1, Kind.DELIVERED)
    delivery = Document.objects.get(source_document=draft, organization=city.du1)
    assert note.document_id == delivery.pk
    assert "Thành ủy" in note.text and SUMMARY in note.text
    assert len(notes(people.uncleared_clerk_du1, Kind.DELIVERED)) == 1
    assert len(notes(people.clerk_du2, Kind.DELIVERED)) == 1
    assert notes(people.clerk) == []


def test_a_classified_delivery_names_only_its_number_and_reaches_only_cleared_clerks(
    people: Any, city: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draft = _sent(people, city, "confidential", SECRET_SUMMARY, django_capture_on_commit_callbacks)
    [note] = notes(people.clerk_du1, Kind.DELIVERED)
    assert "Văn bản mật" in note.text
    assert draft.number_symbol and draft.number_symbol in note.text
    assert SECRET_SUMMARY not in note.text and "K25" not in note.text
    assert notes(people.uncleared_clerk_du1) == []


def test_returning_a_delivery_notifies_the_drafter_with_the_reason(
    people: Any, city: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draft = _sent(people, city, "none", SUMMARY, django_capture_on_commit_callbacks)
    delivery = Document.objects.get(source_document=draft, organization=city.du1)
    with django_capture_on_commit_callbacks(execute=True):
        sending.return_delivered(actor=people.clerk_du1, document=delivery, reason="Gửi nhầm")
    [note] = notes(people.specialist, Kind.RETURNED)
    assert note.document_id == draft.pk
    assert note.link == f"/van-ban/di/{draft.pk}/"
    assert "Gửi nhầm" in note.text and city.du1.name in note.text


def test_returning_a_classified_delivery_keeps_the_reason_out(
    people: Any, city: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draft = _sent(people, city, "secret", SECRET_SUMMARY, django_capture_on_commit_callbacks)
    delivery = Document.objects.get(source_document=draft, organization=city.du1)
    with django_capture_on_commit_callbacks(execute=True):
        sending.return_delivered(
            actor=people.clerk_du1, document=delivery, reason="Sai mục tiêu K25"
        )
    [note] = notes(people.specialist, Kind.RETURNED)
    assert "Văn bản mật" in note.text
    assert "K25" not in note.text


def test_a_classified_incoming_presented_and_assigned_never_shows_its_summary(
    people: Any,
    incoming: Callable[..., Document],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.VANTHU_NOTIFY_EMAIL = True
    document = incoming(secrecy="secret", summary=SECRET_SUMMARY, number_symbol="05-KH/BCA")
    with django_capture_on_commit_callbacks(execute=True):
        services.present(actor=people.clerk, document=document, leader=people.leader)
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(actor=people.leader, document=document, lead=people.specialist)
    every = list(Notification.objects.all())
    assert len(every) == 2
    for note in every:
        assert "Văn bản mật 05-KH/BCA" in note.text
        assert "K25" not in note.text and "bảo vệ" not in note.text
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "K25" not in message.subject + message.body
        assert "Văn bản mật" in message.body


def test_email_is_sent_only_when_enabled_and_the_user_has_an_address(
    people: Any,
    incoming: Callable[..., Document],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    document = incoming()
    with django_capture_on_commit_callbacks(execute=True):
        services.present(actor=people.clerk, document=document, leader=people.leader)
    assert mail.outbox == []  # off by default
    settings.VANTHU_NOTIFY_EMAIL = True
    people.specialist.email = ""
    people.specialist.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(
            actor=people.leader,
            document=document,
            lead=people.specialist,
            support=[people.other_specialist],
        )
    assert [m.to for m in mail.outbox] == [["cv2_tu@example.vn"]]
    assert SUMMARY in mail.outbox[0].body
    sent = Notification.objects.get(recipient=people.other_specialist)
    assert sent.emailed_at is not None
    assert Notification.objects.get(recipient=people.specialist).emailed_at is None


def test_a_former_clerk_is_not_told_of_deliveries(
    people: Any, city: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    former = make_user(
        username="cu_vt_du1", organization=city.du1, roles=["specialist"], clearance="secret"
    )
    ended = timezone.localdate() - datetime.timedelta(days=30)
    Position.objects.create(user=former, organization=city.du1, role="clerk", end_date=ended)
    _sent(people, city, "none", SUMMARY, django_capture_on_commit_callbacks)
    assert notes(former) == []
    assert len(notes(people.clerk_du1, Kind.DELIVERED)) == 1
