"""``vanthu export-package --dossier ID [--dossier ID …] --user NAME OUT``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from vanthu.orgs.models import User
from vanthu.preservation.package import PackageError
from vanthu.preservation.package.export import export_dossiers


class Command(BaseCommand):
    help = "Xuất hồ sơ thành gói thông tin E-ARK CSIP (TT 05/2025) bọc trong BagIt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="thư mục gói sẽ tạo (chưa được tồn tại)")
        parser.add_argument("--dossier", type=int, action="append", required=True)
        parser.add_argument("--user", required=True, help="người xuất: quyền xem được áp dụng")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng {options['user']!r}.")
        try:
            out = export_dossiers(
                actor=user, dossier_ids=options["dossier"], out=Path(options["out"])
            )
        except Http404 as exc:
            raise CommandError("Không tìm thấy hồ sơ (hoặc bạn không được xem).") from exc
        except PackageError as exc:
            raise CommandError("\n".join(exc.problems)) from exc
        self.stdout.write(f"Đã xuất gói: {out}")
