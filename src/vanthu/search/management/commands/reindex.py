"""``vanthu reindex [--batch N] [--start-after ID]``: rebuild the search index incrementally."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vanthu.search import indexing


class Command(BaseCommand):
    help = "Xây dựng lại chỉ mục tra cứu theo từng lô (rebuild the search index in batches)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="documents per batch")
        parser.add_argument(
            "--start-after", type=int, default=0, help="resume after this document id"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch = options["batch"]
        if batch < 1:
            self.stderr.write("--batch phải lớn hơn 0.")
            sys.exit(2)
        started = time.monotonic()

        def progress(done: int, total: int, last: int) -> None:
            percent = 100 * done // total if total else 100
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(
                f"\rĐã lập chỉ mục {done}/{total} văn bản ({percent}%), "
                f"{rate:.0f} văn bản/giây, id cuối {last}",
                ending="",
            )
            self.stdout.flush()

        done = indexing.reindex(batch=batch, start_after=options["start_after"], progress=progress)
        self.stdout.write(f"\nXong: {done} văn bản trong {time.monotonic() - started:.1f} giây.")
