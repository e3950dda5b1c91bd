"""vanthu import-register FILE --organization CODE --direction in|out --user USERNAME
[--mapping JSON] [--dry-run] [--report PATH] [--sheet NAME]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.legacy.columns import FIELD_LABELS
from vanthu.legacy.services import import_register
from vanthu.orgs.models import Organization, User
from vanthu.registry.models import Direction

DIRECTIONS = {"in": Direction.INCOMING, "out": Direction.OUTGOING}


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ".join(m for messages in exc.message_dict.values() for m in messages)
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "Nhập sổ đăng ký văn bản cũ (Excel .xlsx hoặc CSV) với số gốc, không ảnh hưởng dãy số "
        "hiện hành. --dry-run chỉ kiểm tra và ghi báo cáo, không lưu gì."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--organization", required=True, help="mã tổ chức")
        parser.add_argument("--direction", required=True, choices=sorted(DIRECTIONS))
        parser.add_argument("--user", required=True, help="tên đăng nhập của văn thư")
        parser.add_argument("--mapping", help='JSON, ví dụ {"summary": "F", "notes": 9}')
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không lưu")
        parser.add_argument("--report", help="tệp CSV báo cáo từng dòng")
        parser.add_argument("--sheet", help="tên trang tính (mặc định: trang đầu tiên)")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(code=options["organization"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã {options['organization']}.")
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng {options['user']}.")
        try:
            result = import_register(
                actor=user,
                organization=org,
                direction=DIRECTIONS[options["direction"]],
                path=Path(options["file"]),
                mapping=options["mapping"],
                dry_run=options["dry_run"],
                report_path=Path(options["report"]) if options["report"] else None,
                sheet=options["sheet"],
                progress=self._show,
            )
        except ValidationError as exc:
            raise CommandError(_message(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "Người dùng không phải văn thư của tổ chức.") from exc
        self.stdout.write("")
        names = {i: FIELD_LABELS[f] for f, i in result.mapping.items() if i >= 0}
        self.stdout.write("Cột: " + ", ".join(f"{i + 1}={names[i]}" for i in sorted(names)))
        legacy = {k: v for k, v in result.encodings.items() if k in ("tcvn3", "vni")}
        if legacy:
            self.stdout.write(
                "Đã chuyển sang Unicode: "
                + ", ".join(f"{k.upper()} {v} ô" for k, v in legacy.items())
            )
        verb = "Sẽ nhận" if result.dry_run else "Đã nhập"
        self.stdout.write(
            f"{verb} {result.taken}/{result.total} dòng, từ chối {result.refused} "
            f"({result.seconds:.1f} giây). Báo cáo: {result.report_path}"
        )
        if result.dry_run:
            self.stdout.write("Chạy thử: chưa lưu gì.")

    def _show(self, done: int, total: int, rate: float) -> None:
        self.stdout.write(f"\r{done}/{total} dòng, {rate:.0f} dòng/giây".ljust(60), ending="")
        self.stdout.flush()
