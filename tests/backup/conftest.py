"""Fixtures of the backup tests: an office whose documents, files and audit events are really
committed (the database's own tools copy what is committed), and a second, empty installation
to restore into (a new SQLite file, or a freshly created PostgreSQL database)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from tests.records.conftest import Office
from vanthu.audit.digest import make_digest
from vanthu.core import crypto
from vanthu.orgs.models import User
from vanthu.records import services as records
from vanthu.registry import services as registry

# What "everything came back" means, printed as JSON by the same code on both installations.
SNAPSHOT = """
import json
from vanthu.audit.models import AuditDigest, Event
from vanthu.records.models import Dossier
from vanthu.registry.models import Document, DocumentFile
print(json.dumps({
    "documents": [[d.pk, d.summary, d.secrecy] for d in Document.objects.order_by("pk")],
    "files": [
        [f.pk, f.sha256, f.pdfa_sha256, f.encrypted] for f in DocumentFile.objects.order_by("pk")
    ],
    "dossiers": [[d.pk, d.code] for d in Dossier.objects.order_by("pk")],
    "events": [[e.chain, e.seq, e.hash] for e in Event.objects.order_by("chain", "seq")],
    "digests": [[str(d.day), d.signature] for d in AuditDigest.objects.order_by("day")],
}, ensure_ascii=False))
"""


def snapshot_here() -> dict[str, Any]:
    out: list[str] = []
    namespace: dict[str, Any] = {"print": out.append}
    exec(SNAPSHOT, namespace)  # noqa: S102 - the fixed snippet above
    result: dict[str, Any] = json.loads(out[0])
    return result


@pytest.fixture(autouse=True)
def own_folders(settings: Any, tmp_path: Path) -> None:
    settings.VANTHU_STORAGE = str(tmp_path / "blobs")
    settings.VANTHU_AUDIT_DIGEST_DIR = str(tmp_path / "digests")


def attach(office: Office, document: Any, content: bytes, name: str = "vb.pdf") -> Any:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return registry.add_file(actor=office.clerk, document=document, upload=upload)


@pytest.fixture
def committed_office(
    transactional_db: Any, city: Any, make_user: Callable[..., User], settings: Any
) -> Office:
    """Documents (one secret, so its file is encrypted), files, a dossier, a signed digest."""
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    office = Office(city, make_user)
    dossier = office.dossier()
    for i in range(3):
        doc = office.document(
            summary=f"Về việc hội nghị lần {i + 1}", secrecy="secret" if i == 2 else "none"
        )
        attach(office, doc, b"%PDF-1.7 noi dung " + bytes([65 + i]) * 4000, f"vb{i}.pdf")
        if i < 2:
            records.add_document(actor=office.clerk, dossier=dossier, document=doc)
    make_digest()
    return office


@dataclass
class Target:
    """A second installation: its own database, blob store and data folder, same keys."""

    env: dict[str, str]
    root: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "vanthu.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def snapshot(self) -> dict[str, Any]:
        done = self.run("shell", "-c", SNAPSHOT)
        assert done.returncode == 0, done.stderr
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result


def _database_url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def empty_target(tmp_path: Path) -> Iterator[Target]:
    root = tmp_path / "second"
    root.mkdir()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="vanthu.settings",
        VANTHU_DATA_DIR=str(root / "data"),
        VANTHU_STORAGE=str(root / "blobs"),
        VANTHU_AUDIT_DIGEST_DIR=str(root / "digests"),
        # Keys are kept apart from backups: the operator restores them separately.
        VANTHU_ENCRYPTION_KEY=base64.b64encode(crypto.keyring().current()).decode(),
        VANTHU_SECURITY_ZONE="isolated",
    )
    created = None
    if connection.vendor == "postgresql":
        import psycopg

        created = f"test_restore_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(_database_url("postgres"), autocommit=True) as pg:
            pg.execute(f'CREATE DATABASE "{created}"')
        env["DATABASE_URL"] = _database_url(created)
    else:
        env["DATABASE_URL"] = f"sqlite:///{root / 'restored.sqlite3'}"
    yield Target(env=env, root=root)
    if created:
        import psycopg

        with psycopg.connect(_database_url("postgres"), autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
