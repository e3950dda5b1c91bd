"""``vanthu load_retention_table FILE.csv --code … --name … --kind party|state|own``."""

from __future__ import annotations

import csv
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from vanthu.orgs.models import Organization
from vanthu.records.services.retention import load_retention_schedule


class Command(BaseCommand):
    help = (
        "Nạp (hoặc thay) một bảng thời hạn bảo quản từ tệp CSV UTF-8 có các cột: group, "
        "reference, title, retention_code, retention_years, notes."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--code", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=["party", "state", "own"])
        parser.add_argument("--source", default="")
        parser.add_argument("--organization", help="mã tổ chức (bảng của riêng tổ chức đó)")

    def handle(self, *args: Any, **options: Any) -> None:
        org = None
        if options["organization"]:
            org = Organization.objects.filter(code=options["organization"]).first()
            if org is None:
                raise CommandError(f"Không có tổ chức mã {options['organization']}.")
        with open(options["path"], encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        try:
            schedule = load_retention_schedule(
                actor=None,
                code=options["code"],
                name=options["name"],
                kind=options["kind"],
                source=options["source"],
                organization=org,
                rows=rows,
            )
        except ValidationError as exc:
            lines = [f"{k}: {m}" for k, ms in exc.message_dict.items() for m in ms]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(f"Đã nạp {schedule.rules.count()} dòng vào bảng {schedule.code}.")
