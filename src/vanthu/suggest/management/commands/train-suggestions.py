"""``vanthu train-suggestions [--org CODE …]``: train the suggestion models now, in this process.

The nightly job does the same in the background (docs/suggest.md); this is for a new
installation, after an import of old registers, or to see the accuracy at once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.orgs.models import Organization
from vanthu.registry.models import Direction, Document
from vanthu.suggest import services
from vanthu.suggest.history import HANDLED


class Command(BaseCommand):
    help = "Học lại mô hình gợi ý xử lý văn bản từ lịch sử của từng tổ chức."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--org", action="append", default=[], help="mã tổ chức (mặc định: mọi tổ chức)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes: list[str] = options["org"]
        if codes:
            orgs = list(Organization.objects.filter(code__in=codes))
            missing = sorted(set(codes) - {o.code for o in orgs})
            if missing:
                raise CommandError(f"Không có tổ chức: {', '.join(missing)}.")
        else:
            ids = Document.objects.filter(direction=Direction.INCOMING, status__in=HANDLED)
            orgs = list(
                Organization.objects.filter(pk__in=ids.values("organization_id")).order_by("code")
            )
        for org in orgs:
            trained = services.train(organization=org)
            if trained is None:
                self.stdout.write(f"{org.code}: chưa đủ văn bản đã xử lý để học.")
                continue
            line = f"{org.code}: học {trained.incoming_examples} văn bản đến"
            line += f", {trained.dossier_examples} hồ sơ"
            for target, m in (trained.metrics.get("incoming") or {}).items():
                if m.get("n"):
                    line += f"; {target} top-1 {m['top1']:.0%} top-3 {m['top3']:.0%}"
            self.stdout.write(line + ".")
