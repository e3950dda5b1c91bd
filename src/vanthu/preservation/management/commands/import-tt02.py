"""``vanthu import-tt02 PATH --organization CODE --user NAME`` (.xlsx or .xml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.orgs.models import Organization, User
from vanthu.preservation.package import PackageError
from vanthu.preservation.tt02 import import_lists


class Command(BaseCommand):
    help = "Nhập danh mục hồ sơ và văn bản theo trường thông tin TT 02/2019 (Excel hoặc XML)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--organization", required=True, help="mã tổ chức nhận hồ sơ")
        parser.add_argument("--user", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng {options['user']!r}.")
        org = Organization.objects.filter(code=options["organization"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã {options['organization']!r}.")
        try:
            report = import_lists(path=Path(options["path"]), organization=org, actor=user)
        except PackageError as exc:
            for line in exc.problems:
                self.stderr.write(f"TỪ CHỐI: {line}")
            raise CommandError("Không nhập: không có gì được lưu.", returncode=1) from exc
        self.stdout.write(
            f"Đã nhập {len(report.dossiers)} hồ sơ, {report.documents} văn bản vào {org.code}."
        )
