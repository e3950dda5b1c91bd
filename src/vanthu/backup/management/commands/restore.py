"""``vanthu restore SRC``: into an empty installation, then the checks of ``vanthu verify``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.audit.integrity import check_everything
from vanthu.backup.parts import BackupError
from vanthu.backup.services import restore_backup


class Command(BaseCommand):
    help = "Khôi phục một bản sao lưu vào cài đặt trống, rồi kiểm tra toàn vẹn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("src", help="một bản sao lưu, hoặc thư mục bộ sao lưu (bản mới nhất)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checked = restore_backup(Path(options["src"]))
        except BackupError as exc:
            for line in exc.problems:
                self.stderr.write(f"TỪ CHỐI: {line}")
            raise CommandError("Không khôi phục: không có gì bị thay đổi.", returncode=1) from exc
        self.stdout.write(
            f"Đã khôi phục {checked.run.name}: {len(checked.blobs)} tệp, cơ sở dữ liệu "
            f"{checked.manifest['vendor']}."
        )
        report = check_everything()
        for line in report.lines():
            (self.stderr if line.startswith(("HỎNG", "LỖI")) else self.stdout).write(line)
        if report.problems:
            raise CommandError(
                f"Khôi phục xong nhưng kiểm tra thấy {len(report.problems)} vấn đề.", returncode=1
            )
        self.stdout.write("Kiểm tra sau khôi phục: không có vấn đề.")
