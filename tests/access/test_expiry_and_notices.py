"""Giải mật at the end of the protection period (the daily job) and the notices sent to those
who received a document when its protection changes (Luật BVBMNN 2018 Điều 20–22)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from tests.access.conftest import Office, api
from vanthu.access.classified.expiry import declassify_expired
from vanthu.access.classified.periods import add_years
from vanthu.access.models import ClassificationDecision, Protection
from vanthu.audit.models import Event
from vanthu.core import jobs
from vanthu.core.models import Job
from vanthu.notify.models import Kind, Notification
from vanthu.orgs.models import DocumentType
from vanthu.registry import sending, services
from vanthu.registry.models import Document

pytestmark = pytest.mark.django_db

SUMMARY = "Phương án nhân sự khóa mới XK-771"


def _ending_in(office: Office, level: str, years: int, days: int, **changes: Any) -> Document:
    """A document whose default period ends ``days`` days from today."""
    issued = add_years(timezone.localdate() + datetime.timedelta(days=days), -years)
    return office.classified(level, issued_date=issued.isoformat(), **changes)


def _declassify_events(document: Document) -> list[Event]:
    return list(
        Event.objects.filter(
            action="document.declassify",
            object_type="registry.document",
            object_id=str(document.pk),
        )
    )


def _run_job(capture: Any) -> Job:
    from vanthu.access.tasks import protection_declassify

    protection_declassify()
    protection_declassify()  # a second trigger is deduplicated
    assert Job.objects.filter(kind="access.protection_declassify", status="waiting").count() == 1
    with capture(execute=True):  # the notices are stored once the job's work commits
        assert jobs.run_pending() == 1
    return Job.objects.filter(kind="access.protection_declassify").latest("pk")


def test_daily_job_declassifies_what_ended_unextended_and_keeps_the_previous_values(
    office: Office, django_capture_on_commit_callbacks: Any
) -> None:
    entry = django_settings.CELERY_BEAT_SCHEDULE["vanthu-protection-declassify"]
    assert entry["task"] == "vanthu.access.tasks.protection_declassify"
    ended = _ending_in(office, "secret", 20, -3, summary=SUMMARY)
    last_day = _ending_in(office, "confidential", 10, 0)  # protected until the end of today
    later = _ending_in(office, "top_secret", 30, 40)
    expired_on = add_years(ended.issued_date, 20)  # type: ignore[arg-type]
    job = _run_job(django_capture_on_commit_callbacks)
    assert job.status == "done", job.error
    assert job.result == {"declassified": 1, "documents": [ended.pk], "decided_today": []}
    ended.refresh_from_db()
    assert ended.secrecy == "none"
    for untouched in (last_day, later):
        untouched.refresh_from_db()
        assert untouched.secrecy != "none"
    row = Protection.objects.get(document=ended)
    assert row.declassified_on == expired_on + datetime.timedelta(days=1)
    assert row.expires_on is None
    [decision] = ClassificationDecision.objects.filter(document=ended)
    assert decision.kind == "declassify" and decision.decided_by is None
    assert decision.secrecy_before == "secret" and decision.expires_before == expired_on
    assert "Điều 22" in decision.reason
    [event] = _declassify_events(ended)
    assert event.actor_id is None and event.details["automatic"] is True
    assert event.details["secrecy_before"] == "secret"
    # The organisation's leader is told, by number only... and the document is now ordinary.
    [note] = Notification.objects.filter(recipient=office.leader, document=ended)
    assert note.kind == Kind.DECLASSIFIED and expired_on.strftime("%d/%m/%Y") in note.text
    # The API shows the law's decision with no one named.
    body = api(office.leader).get(f"/api/v1/documents/{ended.pk}/protection/").json()
    assert body["secrecy"] == "none" and body["decisions"][0]["decided_by"] is None
    assert body["decisions"][0]["decided_by_name"] == ""

    # Idempotent: the next day's run finds nothing more.
    again = _run_job(django_capture_on_commit_callbacks)
    assert again.result == {"declassified": 0, "documents": [], "decided_today": []}
    assert ClassificationDecision.objects.filter(document=ended).count() == 1
    assert len(_declassify_events(ended)) == 1
    assert Notification.objects.filter(document=ended).count() == 1


def test_job_never_touches_a_document_under_a_decision_recorded_today(office: Office) -> None:
    document = _ending_in(office, "confidential", 10, 0)
    extended = add_years(timezone.localdate(), 1)
    answer = api(office.leader).post(
        f"/api/v1/documents/{document.pk}/extend-protection/",
        {"expires_on": extended.isoformat(), "reason": "Còn nguy hại", "decision_ref": "5-QĐ/TU"},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    # As if the list had been read before the extension committed: the row says "ended".
    Protection.objects.filter(document=document).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    outcome = declassify_expired()
    assert outcome.declassified == [] and outcome.decided_today == [document.pk]
    document.refresh_from_db()
    assert document.secrecy == "confidential"
    assert _declassify_events(document) == []


def test_an_extended_document_is_not_declassified_at_its_old_end(office: Office) -> None:
    document = _ending_in(office, "confidential", 10, 0)
    api(office.leader).post(
        f"/api/v1/documents/{document.pk}/extend-protection/",
        {"expires_on": add_years(timezone.localdate(), 2).isoformat(), "reason": "Còn nguy hại"},
        format="json",
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert declassify_expired(today=tomorrow).declassified == []
    document.refresh_from_db()
    assert document.secrecy == "confidential"


# --- notices to those who received the document -------------------------------------------


def _sent_outgoing(office: Office, capture: Any) -> tuple[Document, list[Document]]:
    """A Tối mật outgoing document of TU delivered to DU1 and DU2."""
    city = office.city
    draft = services.create_outgoing(
        actor=office.leader,  # drafted by the leader, who may then decide on it
        organization=city.tu,
        data={
            "document_type": DocumentType.objects.get(code="NQ"),
            "summary": SUMMARY,
            "secrecy": "secret",
            "recipients": [{"organization": city.du1}, {"organization": city.du2}],
        },
    )
    services.issue_outgoing(actor=office.clerk, document=draft)
    with capture(execute=True):
        sending.send_outgoing(actor=office.clerk, document=draft)
    draft.refresh_from_db()
    return draft, list(Document.objects.filter(source_document=draft).order_by("pk"))


def test_extension_is_notified_to_recipients_without_the_summary(
    office: Office, django_capture_on_commit_callbacks: Any
) -> None:
    document, delivered = _sent_outgoing(office, django_capture_on_commit_callbacks)
    api(office.clerk).post(
        f"/api/v1/documents/{document.pk}/copies/",
        {"holders": [{"user": office.specialist.pk}]},
        format="json",
    )
    Notification.objects.all().delete()
    new_end = add_years(timezone.localdate(), 25)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api(office.leader).post(
            f"/api/v1/documents/{document.pk}/extend-protection/",
            {
                "expires_on": new_end.isoformat(),
                "reason": "Còn nguy hại",
                "decision_ref": "9-QĐ/TU",
            },
            format="json",
        )
    assert answer.status_code == 200, answer.content
    notes = {n.recipient_id: n for n in Notification.objects.all()}
    # The recipient organisations' clerks (about their own copy), the copy holder; not the
    # leader who decided.
    assert set(notes) == {office.clerk_du1.pk, office.clerk_du2.pk, office.specialist.pk}
    assert notes[office.clerk_du1.pk].document_id == delivered[0].pk
    assert notes[office.clerk_du2.pk].document_id == delivered[1].pk
    assert notes[office.specialist.pk].document_id == document.pk
    for note in notes.values():
        assert note.kind == Kind.PROTECTION
        assert SUMMARY not in note.text and "XK-771" not in note.text
        assert document.number_symbol in note.text and "9-QĐ/TU" in note.text
        assert new_end.strftime("%d/%m/%Y") in note.text


def test_declassification_is_notified_to_assignees_and_recipients(
    office: Office, django_capture_on_commit_callbacks: Any
) -> None:
    document, delivered = _sent_outgoing(office, django_capture_on_commit_callbacks)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        answer = api(office.leader).post(
            f"/api/v1/documents/{document.pk}/declassify/",
            {"reason": "Không còn nguy hại", "decision_ref": "10-QĐ/TU"},
            format="json",
        )
    assert answer.status_code == 200, answer.content
    notes = list(Notification.objects.filter(recipient=office.clerk_du1))
    assert [n.kind for n in notes] == [Kind.DECLASSIFIED]
    # DU1's own copy is still registered as Tối mật: still no summary.
    assert SUMMARY not in notes[0].text and "10-QĐ/TU" in notes[0].text
    assert notes[0].document_id == delivered[0].pk


def test_refused_decision_notifies_nobody_and_changes_nothing(
    office: Office, django_capture_on_commit_callbacks: Any
) -> None:
    document, _delivered = _sent_outgoing(office, django_capture_on_commit_callbacks)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        blank = api(office.leader).post(
            f"/api/v1/documents/{document.pk}/declassify/", {"reason": " "}, format="json"
        )
        clerk = api(office.clerk).post(
            f"/api/v1/documents/{document.pk}/declassify/", {"reason": "Hết"}, format="json"
        )
    assert blank.status_code == 400 and "reason" in blank.json()
    assert clerk.status_code == 403
    document.refresh_from_db()
    assert document.secrecy == "secret"
    assert not Notification.objects.exists()
    assert not ClassificationDecision.objects.filter(document=document).exists()
