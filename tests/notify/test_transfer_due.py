"""Hồ sơ sắp đến hạn nộp lưu: the reminder job tells archivists and người lập how many closed
dossiers fall due within 30 days, once per organisation and recipient until the count grows."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone

from tests.records.conftest import Office
from vanthu.access.models import Grant
from vanthu.core import jobs
from vanthu.core.models import JobStatus
from vanthu.notify import services as notify
from vanthu.notify.jobs import KIND
from vanthu.notify.models import Kind, Notification
from vanthu.orgs.models import User
from vanthu.records.models import Dossier

pytestmark = pytest.mark.django_db

# A Tuesday, a working day: due 30 days ahead is 31/12/2026, i.e. work ended 31/12/2025.
DAY = datetime.date(2026, 12, 1)
ENDED_30 = datetime.date(2025, 12, 31)
ENDED_31 = datetime.date(2026, 1, 1)
SECRET_TITLE = "Hồ sơ phương án bảo vệ mục tiêu K25"


@pytest.fixture
def office(city: Any, make_user: Callable[..., User]) -> Office:
    return Office(city, make_user)


def closed(office: Office, code: str, ended: datetime.date, **fields: Any) -> Dossier:
    """A closed dossier whose work ended on ``ended`` (dates set directly: the due rule reads
    only the stored columns)."""
    dossier = office.dossier(code=code, title=f"Hồ sơ {code}")
    fields = {
        "status": Dossier.Status.CLOSED,
        "closed_at": timezone.now(),
        "end_date": ended,
        **fields,
    }
    Dossier.objects.filter(pk=dossier.pk).update(**fields)
    dossier.refresh_from_db()
    return dossier


def run(day: datetime.date) -> dict[str, Any]:
    job = jobs.enqueue(KIND, {"day": str(day)})
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    return dict(job.result or {})


def reminders(user: User) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=Kind.TRANSFER_DUE).order_by("pk"))


def test_30_days_ahead_not_31_and_once_until_the_count_grows(office: Office) -> None:
    closed(office, "01.VP", ENDED_30)
    closed(office, "02.VP", ENDED_31)

    assert run(DAY)["transfer_due"] >= 1
    [note] = reminders(office.archivist)
    assert note.count == 1 and note.day == DAY and note.organization_id == office.org.pk
    assert note.text.startswith("1 hồ sơ của Văn phòng Thành ủy") and "01.VP" not in note.text
    assert note.link == "/luu-tru/#den-han" and note.shown
    # The clerk opened both (người lập by default): told of their own, once.
    assert [n.count for n in reminders(office.clerk)] == [1]

    run(DAY)  # the job twice the same day: nothing new
    assert len(reminders(office.archivist)) == 1

    # The next day 02.VP enters the window: a new reminder with the new count.
    run(DAY + datetime.timedelta(days=1))
    assert [n.count for n in reminders(office.archivist)] == [1, 2]
    # The same two dossiers the day after: not told again.
    run(DAY + datetime.timedelta(days=2))
    assert [n.count for n in reminders(office.archivist)] == [1, 2]
    # Nobody outside the organisation hears of it.
    assert not Notification.objects.filter(recipient=office.outsider).exists()


def test_not_for_dossiers_handed_in_held_back_open_or_kept_short(office: Office) -> None:
    closed(office, "01.VP", ENDED_30, handed_in=True)
    closed(office, "02.VP", ENDED_30, held_back_until=DAY + datetime.timedelta(days=200))
    closed(office, "03.VP", ENDED_30, retention_years=2, retention_code="07")
    open_one = office.dossier(code="04.VP")
    Dossier.objects.filter(pk=open_one.pk).update(end_date=ENDED_30)
    assert run(DAY)["transfer_due"] == 0
    assert not Notification.objects.filter(kind=Kind.TRANSFER_DUE).exists()


def test_an_uncleared_archivist_counts_no_classified_dossier(
    office: Office, make_user: Callable[..., User]
) -> None:
    uncleared = make_user(
        username="luutru2_vp", organization=office.org, roles=["archivist"], clearance="none"
    )
    closed(office, "01.VP", ENDED_30)
    secret = closed(office, "02.VP", ENDED_30, secrecy="secret", title=SECRET_TITLE)
    # Both have a reason to see it (a grant); only the cleared one may.
    for user in (office.archivist, uncleared):
        Grant.objects.create(
            grantee=user,
            content_type=ContentType.objects.get_for_model(Dossier),
            object_id=secret.pk,
            granted_by=office.leader,
            reason="Chuẩn bị nộp lưu",
        )
    run(DAY)
    assert [n.count for n in reminders(office.archivist)] == [2]
    assert [n.count for n in reminders(uncleared)] == [1]
    texts = Notification.objects.filter(kind=Kind.TRANSFER_DUE).values_list("text", flat=True)
    assert texts and not any("K25" in t or "02.VP" in t for t in texts)


def test_preferences_off_means_nothing(office: Office) -> None:
    closed(office, "01.VP", ENDED_30)
    notify.set_preferences(
        actor=office.archivist, items=[{"kind": "transfer_due", "in_app": False, "email": "none"}]
    )
    run(DAY)
    assert reminders(office.archivist) == []
    assert len(reminders(office.clerk)) == 1  # others keep the default


def test_the_daily_digest_includes_it(office: Office, settings: Any) -> None:
    settings.VANTHU_NOTIFY_EMAIL = True
    settings.VANTHU_BASE_URL = "https://vanthu.example.vn"
    office.archivist.email = "luutru@example.vn"
    office.archivist.save(update_fields=["email"])
    notify.set_preferences(
        actor=office.archivist, items=[{"kind": "transfer_due", "in_app": True, "email": "daily"}]
    )
    closed(office, "01.VP", ENDED_30, secrecy="secret", title=SECRET_TITLE)
    closed(office, "02.VP", ENDED_30)
    mail.outbox.clear()
    run(DAY)
    [note] = reminders(office.archivist)
    assert not [m for m in mail.outbox if "luutru@example.vn" in m.to]  # waits for the digest
    notify.send_digests(timezone.localtime(note.created_at).date())
    [message] = [m for m in mail.outbox if m.to == ["luutru@example.vn"]]
    assert "[Hồ sơ sắp đến hạn nộp lưu]" in message.body
    assert note.text in message.body
    assert "https://vanthu.example.vn/luu-tru/#den-han" in message.body
    assert "K25" not in message.body
