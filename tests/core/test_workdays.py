"""Working days: weekends, Vietnamese public holidays (lunar Tết and Giỗ Tổ Hùng Vương), the
government's swaps, and the admin's own exceptions (vanthu.core.workdays)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from typing import Any

import pytest

from vanthu.audit.models import Event
from vanthu.core import workdays
from vanthu.core.models import CalendarDay
from vanthu.core.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date

# The calendar reads the admin's CalendarDay rows.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    # CalendarDay rows of one test must not stay in the process cache for the next.
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def days(first: D, last: D) -> list[D]:
    return [first + datetime.timedelta(n) for n in range((last - first).days + 1)]


def weekdays_off(year: int) -> list[D]:
    """Every Monday–Friday of ``year`` that is not a working day."""
    return [
        d for d in days(D(year, 1, 1), D(year, 12, 31)) if d.weekday() < 5 and not is_working_day(d)
    ]


# Official announcements (Bộ LĐTB&XH / Bộ Nội vụ notices for each year; domain rule in
# Bộ luật Lao động 2019 Điều 112): the weekdays off.
OFFICIAL_2025 = [
    D(2025, 1, 1),  # Tết Dương lịch
    # Tết Ất Tỵ: 25/01 (Sat) – 02/02/2025 (Sun); mùng 1 = 29/01
    D(2025, 1, 27), D(2025, 1, 28), D(2025, 1, 29), D(2025, 1, 30), D(2025, 1, 31),
    D(2025, 4, 7),  # Giỗ Tổ Hùng Vương, 10/3 âm lịch
    D(2025, 4, 30), D(2025, 5, 1),
    D(2025, 5, 2),  # nghỉ bù, làm bù thứ Bảy 26/4/2025
    D(2025, 9, 1), D(2025, 9, 2),  # Quốc khánh
]  # fmt: skip


def test_2025_weekdays_off_are_exactly_the_official_ones() -> None:
    assert weekdays_off(2025) == OFFICIAL_2025


def test_2025_make_up_saturday_is_a_working_day() -> None:
    assert is_working_day(D(2025, 4, 26))  # Saturday, làm bù for Friday 2/5
    assert not is_working_day(D(2025, 4, 19))  # an ordinary Saturday


def test_2026_tet_and_hung_kings_follow_the_lunar_calendar() -> None:
    # Tết Bính Ngọ: mùng 1 = Tuesday 17/02/2026; off Saturday 14/02 to Sunday 22/02.
    assert [d for d in days(D(2026, 2, 14), D(2026, 2, 22)) if is_working_day(d)] == []
    assert is_working_day(D(2026, 2, 13)) and is_working_day(D(2026, 2, 23))
    # Giỗ Tổ: 10/3 âm lịch = Sunday 26/04/2026, so Monday 27/04 is the day off in lieu.
    assert not is_working_day(D(2026, 4, 27))
    assert is_working_day(D(2026, 4, 28))
    assert not is_working_day(D(2026, 4, 30)) and not is_working_day(D(2026, 5, 1))
    assert not is_working_day(D(2026, 9, 1)) and not is_working_day(D(2026, 9, 2))
    assert not is_working_day(D(2026, 1, 1))


def test_2027_tet_and_hung_kings() -> None:
    # Tết Đinh Mùi: mùng 1 = Saturday 06/02/2027; Giỗ Tổ 10/3 âm lịch = Friday 16/04/2027.
    for d in (D(2027, 2, 4), D(2027, 2, 5), D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10)):
        assert not is_working_day(d), d
    assert is_working_day(D(2027, 2, 3)) and is_working_day(D(2027, 2, 11))
    assert not is_working_day(D(2027, 4, 16))
    assert not is_working_day(D(2027, 5, 3))  # 1/5 is a Saturday: Monday off in lieu
    assert not is_working_day(D(2027, 9, 2))


def test_holidays_have_vietnamese_names() -> None:
    assert "Hùng Vương" in workdays.day_name(D(2025, 4, 7))
    assert "Tết" in workdays.day_name(D(2026, 2, 17))
    assert workdays.day_name(D(2026, 3, 10)) == ""


def test_add_working_days_jumps_over_tet() -> None:
    # Friday before Tết 2026 + 1 working day = Monday 23/02 (nine days off in between).
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)
    # Tết 2025: Friday 24/01 + 1 = Monday 03/02.
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 3)
    # Over the 2025 swap: Friday 25/04 + 1 = Saturday 26/04 (làm bù).
    assert add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)


def test_add_zero_working_days_is_the_day_itself_or_the_next_working_day() -> None:
    assert add_working_days(D(2026, 3, 10), 0) == D(2026, 3, 10)
    assert add_working_days(D(2026, 2, 15), 0) == D(2026, 2, 23)


def test_working_days_between_matches_counting_day_by_day() -> None:
    rng = random.Random(20260217)
    for _ in range(300):
        a = D(2024, 6, 1) + datetime.timedelta(rng.randrange(0, 1300))
        b = a + datetime.timedelta(rng.randrange(-400, 400))
        lo, hi = min(a, b), max(a, b)
        expected = sum(1 for d in days(lo, hi)[1:] if is_working_day(d))
        assert working_days_between(a, b) == (expected if b >= a else -expected), (a, b)


def test_working_days_between_and_add_are_inverse() -> None:
    start = D(2025, 12, 19)  # a Friday (a working day: 0 days is the day itself)
    for n in range(0, 80, 7):
        end = add_working_days(start, n)
        assert working_days_between(start, end) == n


@pytest.mark.parametrize(
    ("value", "error"),
    [(-1, ValueError), (workdays.MAX_DAYS + 1, ValueError), (1.5, TypeError), (True, TypeError)],
)
def test_add_working_days_refuses_bad_counts(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        add_working_days(D(2026, 3, 2), value)


def test_calendar_exceptions_override_the_package(db: Any) -> None:
    monday = D(2026, 3, 9)
    saturday = D(2026, 3, 14)
    holiday = D(2026, 4, 27)
    assert is_working_day(monday) and not is_working_day(saturday)
    CalendarDay.objects.create(date=monday, kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù")
    CalendarDay.objects.create(date=saturday, kind=CalendarDay.Kind.WORKING_DAY, name="Làm bù")
    CalendarDay.objects.create(date=holiday, kind=CalendarDay.Kind.WORKING_DAY, name="Trực")
    workdays.clear_cache()
    assert not is_working_day(monday)
    assert is_working_day(saturday)
    assert is_working_day(holiday)
    assert workdays.day_name(monday) == "Nghỉ bù"
    # Friday 06/03 + 1 skips the Monday off; the Saturday counts.
    assert add_working_days(D(2026, 3, 13), 1) == saturday
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 10)
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 16)) == 6


def test_admin_edit_of_a_calendar_day_is_audited_and_seen_at_once(
    client: Any, make_user: Any
) -> None:
    admin = make_user(username="qt", is_staff=True, is_superuser=True)
    client.force_login(admin)
    monday = D(2026, 3, 16)
    assert is_working_day(monday)  # cached now
    answer = client.post(
        "/admin/core/calendarday/add/",
        {"date": "2026-03-16", "kind": "day_off", "name": "Nghỉ bầu cử", "basis": "CV 1/BNV"},
    )
    assert answer.status_code == 302, answer.content[:2000]
    assert not is_working_day(monday)
    assert Event.objects.filter(action="core.calendar_day.save").count() == 1


def test_admin_refuses_an_unknown_kind_and_stores_nothing(client: Any, make_user: Any) -> None:
    client.force_login(make_user(username="qt2", is_staff=True, is_superuser=True))
    answer = client.post(
        "/admin/core/calendarday/add/", {"date": "2026-03-16", "kind": "holiday", "name": "x"}
    )
    assert answer.status_code == 200
    assert not CalendarDay.objects.exists()
    assert not Event.objects.filter(action="core.calendar_day.save").exists()
