"""Working days (ngày làm việc) in Việt Nam: deadlines count these, not calendar days.

A day is a working day unless it is a Saturday or Sunday, a public holiday, or an extra day off;
a make-up working day (làm bù, usually a Saturday) is a working day all the same. Sources, in
order of precedence:

1. ``core.CalendarDay`` rows (admin-editable): the swaps the government announces each year and
   an office's own days. A row wins over everything else.
2. The ``holidays`` package, country VN (Bộ luật Lao động 2019 Điều 112): Tết Dương lịch, Tết
   Nguyên đán and Giỗ Tổ Hùng Vương by the lunar calendar, 30/4, 1/5, Quốc khánh, their
   compensatory days, and the make-up Saturdays it knows of.
3. Saturday and Sunday off.

Counting never walks day by day over long ranges: weekdays are counted by arithmetic, then the
holidays and make-up days of each year in range are added or removed by bisection.
"""

from __future__ import annotations

import bisect
import datetime
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

import holidays

# add_working_days refuses more than this: ten years of deadlines is a typing mistake.
MAX_DAYS = 2500
# A CalendarDay edited in another process is seen within this many seconds.
CACHE_SECONDS = 60.0

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class _Year:
    # Sorted weekdays (Mon–Fri) that are days off, and weekend days that are working days.
    off_weekdays: tuple[datetime.date, ...]
    working_weekends: tuple[datetime.date, ...]
    names: dict[datetime.date, str]


@lru_cache(maxsize=512)
def _public(year: int) -> tuple[dict[datetime.date, str], frozenset[datetime.date]]:
    """Public holidays (Vietnamese names) and make-up weekend days of ``year``, from the package."""
    vn = holidays.country_holidays("VN", years=year, language="vi")
    days = {d: str(name) for d, name in vn.items() if d.year == year}
    workdays = frozenset(d for d in vn.weekend_workdays if d.year == year)
    return days, workdays


class _Exceptions:
    """The CalendarDay rows, cached per process and refreshed every CACHE_SECONDS."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loaded_at = -CACHE_SECONDS
        self.rows: dict[datetime.date, tuple[str, str]] = {}
        self.years: dict[int, _Year] = {}

    def clear(self) -> None:
        with self.lock:
            self.loaded_at = -CACHE_SECONDS
            self.years = {}

    def _fresh(self) -> None:
        now = time.monotonic()
        if now - self.loaded_at < CACHE_SECONDS:
            return
        from vanthu.core.models import CalendarDay

        rows = {
            d: (kind, name)
            for d, kind, name in CalendarDay.objects.values_list("date", "kind", "name")
        }
        with self.lock:
            self.rows = rows
            self.years = {}
            self.loaded_at = now

    def year(self, year: int) -> _Year:
        self._fresh()
        cached = self.years.get(year)
        if cached is not None:
            return cached
        from vanthu.core.models import CalendarDay

        public, makeup = _public(year)
        names = dict(public)
        off = {d for d in public if d.weekday() < 5}
        working = {d for d in makeup}
        for d, (kind, name) in self.rows.items():
            if d.year != year:
                continue
            off.discard(d)
            working.discard(d)
            names[d] = name
            if kind == CalendarDay.Kind.DAY_OFF and d.weekday() < 5:
                off.add(d)
            elif kind == CalendarDay.Kind.WORKING_DAY and d.weekday() >= 5:
                working.add(d)
            elif kind == CalendarDay.Kind.WORKING_DAY:
                names.pop(d, None)  # a weekday declared working: no holiday name left
        built = _Year(tuple(sorted(off)), tuple(sorted(working)), names)
        with self.lock:
            self.years[year] = built
        return built


_exceptions = _Exceptions()


def clear_cache() -> None:
    """Forget cached CalendarDay rows (called after every change to them)."""
    _exceptions.clear()


def is_working_day(day: datetime.date) -> bool:
    y = _exceptions.year(day.year)
    if day.weekday() >= 5:
        i = bisect.bisect_left(y.working_weekends, day)
        return i < len(y.working_weekends) and y.working_weekends[i] == day
    i = bisect.bisect_left(y.off_weekdays, day)
    return not (i < len(y.off_weekdays) and y.off_weekdays[i] == day)


def day_name(day: datetime.date) -> str:
    """The holiday's Vietnamese name, the CalendarDay's name, or ""."""
    return _exceptions.year(day.year).names.get(day, "")


def next_working_day(day: datetime.date) -> datetime.date:
    """The first working day strictly after ``day``."""
    return add_working_days(day, 1)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``start`` ("trong N ngày làm việc").

    ``days == 0`` is ``start`` itself when it is a working day, else the next working day.
    """
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError("days must be an int")
    if days < 0:
        raise ValueError("days must not be negative")
    if days > MAX_DAYS:
        raise ValueError(f"days must be at most {MAX_DAYS}")
    day = start
    if days == 0:
        while not is_working_day(day):
            day += ONE_DAY
        return day
    left = days
    while left:
        day += ONE_DAY
        if is_working_day(day):
            left -= 1
    return day


def _weekdays_upto(day: datetime.date) -> int:
    """How many Mondays–Fridays lie in [0001-01-01, day] (0001-01-01 is a Monday)."""
    n = day.toordinal()  # 1 for 0001-01-01
    weeks, rest = divmod(n, 7)
    return weeks * 5 + min(rest, 5)


def _count_in(items: tuple[datetime.date, ...], lo: datetime.date, hi: datetime.date) -> int:
    """How many of the sorted ``items`` lie in (lo, hi]."""
    return bisect.bisect_right(items, hi) - bisect.bisect_right(items, lo)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]; negative when ``end`` is before ``start``.

    "Còn 2 ngày": ``working_days_between(today, deadline) == 2``; "quá hạn 3 ngày làm việc":
    ``working_days_between(deadline, today) == 3``.
    """
    if end < start:
        return -working_days_between(end, start)
    count = _weekdays_upto(end) - _weekdays_upto(start)
    for year in range(start.year, end.year + 1):
        y = _exceptions.year(year)
        count -= _count_in(y.off_weekdays, start, end)
        count += _count_in(y.working_weekends, start, end)
    return count
