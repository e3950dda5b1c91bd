"""Working-day deadlines and notifications (docs/notify.md).

In a fresh SQLite database (a scratch data folder, migrated):

1. The calendar alone: ``add_working_days(d, 20)``, ``working_days_between`` over one year and
   over ten years, ``is_working_day`` — calls per second, holidays and CalendarDay rows cached.
2. The daily reminder job over ``BENCH_DEADLINE_ASSIGNMENTS`` (20,000) open assignments, a
   quarter of them due by the next working day or overdue: the first run (stores the
   reminders) and a second run of the same day (stores nothing: idempotent).
3. The header's bell (``/thong-bao/chuong/``) for a user with ``BENCH_DEADLINE_NOTES`` (10,000)
   notifications, 1,000 unread, and the first page of ``/thong-bao/`` — p50/p95 in-process.

Run: ``.venv/bin/python -m benchmarks bench_deadlines``.
"""

from __future__ import annotations

import datetime
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = int(os.environ.get("BENCH_DEADLINE_ASSIGNMENTS", "20000"))
NOTES = int(os.environ.get("BENCH_DEADLINE_NOTES", "10000"))
REPEAT = int(os.environ.get("BENCH_DEADLINE_REPEAT", "30"))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn: Callable[[], Any], repeat: int = REPEAT) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def ms(values: list[float]) -> str:
    v = [x * 1000 for x in values]
    return f"p50 {pct(v, 50):7.2f} ms   p95 {pct(v, 95):7.2f} ms"


def per_second(fn: Callable[[], Any], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - start)


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="vanthu-bench-deadlines-")
    os.environ["VANTHU_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "vanthu.settings"
    os.environ["VANTHU_OTP_REQUIRED_CLEARANCE"] = "top_secret"
    os.environ.pop("DATABASE_URL", None)
    sys.path[:0] = [str(ROOT / "src")]
    try:
        _run()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _run() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from vanthu.core import workdays
    from vanthu.core.models import CalendarDay
    from vanthu.notify import services as notify
    from vanthu.notify.models import Kind, Notification
    from vanthu.orgs.models import DocumentType, Organization, Position, User
    from vanthu.registry.models import Assignment, Direction, Document, Status

    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cpus, SQLite")
    print(f"date: {datetime.date.today().isoformat()}")

    # 1. the calendar ------------------------------------------------------------------------
    CalendarDay.objects.create(
        date=datetime.date(2026, 3, 9), kind=CalendarDay.Kind.DAY_OFF, name="bench"
    )
    workdays.clear_cache()
    start = datetime.date(2026, 1, 5)
    workdays.add_working_days(start, 20)  # warm the caches (holidays of each year)
    workdays.working_days_between(datetime.date(2020, 1, 1), datetime.date(2030, 1, 1))
    rates = {
        "add_working_days(d, 20)": per_second(lambda: workdays.add_working_days(start, 20), 20000),
        "working_days_between, 1 year": per_second(
            lambda: workdays.working_days_between(start, datetime.date(2027, 1, 5)), 20000
        ),
        "working_days_between, 10 years": per_second(
            lambda: workdays.working_days_between(datetime.date(2020, 1, 1), start), 20000
        ),
        "is_working_day": per_second(lambda: workdays.is_working_day(start), 100000),
    }
    for name, rate in rates.items():
        print(f"  {name:34s} {rate:12,.0f} calls/s")

    # 2. the reminder job --------------------------------------------------------------------
    org = Organization.objects.create(code="TU", name="Thành ủy", symbol="TU", kind="committee")
    org.path = Organization.segment(org.pk)
    org.save(update_fields=["path"])
    people = []
    for i in range(50):
        user = User.objects.create(username=f"cv{i}", full_name=f"Chuyên viên {i}")
        Position.objects.create(user=user, organization=org, role="specialist")
        people.append(user)
    leader = User.objects.create(username="ld", full_name="Lãnh đạo")
    doc_type = DocumentType.objects.get(code="CV")
    day = workdays.add_working_days(timezone.localdate(), 1)
    docs = Document.objects.bulk_create(
        [
            Document(
                direction=Direction.INCOMING,
                organization=org,
                document_type=doc_type,
                summary=f"Văn bản thử số {i}",
                number_symbol=f"{i}-CV/BENCH",
                status=Status.IN_PROGRESS,
            )
            for i in range(ASSIGNMENTS)
        ],
        batch_size=2000,
    )
    rows = []
    for i, document in enumerate(docs):
        # A quarter due or late around ``day``; the rest weeks ahead.
        offset = (i % 8) - 4 if i % 4 == 0 else 20 + i % 30
        rows.append(
            Assignment(
                document=document,
                user=people[i % len(people)],
                role=Assignment.Role.LEAD,
                deadline=day + datetime.timedelta(days=offset),
                assigned_by=leader,
            )
        )
    Assignment.objects.bulk_create(rows, batch_size=2000)
    # The first reverse() loads every app's URL module: once per process, not the job's cost.
    t_urls = time.perf_counter()
    reverse("registry:incoming-detail", args=[1])
    print(f"  (URL configuration loaded once: {time.perf_counter() - t_urls:.2f} s)")
    t0 = time.perf_counter()
    first = notify.reminders_for(day)
    t1 = time.perf_counter()
    second = notify.reminders_for(day)
    t2 = time.perf_counter()
    print(f"  reminders over {ASSIGNMENTS:,} open assignments, first run: {t1 - t0:6.2f} s {first}")
    print(f"  same day again (idempotent):                 {t2 - t1:6.2f} s {second}")

    # 3. the bell and the page ---------------------------------------------------------------
    reader = people[0]
    Notification.objects.filter(recipient=reader).delete()
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=reader,
                kind=Kind.ASSIGNED,
                text=f"Được giao chủ trì: {i}-CV/BENCH — Văn bản thử số {i}",
                link="/van-ban/den/1/",
                created_at=now - datetime.timedelta(minutes=i),
                read_at=None if i < 1000 else now,
            )
            for i in range(NOTES)
        ],
        batch_size=2000,
    )
    client = Client()
    client.force_login(reader)
    assert client.get("/thong-bao/chuong/").status_code == 200
    bell = ms(timed(lambda: client.get("/thong-bao/chuong/")))
    print(f"  bell, {NOTES:,} notifications (1,000 unread): {bell}")
    assert client.get("/thong-bao/").status_code == 200
    page = ms(timed(lambda: client.get("/thong-bao/")))
    print(f"  /thong-bao/ first page (50):                  {page}")


if __name__ == "__main__":
    main()
