"""``vanthu import-package PATH --organization CODE --user NAME``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.orgs.models import Organization, User
from vanthu.preservation.package import PackageError
from vanthu.preservation.package.importer import import_package


class Command(BaseCommand):
    help = "Nhập gói thông tin (BagIt + E-ARK CSIP) vào một tổ chức, sau khi kiểm tra mã băm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--organization", required=True, help="mã tổ chức nhận")
        parser.add_argument("--user", required=True, help="người nhập (người lập hồ sơ)")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(code=options["organization"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã {options['organization']!r}.")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng {options['user']!r}.")
        try:
            report = import_package(path=Path(options["path"]), organization=org, actor=user)
        except PackageError as exc:
            for line in exc.problems:
                self.stderr.write(f"TỪ CHỐI: {line}")
            raise CommandError("Gói bị từ chối; không có gì được ghi.", returncode=1) from exc
        self.stdout.write(
            f"Đã nhập {len(report.dossiers)} hồ sơ, {report.documents} văn bản, {report.files} tệp."
        )
