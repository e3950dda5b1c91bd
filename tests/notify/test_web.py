"""/thong-bao/ and the header's bell (an htmx fragment, so no page waits for it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from vanthu.notify.models import Kind, Notification
from vanthu.orgs.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp(settings: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def note(user: User, text: str, **fields: Any) -> Notification:
    return Notification.objects.create(recipient=user, kind=Kind.ASSIGNED, text=text, **fields)


def test_every_page_loads_the_bell_after_the_page(people: Any) -> None:
    page = client_for(people.specialist).get("/van-ban/cua-toi/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-get="/thong-bao/chuong/"' in html
    assert 'href="/thong-bao/"' in html


def test_the_bell_counts_only_ones_own_unread(people: Any, django_assert_num_queries: Any) -> None:
    note(people.specialist, "a")
    note(people.specialist, "b")
    note(people.specialist, "c", read_at=timezone.now())
    note(people.other_specialist, "d")
    client = client_for(people.specialist)
    client.get("/thong-bao/chuong/")  # session and user loaded once
    with django_assert_num_queries(3):  # session, user, one COUNT
        bell = client.get("/thong-bao/chuong/")
    assert bell.status_code == 200
    assert "app-bell-count" in bell.content.decode()
    assert ">2<" in bell.content.decode()


def test_the_bell_shows_no_count_when_all_is_read(people: Any) -> None:
    note(people.specialist, "a", read_at=timezone.now())
    bell = client_for(people.specialist).get("/thong-bao/chuong/")
    assert "app-bell-count" not in bell.content.decode()


def test_the_page_lists_own_notifications_in_vietnamese(people: Any) -> None:
    note(people.specialist, "Được giao chủ trì: 01-CV/TU — Về công tác cán bộ")
    note(people.other_specialist, "Của người khác")
    page = client_for(people.specialist).get("/thong-bao/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Về công tác cán bộ" in html
    assert "Của người khác" not in html
    assert "1 chưa đọc" in html
    assert "Đánh dấu tất cả đã đọc" in html
    assert timezone.localtime().strftime("%d/%m/%Y") in html


def test_opening_marks_read_and_goes_to_the_document(people: Any) -> None:
    mine = note(people.specialist, "x", link="/van-ban/den/42/")
    answer = client_for(people.specialist).post(f"/thong-bao/{mine.pk}/")
    assert answer.status_code == 302
    assert answer["Location"] == "/van-ban/den/42/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_opening_someone_elses_is_404(people: Any) -> None:
    theirs = note(people.other_specialist, "x", link="/van-ban/den/1/")
    answer = client_for(people.specialist).post(f"/thong-bao/{theirs.pk}/")
    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_never_redirects_off_site(people: Any) -> None:
    odd = note(people.specialist, "x", link="//evil.example/")
    answer = client_for(people.specialist).post(f"/thong-bao/{odd.pk}/")
    assert answer["Location"] == "/thong-bao/"


def test_read_all_from_the_page(people: Any) -> None:
    note(people.specialist, "a")
    theirs = note(people.other_specialist, "b")
    client = client_for(people.specialist)
    assert client.get("/thong-bao/da-doc/").status_code == 405
    answer = client.post("/thong-bao/da-doc/")
    assert answer.status_code == 302
    assert not Notification.objects.filter(recipient=people.specialist, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_goes_to_login(people: Any) -> None:
    answer = Client().get("/thong-bao/")
    assert answer.status_code == 302
    assert "/dang-nhap/" in answer["Location"]
