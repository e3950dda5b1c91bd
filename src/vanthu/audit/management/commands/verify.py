"""``vanthu verify``: check the audit hash chains (and, as other parts register checks, files).

Exit code 0 when everything holds, 1 when anything is wrong; the report says exactly what.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.audit.verify import verify_all


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn: chuỗi băm nhật ký và các tệp lưu trữ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", choices=["audit", "files"], help="chỉ kiểm tra một phần")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = 0
        if options["only"] in (None, "audit"):
            breaks = verify_all()
            for b in breaks:
                self.stderr.write(f"NHẬT KÝ HỎNG: {b}")
            problems += len(breaks)
            if not breaks:
                self.stdout.write("Nhật ký: mọi chuỗi băm đều toàn vẹn.")
        if options["only"] in (None, "files"):
            problems += self._files()
        if problems:
            raise CommandError(f"Phát hiện {problems} vấn đề về toàn vẹn.", returncode=1)
        self.stdout.write("Kiểm tra hoàn tất: không có vấn đề.")

    def _files(self) -> int:
        try:
            from vanthu.registry.integrity import verify_files
        except ImportError:
            return 0
        problems = 0
        for line in verify_files():
            self.stderr.write(f"TỆP HỎNG: {line}")
            problems += 1
        if not problems:
            self.stdout.write("Tệp: mọi tệp khớp mã băm SHA-256.")
        return problems
