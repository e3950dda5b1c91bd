"""``vanthu export-package (--dossier ID … | --transfer ID | --fonds ID) --user NAME OUT``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from vanthu.orgs.models import User
from vanthu.preservation.package import PackageError
from vanthu.preservation.package.export import export_dossiers
from vanthu.preservation.package.scope import fonds_dossier_ids, transfer_dossier_ids


class Command(BaseCommand):
    help = (
        "Xuất hồ sơ, một đợt nộp lưu hoặc cả phông thành gói thông tin E-ARK CSIP (TT 05/2025) "
        "bọc trong BagIt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="thư mục gói sẽ tạo (chưa được tồn tại)")
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--dossier", type=int, action="append", help="mã hồ sơ (lặp lại được)")
        what.add_argument("--transfer", type=int, help="mã đợt nộp lưu: mọi hồ sơ trong mục lục")
        what.add_argument("--fonds", type=int, help="mã phông: mọi hồ sơ đã có số lưu trữ")
        parser.add_argument("--user", required=True, help="người xuất: quyền xem được áp dụng")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng {options['user']!r}.")
        if options["transfer"] is not None:
            what = f"đợt nộp lưu {options['transfer']}"
        elif options["fonds"] is not None:
            what = f"phông {options['fonds']}"
        else:
            what = "hồ sơ"
        try:
            if options["transfer"] is not None:
                ids = transfer_dossier_ids(user, options["transfer"])
            elif options["fonds"] is not None:
                ids = fonds_dossier_ids(user, options["fonds"])
            else:
                ids = options["dossier"]
            if not ids:
                raise CommandError(f"Không có hồ sơ nào bạn được xem trong {what}.")
            out = export_dossiers(actor=user, dossier_ids=ids, out=Path(options["out"]))
        except Http404 as exc:
            raise CommandError(f"Không tìm thấy {what} (hoặc bạn không được xem).") from exc
        except PackageError as exc:
            raise CommandError("\n".join(exc.problems)) from exc
        self.stdout.write(f"Đã xuất gói ({len(ids)} hồ sơ): {out}")
