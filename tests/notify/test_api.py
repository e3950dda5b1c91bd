"""GET /api/v1/notifications/ (own only), POST …/{id}/read/, POST …/read-all/."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from vanthu.notify.models import Kind, Notification
from vanthu.orgs.models import User

pytestmark = pytest.mark.django_db


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def note(user: User, text: str, **fields: Any) -> Notification:
    return Notification.objects.create(recipient=user, kind=Kind.ASSIGNED, text=text, **fields)


def test_a_user_lists_only_their_own_notifications_newest_first(
    people: Any, django_assert_max_num_queries: Any
) -> None:
    first = note(people.specialist, "Được giao chủ trì: 01-CV")
    second = note(people.specialist, "Được giao phối hợp: 02-CV")
    note(people.other_specialist, "Thông báo của người khác")
    client = client_for(people.specialist)
    with django_assert_max_num_queries(4):
        answer = client.get("/api/v1/notifications/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 2
    assert [r["id"] for r in body["results"]] == [second.pk, first.pk]
    assert body["results"][0]["kind"] == "assigned"
    assert body["results"][0]["is_read"] is False
    assert "người khác" not in answer.content.decode()


def test_unread_filter(people: Any) -> None:
    note(people.specialist, "đã đọc", read_at=timezone.now())
    unread = note(people.specialist, "chưa đọc")
    body = client_for(people.specialist).get("/api/v1/notifications/?unread=true").json()
    assert [r["id"] for r in body["results"]] == [unread.pk]


def test_marking_one_read(people: Any) -> None:
    mine = note(people.specialist, "x")
    answer = client_for(people.specialist).post(f"/api/v1/notifications/{mine.pk}/read/")
    assert answer.status_code == 200
    assert answer.json()["is_read"] is True
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_marking_someone_elses_notification_is_404_and_changes_nothing(people: Any) -> None:
    theirs = note(people.other_specialist, "riêng tư")
    answer = client_for(people.specialist).post(f"/api/v1/notifications/{theirs.pk}/read/")
    assert answer.status_code == 404
    assert "riêng tư" not in answer.content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    missing = client_for(people.specialist).post("/api/v1/notifications/999999/read/")
    assert missing.status_code == 404


def test_read_all_marks_only_ones_own(people: Any) -> None:
    note(people.specialist, "a")
    note(people.specialist, "b")
    note(people.specialist, "c", read_at=timezone.now())
    theirs = note(people.other_specialist, "d")
    answer = client_for(people.specialist).post("/api/v1/notifications/read-all/")
    assert answer.status_code == 200
    assert answer.json() == {"marked": 2}
    assert not Notification.objects.filter(recipient=people.specialist, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_is_refused(people: Any) -> None:
    note(people.specialist, "x")
    client = APIClient()
    assert client.get("/api/v1/notifications/").status_code == 401
    assert client.post("/api/v1/notifications/read-all/").status_code == 401
    assert Notification.objects.filter(read_at=None).count() == 1


def test_get_is_not_allowed_on_the_write_calls(people: Any) -> None:
    mine = note(people.specialist, "x")
    client = client_for(people.specialist)
    assert client.get("/api/v1/notifications/read-all/").status_code == 405
    assert client.get(f"/api/v1/notifications/{mine.pk}/read/").status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None
