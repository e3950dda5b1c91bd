"""``vanthu rebuild-counts [--check]``: recompute the dashboard's counts from the documents."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vanthu.reports import summary


class Command(BaseCommand):
    help = (
        "Tính lại số liệu thống kê của bảng tin từ các văn bản "
        "(recompute the dashboard's counts from the documents)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="only compare the kept counts with the documents; exit 1 if they differ",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["check"]:
            kept, wanted = summary.counts(), summary.expected()
            wrong = sorted(k for k in kept.keys() | wanted.keys() if kept.get(k) != wanted.get(k))
            if wrong:
                self.stderr.write(
                    f"Số liệu bảng tin lệch ở {len(wrong)} ô so với văn bản; "
                    "chạy `vanthu rebuild-counts` để tính lại."
                )
                sys.exit(1)
            self.stdout.write(f"Số liệu bảng tin khớp với văn bản ({len(kept)} ô).")
            return

        def progress(done: int) -> None:
            self.stdout.write(f"\rĐã tính {done} văn bản", ending="")
            self.stdout.flush()

        done = summary.rebuild(progress=progress)
        self.stdout.write(f"\nXong: {done} văn bản trong {time.monotonic() - started:.1f} giây.")
