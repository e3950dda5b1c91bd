"""``vanthu export-tt02 --dossier ID [--dossier ID …] --user NAME [--format xlsx|xml] OUT``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from vanthu.orgs.models import User
from vanthu.preservation.package import PackageError
from vanthu.preservation.tt02 import FORMATS, export_lists


class Command(BaseCommand):
    help = "Xuất danh mục hồ sơ và văn bản theo trường thông tin TT 02/2019 (Excel hoặc XML)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="tệp sẽ tạo (chưa được tồn tại)")
        parser.add_argument("--dossier", type=int, action="append", required=True)
        parser.add_argument("--user", required=True, help="người xuất: quyền xem được áp dụng")
        parser.add_argument("--format", choices=FORMATS, help="mặc định: theo đuôi tệp")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng {options['user']!r}.")
        out = Path(options["out"])
        fmt = options["format"] or out.suffix.lower().lstrip(".")
        try:
            export_lists(actor=user, dossier_ids=options["dossier"], out=out, fmt=fmt)
        except Http404 as exc:
            raise CommandError("Không tìm thấy hồ sơ (hoặc bạn không được xem).") from exc
        except PackageError as exc:
            raise CommandError("\n".join(exc.problems)) from exc
        self.stdout.write(f"Đã xuất danh mục TT 02/2019: {out}")
