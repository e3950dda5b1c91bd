"""The daily reminder job: due by the next working day, overdue; once per assignment per day."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from vanthu.core import jobs, workdays
from vanthu.core.models import Job, JobStatus
from vanthu.notify import services as notify
from vanthu.notify.jobs import KIND
from vanthu.notify.models import Kind, Notification
from vanthu.notify.tasks import daily_reminders
from vanthu.orgs.models import User
from vanthu.registry import services
from vanthu.registry.models import Document

pytestmark = pytest.mark.django_db

SECRET_SUMMARY = "Phương án bảo vệ mục tiêu K25"


def assigned(
    people: Any,
    incoming: Callable[..., Document],
    lead: User,
    deadline: datetime.date,
    **changes: Any,
) -> Document:
    document = incoming(**changes)
    # Presented first: a classified document reaches the leader it is presented to.
    services.present(actor=people.clerk, document=document, leader=people.leader)
    return services.assign(
        actor=people.leader,
        document=document,
        lead=lead,
        support=[people.other_specialist],
        inform=[people.clerk],
        deadline=deadline,
    )


def run_job(day: datetime.date | str) -> Job:
    job = jobs.enqueue(KIND, {"day": str(day)})
    jobs.run_pending()
    job.refresh_from_db()
    return job


@pytest.fixture
def day() -> datetime.date:
    """The day the reminder runs for: a working day two weeks ahead, so that every deadline
    around it can be set through the service (which refuses deadlines in the past)."""
    return workdays.add_working_days(timezone.localdate(), 10)


def test_the_job_reminds_due_and_overdue_assignments_once_a_day(
    people: Any, incoming: Callable[..., Document], day: datetime.date
) -> None:
    tomorrow = workdays.next_working_day(day)
    late = workdays.add_working_days(timezone.localdate(), 5)
    due = assigned(people, incoming, people.specialist, tomorrow, number_symbol="01-CV/A")
    overdue = assigned(people, incoming, people.specialist, late, number_symbol="02-CV/B")
    today_doc = assigned(people, incoming, people.specialist, day, number_symbol="03-CV/C")
    far = assigned(
        people, incoming, people.specialist, workdays.add_working_days(day, 5), number_symbol="X"
    )
    finished = assigned(people, incoming, people.specialist, late, number_symbol="04-CV/D")
    services.complete(actor=people.specialist, document=finished)

    first = run_job(day)
    assert first.status == JobStatus.DONE, first.error
    assert first.result == {"day": day.isoformat(), "due_soon": 4, "overdue": 2, "transfer_due": 0}
    mine = Notification.objects.filter(recipient=people.specialist)
    theirs = Notification.objects.filter(recipient=people.other_specialist)
    assert {(n.document_id, n.kind) for n in mine} == {
        (due.pk, Kind.DUE_SOON),
        (today_doc.pk, Kind.DUE_SOON),
        (overdue.pk, Kind.OVERDUE),
    }
    assert theirs.count() == 3  # the supporter too; the one "để biết" is not reminded
    assert not Notification.objects.filter(recipient=people.clerk).exists()
    assert not Notification.objects.filter(document=far).exists()
    assert not Notification.objects.filter(document=finished).exists()

    n_late = workdays.working_days_between(late, day)
    assert n_late > 0
    late_note = mine.get(kind=Kind.OVERDUE)
    assert f"Quá hạn {n_late} ngày làm việc" in late_note.text
    assert late.strftime("%d/%m/%Y") in late_note.text
    assert "Hết hạn hôm nay" in mine.get(document=today_doc).text
    assert tomorrow.strftime("%d/%m/%Y") in mine.get(document=due).text
    assert all(n.day == day for n in mine)

    # The same day again (the beat fired twice, a worker retried): nothing new.
    second = run_job(day)
    assert second.status == JobStatus.DONE, second.error
    assert second.result == {"day": day.isoformat(), "due_soon": 0, "overdue": 0, "transfer_due": 0}
    assert notify.reminders_for(day) == {"due_soon": 0, "overdue": 0}
    assert Notification.objects.count() == 6

    # The next working day is a new day: the overdue one is reminded again.
    later = workdays.next_working_day(day)
    assert notify.reminders_for(later)["overdue"] >= 2
    assert Notification.objects.filter(document=overdue, day=later).count() == 2


def test_a_classified_reminder_carries_no_summary(
    people: Any, incoming: Callable[..., Document], day: datetime.date
) -> None:
    document = assigned(
        people,
        incoming,
        people.specialist,
        day,
        secrecy="secret",
        summary=SECRET_SUMMARY,
        number_symbol="07-PA/CA",
    )
    notify.reminders_for(day)
    notes = list(Notification.objects.filter(document=document))
    assert len(notes) == 2
    for note in notes:
        assert "Văn bản mật 07-PA/CA" in note.text
        assert "K25" not in note.text and "bảo vệ" not in note.text


def test_reminders_are_emailed_once_when_enabled(
    people: Any,
    incoming: Callable[..., Document],
    day: datetime.date,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.VANTHU_NOTIFY_EMAIL = True
    assigned(people, incoming, people.specialist, day, number_symbol="05-CV/MAIL")
    with django_capture_on_commit_callbacks(execute=True):
        notify.reminders_for(day)
    with django_capture_on_commit_callbacks(execute=True):
        notify.reminders_for(day)
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["cv2_tu@example.vn", "cv_tu@example.vn"]
    assert all("05-CV/MAIL" in m.body for m in mail.outbox)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_no_reminder_is_sent_on_a_day_off(
    people: Any, incoming: Callable[..., Document], day: datetime.date
) -> None:
    off = day
    while workdays.is_working_day(off):
        off += datetime.timedelta(days=1)
    assigned(people, incoming, people.specialist, workdays.add_working_days(off, 0))
    job = run_job(off)
    assert job.status == JobStatus.DONE
    assert job.result == {"day": off.isoformat(), "due_soon": 0, "overdue": 0, "skipped_day_off": 1}
    assert not Notification.objects.exists()


@pytest.mark.parametrize("bad", ["31/02/2026", "2026-02-30", "hôm nay"])
def test_a_bad_day_fails_the_job_for_good_and_stores_nothing(
    people: Any, incoming: Callable[..., Document], day: datetime.date, bad: str
) -> None:
    assigned(people, incoming, people.specialist, day)
    job = run_job(bad)
    assert job.status == JobStatus.FAILED
    assert "Ngày không hợp lệ" in job.error
    assert job.attempts == 1
    assert not Notification.objects.exists()


def test_the_beat_task_enqueues_one_live_job_per_day(db: Any) -> None:
    daily_reminders()
    daily_reminders()
    live = Job.objects.filter(kind=KIND, status=JobStatus.WAITING)
    assert live.count() == 1
    assert live.get().payload == {"day": timezone.localdate().isoformat()}
