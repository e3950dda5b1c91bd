"""Preservation speed (issue #8): fixity throughput, and the export of a 10,000-document fonds.

1. **Fixity**: ``BENCH_FIXITY_MB`` (1024) MiB of random blobs of ``BENCH_FIXITY_FILE_MB`` (8)
   MiB in a blob store, re-read by ``vanthu.preservation.fixity.check_blob`` (the nightly
   job's reader), by coreutils ``sha256sum`` and by ``openssl dgst -sha256`` on the same
   files, alternately, ``REPEAT`` (3) times; best MiB/s of each. Warm figures read through
   the page cache (they compare hashing paths, not the disk); when
   ``/proc/sys/vm/drop_caches`` is writable, cold figures (cache dropped first) too.
2. **Export**: an office with ``BENCH_EXPORT_DOCS`` (10,000) documents, each with a
   ``BENCH_EXPORT_FILE_KB`` (32) KiB PDF, filed in dossiers of 50, created through the services
   in SQLite (one through the services, the rest cloned in bulk with their own random blobs);
   then ``export_dossiers`` of every dossier in a fresh child process, whose
   wall time and peak RSS (``ru_maxrss``) are reported; the same at a tenth of the size shows
   whether memory grows with the fonds.

Run: ``.venv/bin/python -m benchmarks bench_preservation``.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXITY_MB = int(os.environ.get("BENCH_FIXITY_MB", "1024"))
FILE_MB = int(os.environ.get("BENCH_FIXITY_FILE_MB", "8"))
REPEAT = int(os.environ.get("BENCH_FIXITY_REPEAT", "3"))
EXPORT_DOCS = int(os.environ.get("BENCH_EXPORT_DOCS", "10000"))
FILE_KB = int(os.environ.get("BENCH_EXPORT_FILE_KB", "32"))
PER_DOSSIER = 50


def _django(data_dir: str) -> None:
    os.environ["VANTHU_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "vanthu.settings"
    os.environ["VANTHU_SECURITY_ZONE"] = "isolated"
    os.environ.pop("DATABASE_URL", None)
    sys.path[:0] = [str(ROOT / "src")]
    import django

    django.setup()


def _drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def fixity(data_dir: str) -> None:
    _django(data_dir)
    from vanthu.core import blobstore
    from vanthu.preservation.fixity import check_blob

    names = []
    for _ in range(max(1, FIXITY_MB // FILE_MB)):
        sha, _size = blobstore.put_bytes(os.urandom(FILE_MB * 1024 * 1024))
        names.append(sha)
    paths = [str(blobstore.path_of(s)) for s in names]
    total_mb = len(names) * FILE_MB

    def ours() -> None:
        for sha in names:
            assert check_blob(sha).outcome == "pass"

    def coreutils() -> None:
        subprocess.run(["sha256sum", *paths], check=True, stdout=subprocess.DEVNULL)

    def openssl() -> None:
        subprocess.run(
            ["openssl", "dgst", "-sha256", *paths], check=True, stdout=subprocess.DEVNULL
        )

    cold = _drop_caches()
    tools = [("check_blob", ours), ("sha256sum", coreutils)]
    if shutil.which("openssl"):
        tools.append(("openssl dgst", openssl))
    results: dict[str, list[float]] = {}
    for _ in range(REPEAT):
        for label, fn in tools:
            if cold:
                _drop_caches()
                start = time.perf_counter()
                fn()
                results.setdefault(f"cold {label}", []).append(
                    total_mb / (time.perf_counter() - start)
                )
            fn()  # warm the cache
            start = time.perf_counter()
            fn()
            results.setdefault(label, []).append(total_mb / (time.perf_counter() - start))
    print(f"fixity over {len(names)} blobs, {total_mb} MiB (cache drop possible: {cold})")
    for label, values in results.items():
        if values:
            print(
                f"  {label:16s} best {max(values):8.1f} MiB/s   runs {[round(v) for v in values]}"
            )


def fill(data_dir: str, docs: int) -> None:
    _django(data_dir)
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from vanthu.core import blobstore
    from vanthu.core.enums import OrgKind, Role
    from vanthu.orgs import services
    from vanthu.orgs.models import DocumentType, User
    from vanthu.records import services as records
    from vanthu.records.models import Dossier, DossierDocument
    from vanthu.registry import services as registry
    from vanthu.registry.models import Document, DocumentFile

    call_command("migrate", verbosity=0)
    admin = User.objects.create_superuser(username="bench", password=secrets.token_urlsafe(16))
    tu = services.create_organization(
        actor=admin, code="TU", name="Thành ủy", symbol="TU", kind=OrgKind.COMMITTEE, parent=None
    )
    vp = services.create_organization(
        actor=admin, code="VPTU", name="Văn phòng Thành ủy", symbol="VPTU",
        kind=OrgKind.AGENCY, parent=tu,
    )  # fmt: skip
    clerk = services.create_user(
        actor=admin, username="vanthu", password=secrets.token_urlsafe(16), full_name="Văn thư",
        organization=vp, roles=[Role.CLERK],
    )  # fmt: skip
    # One document through the services, then clones in bulk (as bench_archive does): each
    # clone gets its own random blob, written through the blob store (fsynced).
    template = registry.register_incoming(
        actor=clerk, organization=vp,
        data={"sender": "Ban Tổ chức Trung ương", "number_symbol": "1-CV/BTCTW",
              "document_type": DocumentType.objects.get(code="CV"),
              "issued_date": datetime.date(2025, 3, 2), "summary": "Về việc tổ chức hội nghị",
              "secrecy": "none", "received_at": timezone.now(), "page_count": 2},
    )  # fmt: skip
    first = registry.add_file(
        actor=clerk, document=template,
        upload=SimpleUploadedFile("vb.pdf", b"%PDF-1.7 mau", content_type="application/pdf"),
    )  # fmt: skip
    start = time.perf_counter()
    number = (template.number or 0) + 1
    for n in range(0, docs, PER_DOSSIER):
        size = min(PER_DOSSIER, docs - n)
        dossier = records.create_dossier(
            actor=clerk, organization=vp,
            data={"code": f"{n // PER_DOSSIER + 1:04d}.VP", "title": "Hồ sơ hội nghị",
                  "year": 2025},
        )  # fmt: skip
        with transaction.atomic():
            made = []
            for k in range(size):
                doc = Document(**_clone(template))
                doc.number = number + n + k
                doc.summary = f"Về việc tổ chức hội nghị lần {n + k + 1}"
                made.append(doc)
            made = Document.objects.bulk_create(made)
            files = []
            for doc in made:
                sha, length = blobstore.put_bytes(b"%PDF-1.7 " + os.urandom(FILE_KB * 1024))
                f = DocumentFile(**_clone(first))
                f.document, f.sha256, f.size = doc, sha, length
                files.append(f)
            DocumentFile.objects.bulk_create(files)
            DossierDocument.objects.bulk_create(
                DossierDocument(dossier=dossier, document=doc, position=k + 1, added_by=clerk)
                for k, doc in enumerate(made)
            )
            Dossier.objects.filter(pk=dossier.pk).update(document_count=size, page_count=2 * size)
    print(f"  set-up: {docs} documents in {time.perf_counter() - start:.0f} s")


def _clone(obj: object) -> dict[str, object]:
    fields = type(obj)._meta.concrete_fields  # type: ignore[attr-defined]
    return {f.attname: getattr(obj, f.attname) for f in fields if not f.primary_key}


def export(data_dir: str, out: str) -> None:
    _django(data_dir)
    from vanthu.orgs.models import User
    from vanthu.preservation.package.export import export_dossiers
    from vanthu.records.models import Dossier

    start = time.perf_counter()
    export_dossiers(
        actor=User.objects.get(username="vanthu"),
        dossier_ids=list(Dossier.objects.values_list("pk", flat=True)),
        out=Path(out),
    )
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_rss_mb": rss_mb}))


def _child(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_preservation", *args],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env={**os.environ, "VANTHU_BROKER_URL": "memory://", **(env or {})},
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return done.stdout


def main() -> None:
    print(f"machine: {platform.node()} {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-fixity-") as tmp:
        print(_child("fixity", tmp), end="")
    for docs in (EXPORT_DOCS // 10, EXPORT_DOCS):
        with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
            print(f"export of {docs} documents ({FILE_KB} KiB each, {PER_DOSSIER} a dossier)")
            print(_child("fill", tmp, str(docs)), end="")
            result = json.loads(_child("export", tmp, str(Path(tmp) / "out")).splitlines()[-1])
            size = sum(f.stat().st_size for f in (Path(tmp) / "out").rglob("*") if f.is_file())
            print(f"  export: {result['seconds']:.1f} s, peak RSS {result['peak_rss_mb']:.0f} MiB,"
                  f" package {size / 2**20:.0f} MiB")  # fmt: skip
            shutil.rmtree(Path(tmp) / "out", ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "fixity":
        fixity(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "fill":
        fill(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "export":
        export(sys.argv[2], sys.argv[3])
    else:
        main()
