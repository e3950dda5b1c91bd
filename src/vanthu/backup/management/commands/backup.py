"""``vanthu backup DEST [--full|--incremental]`` (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.backup.parts import BackupError
from vanthu.backup.services import make_backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và kho tệp vào DEST (đầy đủ hoặc gia tăng); khóa không kèm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", help="thư mục chứa các bản sao lưu (một bộ sao lưu)")
        kind = parser.add_mutually_exclusive_group()
        kind.add_argument("--full", action="store_true", help="sao lưu đầy đủ")
        kind.add_argument(
            "--incremental",
            action="store_true",
            help="chỉ chép các tệp mới kể từ lần đầy đủ gần nhất (mặc định khi đã có bản đầy đủ)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = make_backup(Path(options["dest"]), full=options["full"])
        except BackupError as exc:
            raise CommandError("\n".join(exc.problems), returncode=1) from exc
        kind = "đầy đủ" if result.kind == "full" else "gia tăng"
        if options["incremental"] and result.kind == "full":
            self.stdout.write("Chưa có bản đầy đủ trong DEST: lần này sao lưu đầy đủ.")
        self.stdout.write(
            f"Đã sao lưu ({kind}) vào {result.run}: {result.blobs_copied} tệp mới "
            f"({result.bytes_copied} byte), {result.blobs_skipped} tệp đã có ở lần trước."
        )
        if result.problems:
            for line in result.problems:
                self.stderr.write(f"LỖI: {line}")
            raise CommandError(
                f"Bản sao lưu hoàn tất nhưng có {len(result.problems)} vấn đề: chạy vanthu verify.",
                returncode=1,
            )
