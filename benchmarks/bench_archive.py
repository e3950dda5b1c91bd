"""Archive at scale (issue 7): 100,000 dossiers with their documents in one archive fonds.

The issue's size is 100,000 dossiers and 1,000,000 documents: ``BENCH_ARCHIVE_DOCS=10`` (every
document filed in a dossier, as NĐ 30 asks of an office; the default 2 is the quicker fill).

For each backend in ``BENCH_ARCHIVE_BACKENDS`` (``sqlite,postgres``; PostgreSQL is skipped when
it does not answer), in a fresh process and a fresh database:

1. Set-up through the services: a committee office (Văn phòng Thành ủy), a clerk, an archivist,
   a leader, the Party fonds, one kho/giá/hộp. Then, in bulk (``bulk_create``, batches of
   5,000): ``BENCH_ARCHIVE_DOSSIERS`` (100,000) closed dossiers over 2005–2024 (retention 5, 10,
   20 years or permanent), each with ``BENCH_ARCHIVE_DOCS`` (2) documents; the dossiers of
   2005–2018 are in accepted transfers (1,000 a transfer) and carry an archival number.
2. In-process requests (DRF's ``APIClient``/Django's ``Client``, no network), each repeated
   ``BENCH_ARCHIVE_REPEAT`` (20) times, p50/p95 of the wall time and p50 of this process's CPU
   time (on SQLite the database's work too; the figure a loaded machine disturbs least): the due
   list (first page, reminders, a deep page), a filtered dossier list and the dossier list's
   page 500 by number and by cursor, archival numbers (first and a deep page), the "xem xét hủy"
   list, the transfer list, and the archivist's /luu-tru/ page: its frame and each of the
   sections that htmx loads into it. The deep pages are read twice: by ``?page=N`` and by
   ``?after=`` (the keyset cursor that page N−1 gives in ``next_after``). The file plan (danh
   mục hồ sơ) of 2024, ``BENCH_ARCHIVE_PLAN_ITEMS`` (300) items under 10 major and 30 minor
   headings, made through the services once (kept with the database) with the 5,000 dossiers of
   2024 opened from its items: its page (/ho-so/danh-muc/{id}/) and its API read
   (``GET file-plans/{id}/`` with headings, items and counts), as the clerk. The dossier list
   and the transfer list as web pages too (/ho-so/: page 1, a filter, the cursor's page 500;
   /luu-tru/nop-luu/), an accepted transfer of 1,000 dossiers (its page and API read) and a
   dossier with its documents (page and API). The load average is printed before and after.
   The khai thác section reads ``BENCH_ARCHIVE_REQUESTS`` (2,000) decided access requests and
   their 10,000 lines of the register of use (made once in bulk, kept with the database).
3. Writes at that size: hand in 500 dossiers (``create_transfer``), read its mục lục (API detail
   and PDF); list 500 expired dossiers for disposal (``create_disposal``) and read it back.

Run: ``.venv/bin/python -m benchmarks bench_archive``. Scratch databases are removed at the end.

``BENCH_ARCHIVE_KEEP=<folder>`` keeps the filled databases instead (the SQLite data folder under
``<folder>/sqlite``, the PostgreSQL database ``vanthu_bench_archive_keep`` or
``BENCH_ARCHIVE_KEEP_DB``, and the fill's
figures in ``<folder>/<backend>-filled.json``) and reuses them on the next run: ``migrate``
brings a kept database up to the code (data migrations included), the fill is skipped and its
figures are those of the first run, and the writes of step 3 are rolled back so that every run
measures the same rows. The 100,000-dossier fill takes 7–10 minutes on a shared 2-core machine
with 2 documents each, 19–22 minutes with 10 (1,000,000 documents; load 6–13).
Drop the kept database and remove the folder yourself when done.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DOSSIERS = int(os.environ.get("BENCH_ARCHIVE_DOSSIERS", "100000"))
DOCS = int(os.environ.get("BENCH_ARCHIVE_DOCS", "2"))
REPEAT = int(os.environ.get("BENCH_ARCHIVE_REPEAT", "20"))
BACKENDS = os.environ.get("BENCH_ARCHIVE_BACKENDS", "sqlite,postgres").split(",")
KEEP = os.environ.get("BENCH_ARCHIVE_KEEP", "")
KEEP_DB = os.environ.get("BENCH_ARCHIVE_KEEP_DB", "vanthu_bench_archive_keep")
BATCH = 5000
ACCEPTED_UNTIL = 2018  # dossiers of this year and before are already in the archive
WRITE_SIZE = 500
PLAN_YEAR = 2024
PLAN_ITEMS = int(os.environ.get("BENCH_ARCHIVE_PLAN_ITEMS", "300"))
REQUESTS = int(os.environ.get("BENCH_ARCHIVE_REQUESTS", "2000"))
USES_PER_REQUEST = 5


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(values: list[float]) -> str:
    v = [x * 1000 for x in values]
    return f"p50 {pct(v, 50):8.1f} ms   p95 {pct(v, 95):8.1f} ms"


def timed(
    fn: Callable[[], Any], repeat: int = REPEAT, cpu: list[float] | None = None
) -> tuple[list[float], Any]:
    """Wall times of ``repeat`` calls; with ``cpu``, this process's CPU time of each call too
    (in-process requests: the view, and on SQLite the database, whatever else loads the
    machine)."""
    out: Any = None
    times = []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - start_cpu)
    return times, out


# --- one backend, in its own process --------------------------------------------------------


def setup_django(backend: str, data_dir: str, *, reuse: bool = False) -> str | None:
    os.environ["VANTHU_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "vanthu.settings"
    os.environ.setdefault("VANTHU_OTP_REQUIRED_CLEARANCE", "top_secret")
    db = None
    if backend == "postgres":
        db = KEEP_DB if KEEP else f"vanthu_bench_archive_{os.getpid()}"
        if not reuse:
            subprocess.run(
                ["psql", f"{PG_URL}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db}"], check=True
            )
            subprocess.run(
                ["psql", f"{PG_URL}/postgres", "-qc", f"CREATE DATABASE {db}"], check=True
            )
        os.environ["DATABASE_URL"] = f"{PG_URL}/{db}"
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path[:0] = [str(ROOT / "src")]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return db


def people() -> dict[str, Any]:
    from vanthu.archive import services_storage
    from vanthu.core.enums import OrgKind, Role
    from vanthu.orgs import services
    from vanthu.orgs.models import User

    admin = User.objects.create_superuser(username="bench", password=secrets.token_urlsafe(16))
    tu = services.create_organization(
        actor=admin, code="TU", name="Thành ủy", symbol="TU", kind=OrgKind.COMMITTEE, parent=None
    )
    vp = services.create_organization(
        actor=admin,
        code="VPTU",
        name="Văn phòng Thành ủy",
        symbol="VPTU",
        kind=OrgKind.AGENCY,
        parent=tu,
    )

    def user(name: str, roles: list[str]) -> User:
        return services.create_user(
            actor=admin,
            username=name,
            password=secrets.token_urlsafe(16),
            full_name=name,
            organization=vp,
            roles=roles,
        )

    p: dict[str, Any] = {
        "org": vp,
        "clerk": user("vanthu", [Role.CLERK]),
        "archivist": user("luutru", [Role.ARCHIVIST]),
        "leader": user("chanhvanphong", [Role.LEADER]),
    }
    p["fonds"] = services_storage.create_fonds(
        actor=p["archivist"], organization=vp, kind="party", code="P01", name="Phông VPTU"
    )
    store = services_storage.create_location(
        actor=p["archivist"], organization=vp, kind="store", code="K1"
    )
    shelf = services_storage.create_location(
        actor=p["archivist"], organization=vp, kind="shelf", code="G1", parent=store
    )
    p["box"] = services_storage.create_location(
        actor=p["archivist"], organization=vp, kind="box", code="01", parent=shelf
    )
    return p


def people_again() -> dict[str, Any]:
    """The people and holdings of a kept database (``BENCH_ARCHIVE_KEEP``)."""
    from vanthu.archive.models import Fonds, StorageLocation
    from vanthu.orgs.models import Organization, User

    vp = Organization.objects.get(code="VPTU")
    return {
        "org": vp,
        "clerk": User.objects.get(username="vanthu"),
        "archivist": User.objects.get(username="luutru"),
        "leader": User.objects.get(username="chanhvanphong"),
        "fonds": Fonds.objects.get(code="P01"),
        "box": StorageLocation.objects.get(organization=vp, kind="box", code="01"),
    }


def fill(p: dict[str, Any]) -> dict[str, float]:
    """100,000 dossiers, their documents, transfers and numbers, in bulk."""
    from django.db import connection, transaction
    from django.utils import timezone

    from vanthu.archive.models import ArchivalUnit, Transfer, TransferItem
    from vanthu.orgs.models import DocumentType
    from vanthu.records.models import Dossier, DossierDocument, RetentionCode
    from vanthu.registry import services as registry
    from vanthu.registry.models import Document

    clerk, org = p["clerk"], p["org"]
    template = registry.register_incoming(
        actor=clerk,
        organization=org,
        data={
            "sender": "Ban Tổ chức Trung ương",
            "number_symbol": "1-CV/BTCTW",
            "document_type": DocumentType.objects.get(code="CV"),
            "issued_date": datetime.date(2024, 1, 2),
            "summary": "Về việc tổ chức hội nghị",
            "secrecy": "none",
            "received_at": timezone.now(),
            "page_count": 2,
        },
    )
    now = timezone.now()
    started = time.perf_counter()
    retention = [(RetentionCode.for_years(y), y) for y in (5, 10, 20, None)]
    made = 0
    number = (template.number or 0) + 1
    while made < DOSSIERS:
        size = min(BATCH, DOSSIERS - made)
        with transaction.atomic():
            dossiers = []
            for i in range(made, made + size):
                year = 2005 + i % 20
                code, years = retention[i % 4]
                end = datetime.date(year, 1 + i % 12, 1 + i % 28)
                dossiers.append(
                    Dossier(
                        organization=org,
                        code=f"{i // 20 + 1:05d}.VP",
                        title=f"Hồ sơ hội nghị, công văn trao đổi số {i}",
                        year=year,
                        retention_code=code,
                        retention_years=years,
                        status=Dossier.Status.CLOSED,
                        opened_at=now,
                        closed_at=now,
                        closed_by=clerk,
                        start_date=datetime.date(year, 1, 1),
                        end_date=end,
                        document_count=DOCS,
                        page_count=DOCS * 2,
                        sheet_count=DOCS,
                        created_by=clerk,
                    )
                )
            dossiers = Dossier.objects.bulk_create(dossiers)
            docs = []
            for d in dossiers:
                for _k in range(DOCS):
                    doc = Document(
                        **{
                            f.attname: getattr(template, f.attname)
                            for f in Document._meta.concrete_fields
                            if not f.primary_key
                        }
                    )
                    doc.number = number
                    doc.summary = f"Văn bản của {d.title}"
                    number += 1
                    docs.append(doc)
            docs = Document.objects.bulk_create(docs)
            DossierDocument.objects.bulk_create(
                DossierDocument(dossier=d, document=doc, position=k + 1, added_by=clerk)
                for n, d in enumerate(dossiers)
                for k, doc in enumerate(docs[n * DOCS : (n + 1) * DOCS])
            )
        made += size
    filled = time.perf_counter() - started
    # The archive's part: accepted transfers of 1,000 dossiers, each with its archival number.
    started = time.perf_counter()
    old = list(
        Dossier.objects.filter(organization=org, year__lte=ACCEPTED_UNTIL)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(old), 1000):
        chunk = old[start : start + 1000]
        with transaction.atomic():
            t = Transfer.objects.create(
                organization=org,
                title=f"Nộp lưu đợt {start // 1000 + 1}",
                status=Transfer.Status.ACCEPTED,
                created_by=clerk,
                decided_by=p["archivist"],
                decided_at=now,
            )
            TransferItem.objects.bulk_create(
                TransferItem(transfer=t, dossier_id=pk, position=n + 1)
                for n, pk in enumerate(chunk)
            )
            ArchivalUnit.objects.bulk_create(
                ArchivalUnit(
                    dossier_id=pk,
                    fonds=p["fonds"],
                    catalogue_number=start // 1000 + 1,
                    file_number=n + 1,
                    box=p["box"],
                    assigned_by=p["archivist"],
                )
                for n, pk in enumerate(chunk)
            )
            # What archive.services.create_transfer stores on each handed-in dossier.
            Dossier.objects.filter(pk__in=chunk).update(handed_in=True)
    if connection.vendor == "postgresql":
        # What autovacuum leaves after such a load (since PostgreSQL 13 it vacuums tables that
        # only grew, too): statistics and the visibility map. SQLite gets neither: the
        # application does not run ANALYZE there.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    return {
        "fill_s": filled,
        "archive_s": time.perf_counter() - started,
        "accepted": len(old),
    }


def file_plan(p: dict[str, Any]) -> Any:
    """The 2024 file plan through the services (once: a kept database keeps it), approved,
    with the year's dossiers spread over its items as if opened from them."""
    from vanthu.records import services
    from vanthu.records.models import Dossier, FilePlan

    found = FilePlan.objects.filter(organization=p["org"], year=PLAN_YEAR).first()
    if found is not None:
        return found
    plan = services.create_file_plan(actor=p["clerk"], organization=p["org"], year=PLAN_YEAR)
    items = []
    for major in range(10):
        head = services.add_heading(
            actor=p["clerk"], plan=plan, title=f"Công tác chuyên môn số {major + 1}"
        )
        for minor in range(3):
            sub = services.add_heading(
                actor=p["clerk"], plan=plan, title=f"Nhóm hồ sơ {minor + 1}", parent=head
            )
            for n in range(PLAN_ITEMS // 30):
                items.append(
                    services.add_plan_item(
                        actor=p["clerk"],
                        heading=sub,
                        title=f"Hồ sơ hội nghị, công văn trao đổi về việc số {n + 1}",
                        retention_years=(5, 10, 20, None)[n % 4],
                    )
                )
    services.approve_file_plan(actor=p["leader"], plan=plan)
    year = list(
        Dossier.objects.filter(organization=p["org"], year=PLAN_YEAR).values_list("pk", flat=True)
    )
    for n, item in enumerate(items):
        Dossier.objects.filter(pk__in=year[n :: len(items)]).update(plan_item=item)
    return plan


def use_register(p: dict[str, Any]) -> int:
    """Access requests and the sổ sử dụng bản lưu of some years of an office (once: a kept
    database keeps them): ``BENCH_ARCHIVE_REQUESTS`` (2,000) decided requests over archived
    dossiers, each with a line of use per dossier read, in bulk. The khai-thác section lists
    the newest 50 of each."""
    from django.db import connection, transaction
    from django.utils import timezone

    from vanthu.archive.models import AccessRequest, AccessRequestItem, UseEntry
    from vanthu.records.models import Dossier

    if AccessRequest.objects.filter(organization=p["org"]).exists():
        return AccessRequest.objects.filter(organization=p["org"]).count()
    archived = list(
        Dossier.objects.filter(organization=p["org"], handed_in=True)
        .order_by("pk")
        .values_list("pk", flat=True)[: REQUESTS * USES_PER_REQUEST]
    )
    now = timezone.now()
    people = [p["clerk"], p["archivist"], p["leader"]]
    with transaction.atomic():
        requests = AccessRequest.objects.bulk_create(
            AccessRequest(
                organization=p["org"],
                requester=people[n % 2],
                purpose=f"Nghiên cứu, tra cứu hồ sơ phục vụ công tác số {n}",
                mode=AccessRequest.Mode.READ,
                days=5,
                status=AccessRequest.Status.APPROVED,
                decided_by=p["leader"],
                decided_at=now,
                valid_until=now,
            )
            for n in range(REQUESTS)
        )
        # auto_now_add stamps every row with now: spread them over the years instead.
        for n, request in enumerate(requests):
            request.created_at = now - datetime.timedelta(hours=n)
        AccessRequest.objects.bulk_update(requests, ["created_at"], batch_size=BATCH)
        items, uses = [], []
        for n, request in enumerate(requests):
            for k in range(USES_PER_REQUEST):
                pk = archived[(n * USES_PER_REQUEST + k) % len(archived)]
                items.append(AccessRequestItem(request=request, dossier_id=pk))
                uses.append(
                    UseEntry(request=request, dossier_id=pk, user=request.requester, action="view")
                )
        AccessRequestItem.objects.bulk_create(items, batch_size=BATCH)
        uses = UseEntry.objects.bulk_create(uses, batch_size=BATCH)
        for n, use in enumerate(uses):
            use.at = now - datetime.timedelta(minutes=30 * n)
        UseEntry.objects.bulk_update(uses, ["at"], batch_size=BATCH)
    if connection.vendor == "postgresql":
        # What autovacuum does after such a load (as after the fill).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE archive_accessrequest, archive_accessrequestitem")
            cursor.execute("ANALYZE archive_useentry")
    return REQUESTS


def measure(p: dict[str, Any]) -> dict[str, Any]:
    from django.db import transaction
    from django.test import Client
    from rest_framework.test import APIClient

    from vanthu.archive import selectors, selectors_more
    from vanthu.archive.models import ArchivalUnit, Transfer
    from vanthu.records.models import Dossier

    api = APIClient()
    api.force_authenticate(p["archivist"])
    clerk_api = APIClient()
    clerk_api.force_authenticate(p["clerk"])
    web = Client()
    web.force_login(p["archivist"])
    due_count = selectors.transfer_due(p["clerk"]).count()
    review_count = selectors_more.to_review(p["archivist"]).count()
    results: dict[str, Any] = {"due": due_count, "review": review_count, "reads": {}}

    def get(client: Any, url: str) -> Callable[[], Any]:
        def run() -> Any:
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.status_code)
            return answer

        return run

    deep_due = max(2, min(100, due_count // 50))
    deep_units = max(2, min(500, ArchivalUnit.objects.count() // 50))
    deep_review = max(2, min(100, review_count // 50))
    plan = file_plan(p)
    results["requests"] = use_register(p)

    def cursor(client: Any, url: str) -> str:
        """The ?after= cursor that reads the same rows as ``url``'s next page number."""
        answer = client.get(url).json()
        assert answer["next_after"], url
        return str(answer["next_after"])

    after_due = cursor(clerk_api, f"/api/v1/transfers/due/?page={deep_due - 1}")
    after_units = cursor(api, f"/api/v1/archival-units/?page={deep_units - 1}")
    after_review = cursor(api, f"/api/v1/disposals/review/?page={deep_review - 1}")
    deep_dossiers = 500
    after_dossiers = cursor(clerk_api, f"/api/v1/dossiers/?page={deep_dossiers - 1}")
    reads = {
        "GET transfers/due/ (page 1)": get(clerk_api, "/api/v1/transfers/due/"),
        "GET transfers/due/?due_within=30": get(clerk_api, "/api/v1/transfers/due/?due_within=30"),
        f"GET transfers/due/?page={deep_due}": get(
            clerk_api, f"/api/v1/transfers/due/?page={deep_due}"
        ),
        f"GET transfers/due/?after= (= page {deep_due})": get(
            clerk_api, f"/api/v1/transfers/due/?after={after_due}"
        ),
        "GET dossiers/?status=closed&year=2020": get(
            clerk_api, "/api/v1/dossiers/?status=closed&year=2020"
        ),
        f"GET dossiers/?page={deep_dossiers}": get(
            clerk_api, f"/api/v1/dossiers/?page={deep_dossiers}"
        ),
        f"GET dossiers/?after= (= page {deep_dossiers})": get(
            clerk_api, f"/api/v1/dossiers/?after={after_dossiers}"
        ),
        "GET archival-units/ (page 1)": get(api, "/api/v1/archival-units/"),
        f"GET archival-units/?page={deep_units}": get(
            api, f"/api/v1/archival-units/?page={deep_units}"
        ),
        f"GET archival-units/?after= (= page {deep_units})": get(
            api, f"/api/v1/archival-units/?after={after_units}"
        ),
        "GET disposals/review/ (page 1)": get(api, "/api/v1/disposals/review/"),
        f"GET disposals/review/?page={deep_review}": get(
            api, f"/api/v1/disposals/review/?page={deep_review}"
        ),
        f"GET disposals/review/?after= (= page {deep_review})": get(
            api, f"/api/v1/disposals/review/?after={after_review}"
        ),
        "GET transfers/ (page 1)": get(api, "/api/v1/transfers/"),
        "GET /luu-tru/ (the page's frame)": get(web, "/luu-tru/"),
    }
    # Its sections, each loaded by htmx on its own when the page is (archive.views.section_*).
    for anchor in ("den-han", "nop-luu", "kho", "giu-lai", "huy", "khai-thac"):
        reads[f"GET /luu-tru/phan/{anchor}/"] = get(web, f"/luu-tru/phan/{anchor}/")
    reads["GET /luu-tru/phan/huy/?after= (its Trang sau)"] = get(
        web, f"/luu-tru/phan/huy/?after={after_review}"
    )
    # The file plan (danh mục hồ sơ) of 2024: its page and its API read, as the clerk.
    clerk_web = Client()
    clerk_web.force_login(p["clerk"])
    reads["GET /ho-so/danh-muc/ (the plans)"] = get(clerk_web, "/ho-so/danh-muc/")
    reads[f"GET /ho-so/danh-muc/{{id}}/ ({PLAN_ITEMS} items)"] = get(
        clerk_web, f"/ho-so/danh-muc/{plan.pk}/"
    )
    reads[f"GET file-plans/{{id}}/ ({PLAN_ITEMS} items)"] = get(
        clerk_api, f"/api/v1/file-plans/{plan.pk}/"
    )
    # The dossier list and the transfer list as web pages (the three pages are the
    # file plan, the dossier list and the transfer list), and what they lead to: a dossier
    # with its BENCH_ARCHIVE_DOCS documents, an accepted transfer of 1,000 dossiers.
    reads["GET /ho-so/ (dossier list, page 1)"] = get(clerk_web, "/ho-so/")
    reads["GET /ho-so/?nam=2020&trang_thai=closed"] = get(
        clerk_web, "/ho-so/?nam=2020&trang_thai=closed"
    )
    reads[f"GET /ho-so/?after= (= page {deep_dossiers})"] = get(
        clerk_web, f"/ho-so/?after={after_dossiers}&trang={deep_dossiers}"
    )
    reads["GET /luu-tru/nop-luu/ (transfers, 300 due)"] = get(clerk_web, "/luu-tru/nop-luu/")
    accepted = Transfer.objects.filter(status=Transfer.Status.ACCEPTED).order_by("pk").first()
    assert accepted is not None
    reads["GET /luu-tru/nop-luu/{id}/ (1,000 dossiers)"] = get(
        web, f"/luu-tru/nop-luu/{accepted.pk}/"
    )
    reads["GET transfers/{id}/ (1,000 dossiers)"] = get(api, f"/api/v1/transfers/{accepted.pk}/")
    one = Dossier.objects.filter(organization=p["org"], year=PLAN_YEAR).order_by("pk").first()
    assert one is not None
    reads[f"GET /ho-so/{{id}}/ ({DOCS} documents)"] = get(clerk_web, f"/ho-so/{one.pk}/")
    reads[f"GET dossiers/{{id}}/ ({DOCS} documents)"] = get(
        clerk_api, f"/api/v1/dossiers/{one.pk}/"
    )
    results["cpu"] = {}
    results["load_before"] = os.getloadavg()
    for name, fn in reads.items():
        fn()  # warm
        cpu: list[float] = []
        times, _ = timed(fn, cpu=cpu)
        results["reads"][name] = times
        results["cpu"][name] = cpu
    results["load_after"] = os.getloadavg()
    with transaction.atomic():
        writes(p, results, get, clerk_api, api)
        # A kept database must hold the same rows at the next run.
        transaction.set_rollback(bool(KEEP))
    return results


def writes(
    p: dict[str, Any],
    results: dict[str, Any],
    get: Callable[[Any, str], Callable[[], Any]],
    clerk_api: Any,
    api: Any,
) -> None:
    from vanthu.archive import selectors, selectors_more, services, services_disposal
    from vanthu.records.models import Dossier

    # Hand in 500 due dossiers, then read its list (API detail and the PDF).
    due = list(selectors.transfer_due(p["clerk"]).values_list("pk", flat=True)[:WRITE_SIZE])
    chosen = list(Dossier.objects.filter(pk__in=due))
    start = time.perf_counter()
    transfer = services.create_transfer(
        actor=p["clerk"], organization=p["org"], dossiers=chosen, title="Nộp lưu đo tốc độ"
    )
    results["create_transfer_500"] = time.perf_counter() - start
    results["transfer_detail"], _ = timed(get(clerk_api, f"/api/v1/transfers/{transfer.pk}/"), 5)
    results["transfer_pdf"], _ = timed(
        get(clerk_api, f"/api/v1/transfers/{transfer.pk}/list.pdf"), 3
    )
    # A disposal list of 500 expired dossiers, with its council, then read back.
    expired = list(selectors_more.to_review(p["archivist"]).values_list("pk", flat=True)[:500])
    chosen = list(Dossier.objects.filter(pk__in=expired))
    start = time.perf_counter()
    disposal = services_disposal.create_disposal(
        actor=p["archivist"],
        organization=p["org"],
        dossiers=chosen,
        title="Danh mục tài liệu hết giá trị (đo tốc độ)",
        explanatory_note="Hết thời hạn bảo quản.",
        council=[(p["leader"], "Chủ tịch"), (p["archivist"], "Thành viên"), (p["clerk"], "Thư ký")],
    )
    results["create_disposal_500"] = time.perf_counter() - start
    results["disposal_detail"], _ = timed(get(api, f"/api/v1/disposals/{disposal.pk}/"), 5)


def one(backend: str) -> None:
    if KEEP:
        keep = Path(KEEP)
        data_dir = keep / backend
        data_dir.mkdir(parents=True, exist_ok=True)
        marker = keep / f"{backend}-filled.json"
        reuse = marker.exists()
        setup_django(backend, str(data_dir), reuse=reuse)
        if reuse:
            p = people_again()
            filled = json.loads(marker.read_text())
        else:
            p = people()
            filled = fill(p)
            marker.write_text(json.dumps(filled))
        results = measure(p)
        print(json.dumps({"backend": backend, "reused": reuse, **filled, **results}), flush=True)
        return
    with tempfile.TemporaryDirectory(prefix="vanthu-bench-archive-") as data_dir:
        db = setup_django(backend, data_dir)
        try:
            p = people()
            filled = fill(p)
            results = measure(p)
            print(json.dumps({"backend": backend, **filled, **results}), flush=True)
        finally:
            if db:
                from django.db import connections

                connections.close_all()
                subprocess.run(
                    ["psql", f"{PG_URL}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db}"],
                    check=False,
                )


def postgres_answers() -> bool:
    try:
        subprocess.run(
            ["psql", f"{PG_URL}/postgres", "-qAtc", "select 1"],
            check=True,
            capture_output=True,
            timeout=10,
        )
        return True
    except (OSError, subprocess.SubprocessError):
        return False


def report(data: dict[str, Any]) -> None:
    print(
        f"-- {data['backend']}: {DOSSIERS:,} dossiers × {DOCS} documents filled in "
        f"{data['fill_s']:.1f} s; {data['accepted']:,} accepted with numbers in "
        f"{data['archive_s']:.1f} s; due list {data['due']:,}, review list {data['review']:,}"
    )
    if "load_before" in data:
        loads = ", ".join(f"{x:.2f}" for x in data["load_before"] + data["load_after"])
        print(f"   load average (1, 5, 15 min) before the reads, after them: {loads}")
    for name, times in data["reads"].items():
        cpu = data.get("cpu", {}).get(name)
        spent = (
            f"   cpu p50 {pct([c * 1000 for c in cpu], 50):7.1f} ms"
            f"   cpu p95 {pct([c * 1000 for c in cpu], 95):7.1f} ms"
            if cpu
            else ""
        )
        print(f"   {name:48s} {ms(times)}{spent}")
    print(f"   {'create_transfer (500 dossiers)':48s} {data['create_transfer_500'] * 1000:8.1f} ms")
    print(f"   {'GET transfers/{id}/ (500 rows)':48s} {ms(data['transfer_detail'])}")
    print(f"   {'GET transfers/{id}/list.pdf (500 rows)':48s} {ms(data['transfer_pdf'])}")
    print(f"   {'create_disposal (500 dossiers)':48s} {data['create_disposal_500'] * 1000:8.1f} ms")
    print(f"   {'GET disposals/{id}/ (500 rows)':48s} {ms(data['disposal_detail'])}")


def main() -> None:
    for backend in BACKENDS:
        if backend == "postgres" and not postgres_answers():
            print("-- postgres: not reachable, skipped")
            continue
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_archive", backend],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        line = [x for x in out.stdout.splitlines() if x.startswith("{")][-1]
        report(json.loads(line))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        one(sys.argv[1])
    else:
        main()
