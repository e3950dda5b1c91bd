"""``vanthu verify``: the audit hash chains, the signed daily digests, the stored files and the
references between rows and files (vanthu.audit.integrity).

Exit code 0 when everything holds, 1 when anything is wrong; the report says exactly what.
Blobs no row refers to are warnings (a crash between writing a blob and committing leaves one),
problems only with ``--strict``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.audit.integrity import PARTS, check_everything


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn: chuỗi băm nhật ký, bản tóm tắt đã ký, các tệp lưu trữ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", choices=PARTS, help="chỉ kiểm tra một phần")
        parser.add_argument(
            "--sample", type=float, help="chỉ đọc lại tỉ lệ này của các tệp, trong (0, 1]"
        )
        parser.add_argument("--organization", help="mã tổ chức: chỉ tệp của tổ chức này trở xuống")
        parser.add_argument(
            "--strict", action="store_true", help="coi tệp không được tham chiếu là lỗi"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = None
        if options["organization"]:
            from vanthu.orgs.models import Organization

            organization = Organization.objects.filter(code=options["organization"]).first()
            if organization is None:
                raise CommandError(f"Không có tổ chức mã {options['organization']!r}.")
        sample = options["sample"]
        if sample is not None and not 0 < sample <= 1:
            raise CommandError("--sample phải nằm trong (0, 1], ví dụ 0.05.")
        report = check_everything(only=options["only"], sample=sample, organization=organization)
        for line in report.notes:
            self.stdout.write(line)
        for line in report.warnings:
            (self.stderr if options["strict"] else self.stdout).write(f"CẢNH BÁO: {line}")
        for line in report.problems:
            self.stderr.write(line)
        problems = len(report.problems) + (len(report.warnings) if options["strict"] else 0)
        if problems:
            raise CommandError(f"Phát hiện {problems} vấn đề về toàn vẹn.", returncode=1)
        self.stdout.write("Kiểm tra hoàn tất: không có vấn đề.")
