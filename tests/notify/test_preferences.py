"""Each user chooses, per kind: shown in the app or not, e-mail none / at once / daily digest.

API ``GET/PUT /api/v1/notifications/preferences/``, the web page /thong-bao/cai-dat/, the
preferences respected when notifications are made (events and reminders), and the daily digest
job with Django's locmem e-mail backend (pytest-django's default).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from vanthu.audit.models import Event
from vanthu.core import jobs
from vanthu.core.models import Job, JobStatus
from vanthu.notify import selectors
from vanthu.notify import services as notify
from vanthu.notify.jobs import DIGEST_KIND
from vanthu.notify.models import EmailMode, Kind, Notification, Preference
from vanthu.notify.tasks import daily_digest
from vanthu.orgs.models import User
from vanthu.registry import services
from vanthu.registry.models import Document

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/preferences/"
SECRET_SUMMARY = "Phương án bảo vệ mục tiêu K25"


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def choose(user: User, kind: str, *, in_app: bool, email: str) -> None:
    notify.set_preferences(actor=user, items=[{"kind": kind, "in_app": in_app, "email": email}])


def note(user: User, kind: str, text: str, created_at: datetime.datetime) -> Notification:
    return Notification.objects.create(
        recipient=user, kind=kind, text=text, link="/van-ban/den/1/", created_at=created_at
    )


def local_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


# --- API ------------------------------------------------------------------------------------


def test_get_lists_every_kind_with_the_defaults(people: Any) -> None:
    answer = client_for(people.specialist).get(URL)
    assert answer.status_code == 200
    body = answer.json()
    assert [p["kind"] for p in body["preferences"]] == Kind.values
    assert all(p["in_app"] is True and p["email"] == "immediate" for p in body["preferences"])
    assert body["preferences"][0]["kind_label"] == "Văn bản trình xin ý kiến"
    assert body["email_enabled"] is False


def test_put_stores_the_choices_of_the_caller_only(people: Any) -> None:
    client = client_for(people.specialist)
    answer = client.put(
        URL,
        {
            "preferences": [
                {"kind": "overdue", "in_app": True, "email": "daily"},
                {"kind": "delivered", "in_app": False, "email": "none"},
            ]
        },
        format="json",
    )
    assert answer.status_code == 200, answer.content
    got = {p["kind"]: (p["in_app"], p["email"]) for p in answer.json()["preferences"]}
    assert got["overdue"] == (True, "daily")
    assert got["delivered"] == (False, "none")
    assert got["assigned"] == (True, "immediate")  # not listed: unchanged
    assert Preference.objects.filter(user=people.specialist).count() == 2
    assert not Preference.objects.filter(user=people.other_specialist).exists()
    event = Event.objects.filter(action="notify.preferences.update").get()
    assert event.actor_id == people.specialist.pk
    # A second PUT changes the same rows.
    client.put(URL, {"preferences": [{"kind": "overdue", "email": "none"}]}, format="json").json()
    assert Preference.objects.get(user=people.specialist, kind="overdue").email == "none"
    assert Preference.objects.filter(user=people.specialist).count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "preferences"),
        ({"preferences": "daily"}, "preferences"),
        ({"preferences": []}, "preferences"),
        ({"preferences": ["overdue"]}, "0"),
        ({"preferences": [{"kind": "weekly", "email": "none"}]}, "0"),
        ({"preferences": [{"kind": "overdue", "email": "weekly"}]}, "overdue"),
        ({"preferences": [{"kind": "overdue", "in_app": "maybe"}]}, "overdue"),
        ({"preferences": [{"kind": "overdue", "in_app": None}]}, "overdue"),
        (
            {
                "preferences": [
                    {"kind": "assigned", "email": "none"},
                    {"kind": "assigned", "email": "daily"},
                ]
            },
            "1",
        ),
    ],
)
def test_bad_input_is_refused_with_field_errors_and_nothing_stored(
    people: Any, body: dict[str, Any], field: str
) -> None:
    choose(people.specialist, "assigned", in_app=True, email="daily")
    events = Event.objects.count()
    # A good item together with the bad one: all or nothing.
    if isinstance(body.get("preferences"), list) and body["preferences"]:
        body["preferences"].insert(0, {"kind": "presented", "in_app": False, "email": "none"})
        field = str(int(field) + 1) if field.isdigit() else field
    answer = client_for(people.specialist).put(URL, body, format="json")
    assert answer.status_code == 400
    errors = answer.json()
    assert field in errors, errors
    assert all(isinstance(m, str) and m for m in errors[field])
    assert list(Preference.objects.filter(user=people.specialist).values_list("kind", "email")) == [
        ("assigned", "daily")
    ]
    assert Event.objects.count() == events


def test_e_mail_needs_an_address(people: Any) -> None:
    people.specialist.email = ""
    people.specialist.save(update_fields=["email"])
    answer = client_for(people.specialist).put(
        URL, {"preferences": [{"kind": "overdue", "email": "daily"}]}, format="json"
    )
    assert answer.status_code == 400
    assert "địa chỉ e-mail" in answer.json()["overdue"][0]
    assert not Preference.objects.exists()
    ok = client_for(people.specialist).put(
        URL, {"preferences": [{"kind": "overdue", "in_app": True, "email": "none"}]}, format="json"
    )
    assert ok.status_code == 200


def test_anonymous_gets_nothing() -> None:
    assert APIClient().get(URL).status_code in (401, 403)


# --- creating notifications respects the choices --------------------------------------------


def test_a_kind_turned_off_everywhere_is_not_stored(
    people: Any, incoming: Callable[..., Document], django_capture_on_commit_callbacks: Any
) -> None:
    choose(people.leader, Kind.PRESENTED, in_app=False, email=EmailMode.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        services.present(actor=people.clerk, document=incoming(), leader=people.leader)
    assert not Notification.objects.filter(recipient=people.leader).exists()


def test_e_mail_only_is_kept_hidden_for_the_digest_and_not_mailed_at_once(
    people: Any,
    incoming: Callable[..., Document],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.VANTHU_NOTIFY_EMAIL = True
    choose(people.specialist, Kind.ASSIGNED, in_app=False, email=EmailMode.DAILY)
    document = incoming()
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(
            actor=people.leader,
            document=document,
            lead=people.specialist,
            support=[people.other_specialist],
        )
    hidden = Notification.objects.get(recipient=people.specialist)
    assert hidden.shown is False and hidden.emailed_at is None
    # Not in the list, the bell or the API list of its recipient; cannot be opened.
    assert list(selectors.notifications_of(people.specialist)) == []
    assert selectors.unread_count(people.specialist) == 0
    assert client_for(people.specialist).get("/api/v1/notifications/").json()["count"] == 0
    answer = client_for(people.specialist).post(f"/api/v1/notifications/{hidden.pk}/read/")
    assert answer.status_code == 404
    # The other assignee keeps the default: shown, and e-mailed at once.
    assert [m.to for m in mail.outbox] == [["cv2_tu@example.vn"]]


def test_reminders_follow_the_choices(
    people: Any, incoming: Callable[..., Document], settings: Any
) -> None:
    from vanthu.core import workdays

    settings.VANTHU_NOTIFY_EMAIL = True
    day = workdays.add_working_days(timezone.localdate(), 10)
    for symbol, lead in (("01-CV/A", people.specialist), ("02-CV/B", people.other_specialist)):
        document = incoming(number_symbol=symbol)
        services.present(actor=people.clerk, document=document, leader=people.leader)
        services.assign(actor=people.leader, document=document, lead=lead, deadline=day)
    choose(people.specialist, Kind.DUE_SOON, in_app=False, email=EmailMode.NONE)
    choose(people.other_specialist, Kind.DUE_SOON, in_app=True, email=EmailMode.DAILY)
    mail.outbox.clear()
    notify.reminders_for(day)
    assert not Notification.objects.filter(recipient=people.specialist, kind="due_soon").exists()
    kept = Notification.objects.get(recipient=people.other_specialist, kind="due_soon")
    assert kept.shown is True and kept.emailed_at is None
    assert mail.outbox == []  # daily: waits for the digest


# --- the daily digest -----------------------------------------------------------------------


def run_digest(day: datetime.date | str) -> Job:
    job = jobs.enqueue(DIGEST_KIND, {"day": str(day)})
    jobs.run_pending()
    job.refresh_from_db()
    return job


def test_the_digest_sends_one_e_mail_per_user_with_the_days_chosen_kinds(
    people: Any, incoming: Callable[..., Document], settings: Any
) -> None:
    settings.VANTHU_NOTIFY_EMAIL = True
    settings.VANTHU_BASE_URL = "https://vanthu.example.vn/"
    day = timezone.localdate() - datetime.timedelta(days=1)
    choose(people.specialist, Kind.ASSIGNED, in_app=True, email=EmailMode.DAILY)
    choose(people.specialist, Kind.OVERDUE, in_app=False, email=EmailMode.DAILY)
    choose(people.other_specialist, Kind.ASSIGNED, in_app=True, email=EmailMode.DAILY)
    noon = local_noon(day)
    a = note(people.specialist, Kind.ASSIGNED, "Được giao chủ trì: 01-CV", noon)
    b = note(people.specialist, Kind.OVERDUE, "Quá hạn 2 ngày làm việc: 02-CV", noon)
    immediate = note(people.specialist, Kind.PRESENTED, "Trình: 03-CV", noon)
    other_day = note(
        people.specialist, Kind.ASSIGNED, "hôm khác", noon - datetime.timedelta(days=1)
    )
    c = note(people.other_specialist, Kind.ASSIGNED, "Được giao phối hợp: 04-CV", noon)
    note(people.leader, Kind.ASSIGNED, "lãnh đạo: mặc định gửi ngay", noon)

    job = run_digest(day)
    assert job.status == JobStatus.DONE, job.error
    assert job.result == {"day": day.isoformat(), "users": 2, "notifications": 3}
    assert sorted(m.to[0] for m in mail.outbox) == ["cv2_tu@example.vn", "cv_tu@example.vn"]
    mine = next(m for m in mail.outbox if m.to == ["cv_tu@example.vn"])
    assert day.strftime("%d/%m/%Y") in mine.subject
    assert "Được giao chủ trì: 01-CV" in mine.body and "Quá hạn 2 ngày" in mine.body
    assert "https://vanthu.example.vn/van-ban/den/1/" in mine.body
    assert "Trình: 03-CV" not in mine.body and "hôm khác" not in mine.body
    for n in (a, b, c):
        n.refresh_from_db()
        assert n.emailed_at is not None
    for n in (immediate, other_day):
        n.refresh_from_db()
        assert n.emailed_at is None

    # Idempotent: the same day again sends nothing.
    mail.outbox.clear()
    again = run_digest(day)
    assert again.result == {"day": day.isoformat(), "users": 0, "notifications": 0}
    assert mail.outbox == []


def test_the_digest_never_carries_a_classified_summary(
    people: Any,
    incoming: Callable[..., Document],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.VANTHU_NOTIFY_EMAIL = True
    choose(people.specialist, Kind.ASSIGNED, in_app=True, email=EmailMode.DAILY)
    document = incoming(secrecy="secret", summary=SECRET_SUMMARY, number_symbol="05-KH/BCA")
    services.present(actor=people.clerk, document=document, leader=people.leader)
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(actor=people.leader, document=document, lead=people.specialist)
    mail.outbox.clear()
    result = notify.send_digests(timezone.localdate())
    assert result == {"users": 1, "notifications": 1}
    [message] = mail.outbox
    assert "Văn bản mật 05-KH/BCA" in message.body
    assert "K25" not in message.subject + message.body
    assert "bảo vệ" not in message.body


def test_the_digest_sends_nothing_when_e_mail_is_off_and_a_bad_day_fails_the_job(
    people: Any,
) -> None:
    day = timezone.localdate()
    choose(people.specialist, Kind.ASSIGNED, in_app=True, email=EmailMode.DAILY)
    note(people.specialist, Kind.ASSIGNED, "x", local_noon(day))
    assert notify.send_digests(day)["skipped_email_off"] == 1
    assert mail.outbox == []
    bad = run_digest("31/02/2026")
    assert bad.status == JobStatus.FAILED
    assert Notification.objects.get().emailed_at is None


def test_the_beat_task_enqueues_yesterdays_digest_once() -> None:
    daily_digest()
    daily_digest()
    live = Job.objects.filter(kind=DIGEST_KIND)
    assert live.count() == 1
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert live.get().payload == {"day": yesterday.isoformat()}


# --- web ------------------------------------------------------------------------------------


@pytest.fixture
def web(people: Any, settings: Any) -> Client:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    client = Client()
    client.force_login(people.specialist)
    return client


def test_the_page_is_reachable_from_the_list_and_saves(web: Client, people: Any) -> None:
    listing = web.get("/thong-bao/").content.decode()
    assert 'href="/thong-bao/cai-dat/"' in listing and "Cài đặt thông báo" in listing
    page = web.get("/thong-bao/cai-dat/").content.decode()
    assert "Hiện trong ứng dụng" in page and "Tổng hợp hằng ngày" in page
    assert "Sắp đến hạn" in page
    form = {f"in_app_{k}": "on" for k in Kind.values}
    form.update({f"email_{k}": "immediate" for k in Kind.values})
    del form["in_app_delivered"]
    form["email_overdue"] = "daily"
    answer = web.post("/thong-bao/cai-dat/", form, follow=True)
    assert answer.status_code == 200
    assert "Đã lưu cài đặt thông báo." in answer.content.decode()
    assert Preference.objects.get(user=people.specialist, kind="overdue").email == "daily"
    assert Preference.objects.get(user=people.specialist, kind="delivered").in_app is False


def test_a_bad_form_comes_back_with_the_message_and_stores_nothing(
    web: Client, people: Any
) -> None:
    form = {f"email_{k}": "none" for k in Kind.values}
    form["email_overdue"] = "hourly"
    answer = web.post("/thong-bao/cai-dat/", form)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Chưa lưu" in page and "Cách gửi e-mail phải là" in page
    assert not Preference.objects.exists()
