"""vanthu import-scans DIR --organization CODE --user USERNAME [--split blank|file]"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.capture.batches import Progress, create_batch, run_batch
from vanthu.capture.models import ScanBatch, ScanItem
from vanthu.capture.services import _message
from vanthu.orgs.models import Organization, User


class Command(BaseCommand):
    help = (
        "Nhập một thư mục bản quét (PDF/TIFF/JPEG/PNG) thành các văn bản chờ vào sổ. "
        "Chạy lại được sau khi bị ngắt: không tạo trùng văn bản."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory")
        parser.add_argument("--organization", required=True, help="mã tổ chức")
        parser.add_argument("--user", required=True, help="tên đăng nhập của văn thư")
        parser.add_argument("--split", choices=ScanBatch.Split.values, default="file")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["directory"]).resolve()
        org = Organization.objects.filter(code=options["organization"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã {options['organization']}.")
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng {options['user']}.")
        # Re-running the same folder resumes its unfinished batch.
        batch = (
            ScanBatch.objects.filter(
                organization=org, source=ScanBatch.Source.FOLDER, source_path=str(folder)
            )
            .exclude(status=ScanBatch.Status.DONE)
            .order_by("-pk")
            .first()
        )
        try:
            if batch is None:
                batch = create_batch(
                    actor=user,
                    organization=org,
                    source=ScanBatch.Source.FOLDER,
                    source_path=folder,
                    split=options["split"],
                )
            elif batch.paused:
                ScanBatch.objects.filter(pk=batch.pk).update(
                    paused=False, status=ScanBatch.Status.WAITING
                )
        except ValidationError as exc:
            raise CommandError(_message(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "Người dùng không phải văn thư của tổ chức.") from exc
        self.stdout.write(f"Lô quét {batch.pk}: {folder}")
        batch = run_batch(batch_id=batch.pk, progress=self._show)
        self.stdout.write("")
        made = batch.items.filter(status=ScanItem.Status.DONE).count()
        self.stdout.write(f"Xong: {made} văn bản chờ vào sổ trong lô {batch.pk}.")
        for item in batch.items.filter(status=ScanItem.Status.FAILED):
            self.stdout.write(f"  Lỗi {item.source_name}: {item.error}")

    def _show(self, p: Progress) -> None:
        left = (
            "?" if p.seconds_left is None else str(datetime.timedelta(seconds=int(p.seconds_left)))
        )
        line = (
            f"\r{p.pages_done}/{p.pages_total} trang, {p.rate:.2f} trang/giây, "
            f"còn {left} {p.current[:40]}"
        )
        self.stdout.write(line.ljust(100), ending="")
        self.stdout.flush()
