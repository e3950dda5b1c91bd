"""Classified registers (issue 6, docs/security.md §8–10): the leader's list of protection
periods ending soon, the printed sổ chuyển giao, and copy numbering, on a scratch SQLite
database (the embedded mode).

``BENCH_CLASSIFIED_DOCS`` (20,000) classified documents in one committee, dated over 40 years so
that some protection periods end within the notice window; ``BENCH_CLASSIFIED_HANDOVERS``
(5,000) hand-overs this year. Timed: ``GET /api/v1/classified/expiring/?days=180`` for the
leader (first page, through the access policy), the handover register PDF for the year (all
rows), and issuing 10 numbered copies (one transaction, the document row locked).

Run: ``.venv/bin/python -m benchmarks bench_classified``.
"""

from __future__ import annotations

import datetime
import io
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = int(os.environ.get("BENCH_CLASSIFIED_DOCS", "20000"))
HANDOVERS = int(os.environ.get("BENCH_CLASSIFIED_HANDOVERS", "5000"))
REPEAT = int(os.environ.get("BENCH_CLASSIFIED_REPEAT", "10"))


def _timed(n: int, work: Callable[[], object]) -> tuple[float, float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[math.ceil(0.95 * (len(times) - 1))]


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="vanthu-bench-classified-")
    os.environ["VANTHU_DATA_DIR"] = data_dir
    os.environ["VANTHU_SECURITY_ZONE"] = "isolated"
    os.environ["DJANGO_SETTINGS_MODULE"] = "vanthu.settings"
    os.environ.pop("DATABASE_URL", None)
    sys.path[:0] = [str(ROOT / "src")]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from django.utils import timezone
    from rest_framework.test import APIClient

    from vanthu.access.classified import pdf, selectors, services
    from vanthu.access.models import Handover
    from vanthu.orgs.models import DocumentType, Organization, Position, User
    from vanthu.registry.models import Direction, Document, Status

    org = Organization.objects.create(code="TU", name="Thành ủy", symbol="TU", kind="committee")
    org.path = Organization.segment(org.pk)
    Organization.objects.filter(pk=org.pk).update(path=org.path)
    leader = User.objects.create(
        username="ld", full_name="Lãnh Đạo", organization=org, clearance="top_secret"
    )
    clerk = User.objects.create(
        username="vt", full_name="Văn Thư", organization=org, clearance="top_secret"
    )
    Position.objects.create(user=leader, organization=org, role="leader")
    Position.objects.create(user=clerk, organization=org, role="clerk")
    kind = DocumentType.objects.get(code="CV")
    levels = ["confidential", "secret", "top_secret"]
    today = timezone.localdate()
    start = time.perf_counter()
    batch = [
        Document(
            direction=Direction.INCOMING,
            organization=org,
            document_type=kind,
            number_symbol=f"{i}-CV/BM",
            summary=f"Văn bản mật số {i}",
            secrecy=levels[i % 3],
            status=Status.NEW,
            created_by=clerk,
            directed_by=leader,
            issued_date=today - datetime.timedelta(days=(i * 7) % (40 * 365)),
        )
        for i in range(DOCS)
    ]
    Document.objects.bulk_create(batch, batch_size=2000)
    ids = list(Document.objects.values_list("pk", flat=True)[:HANDOVERS])
    now = timezone.now()
    Handover.objects.bulk_create(
        [
            Handover(
                document_id=pk,
                handed_at=now - datetime.timedelta(minutes=i),
                from_user=clerk,
                to_user=leader,
                secrecy="secret",
            )
            for i, pk in enumerate(ids)
        ],
        batch_size=2000,
    )
    print(f"set-up: {DOCS} documents, {len(ids)} hand-overs in {time.perf_counter() - start:.1f}s")
    print("| what | median ms | p95 ms |")
    print("|---|---|---|")

    client = APIClient()
    client.force_authenticate(leader)
    answer = client.get("/api/v1/classified/expiring/", {"days": 180})
    count = answer.json()["count"]
    med, p95 = _timed(REPEAT, lambda: client.get("/api/v1/classified/expiring/", {"days": 180}))
    print(f"| GET classified/expiring/?days=180 ({count} due, page 1) | {med:.1f} | {p95:.1f} |")

    def register() -> int:
        out = io.BytesIO()
        return pdf.write_handover_register(
            out,
            organization=org,
            year=today.year,
            entries=selectors.handover_register(clerk, org, today.year).iterator(500),
            printed_by="Văn Thư",
        )

    rows = register()
    med, p95 = _timed(max(2, REPEAT // 5), register)
    print(
        f"| handover register PDF, {rows} rows | {med:.0f} | {p95:.0f} | "
        f"({rows / (med / 1000):.0f} rows/s)"
    )

    document = Document.objects.get(pk=ids[0])
    holders = [services.Holder(name=f"Nơi nhận {i}") for i in range(10)]
    med, p95 = _timed(
        REPEAT,
        lambda: services.issue_copies(actor=clerk, document=document, holders=holders),
    )
    print(f"| issue 10 numbered copies (one transaction) | {med:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
