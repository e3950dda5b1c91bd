"""Bảo quản (preservation) pages: the fixity dashboard and the E-ARK package of a dossier.

Administrators see the dashboard (hashes, times and outcomes only: a blob carries no title, so
nothing classified shows here); anyone else gets 404. A dossier's package is built for those who
may see the dossier, streamed from a temporary file so memory stays bounded.
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from vanthu.access import policy
from vanthu.core import scratch
from vanthu.orgs.models import User
from vanthu.preservation import fixity
from vanthu.preservation.models import FixityCheck, Outcome
from vanthu.preservation.package import PackageError
from vanthu.preservation.package.export import export_dossiers
from vanthu.preservation.package.scope import transfer_dossier_ids
from vanthu.registry.models import DocumentFile

PROBLEMS_SHOWN = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not policy.is_admin(user):
        raise Http404
    cycle_days = float(getattr(settings, "VANTHU_FIXITY_CYCLE_DAYS", 365))
    since = timezone.now() - datetime.timedelta(days=cycle_days)
    stored = DocumentFile.objects.values("sha256").distinct().count()
    checked = FixityCheck.objects.filter(checked_at__gte=since).values("sha256").distinct().count()
    last = FixityCheck.objects.order_by("-checked_at").values_list("checked_at", flat=True).first()
    recent = FixityCheck.objects.filter(
        checked_at__gte=timezone.now() - datetime.timedelta(days=30)
    )
    context = {
        "stored": stored,
        "checked": checked,
        "coverage": round(100 * checked / stored, 1) if stored else 100.0,
        "cycle_days": int(cycle_days),
        "last": last,
        "passed_30": recent.filter(outcome=Outcome.PASS).count(),
        "failed_30": recent.exclude(outcome=Outcome.PASS).count(),
        "problems": list(
            FixityCheck.objects.filter(fixity.failures()).order_by("-checked_at")[:PROBLEMS_SHOWN]
        ),
    }
    return render(request, "preservation/dashboard.html", context)


def _package_zip(
    request: HttpRequest, ids: list[int], folder: str, filename: str
) -> HttpResponse | FileResponse:
    """The bag of ``ids`` zipped into a temporary file and streamed: memory stays bounded."""
    user = _user(request)
    # The owner's tag in the name: the sweep removes the folder of a killed web process.
    tmp = Path(tempfile.mkdtemp(prefix=f"vanthu-package-{scratch.owner_tag()}-"))
    try:
        try:
            bag = export_dossiers(actor=user, dossier_ids=ids, out=tmp / "bag")
        except PackageError as exc:
            return render(
                request, "preservation/package_refused.html", {"errors": exc.problems}, status=400
            )
        archive = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the FileResponse)
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(bag.rglob("*")):
                if path.is_file():
                    zf.write(path, f"{folder}/{path.relative_to(bag)}")
        archive.seek(0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return FileResponse(
        archive, as_attachment=True, filename=filename, content_type="application/zip"
    )


@login_required
def dossier_package(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """Gói E-ARK (BagIt) of one dossier as a ZIP: 404 unless the user may see the dossier."""
    return _package_zip(request, [pk], f"ho-so-{pk}", f"goi-eark-ho-so-{pk}.zip")


@login_required
def transfer_package(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """Gói E-ARK of a transfer (đợt nộp lưu): its dossiers the user may see, in the list's
    order; 404 for a transfer the user may not see. A whole fonds is exported with
    ``vanthu export-package --fonds`` (too large for one web request)."""
    ids = transfer_dossier_ids(_user(request), pk)
    if not ids:
        raise Http404
    return _package_zip(request, ids, f"nop-luu-{pk}", f"goi-eark-nop-luu-{pk}.zip")
