"""Nightly fixity checks: PREMIS-style events, alerts, and the admin-only list."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from vanthu.audit.models import Event
from vanthu.core import blobstore
from vanthu.core.jobs import enqueue, run_pending
from vanthu.preservation import fixity
from vanthu.preservation.models import FixityCheck


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_slice_size_spreads_all_blobs_over_the_cycle() -> None:
    assert fixity.slice_size(0, 365) == 0
    assert fixity.slice_size(10, 365) == 1
    assert fixity.slice_size(3650, 365) == 10
    assert fixity.slice_size(5, 0) == 5


def test_nightly_job_checks_oldest_first_and_records_events(filled: Any) -> None:
    _dossier, files = filled
    with_job = enqueue("preservation.fixity", {"limit": 1}, queue="fixity")
    assert with_job.queue == "fixity"
    run_pending()
    first = FixityCheck.objects.get()
    assert first.outcome == "pass"
    fixity.run_slice(limit=1)
    # The second night reads the blob not yet checked.
    assert {c.sha256 for c in FixityCheck.objects.all()} == {f.sha256 for f in files}
    assert not Event.objects.filter(action="fixity.failed").exists()


def test_mismatch_and_missing_alert_and_are_listed_for_admins(filled: Any, make_user: Any,
                                                              office: Any) -> None:  # fmt: skip
    _dossier, files = filled
    path = blobstore.path_of(files[0].sha256)
    path.write_bytes(path.read_bytes()[:-1] + b"X")
    blobstore.path_of(files[1].sha256).unlink()
    counts = fixity.run_slice(limit=10)
    assert counts == {"pass": 0, "fail": 1, "missing": 1}
    alerts = Event.objects.filter(action="fixity.failed")
    assert {e.details["outcome"] for e in alerts} == {"fail", "missing"}

    admin = make_user(username="qt", organization=office.org, roles=["admin"])
    response = client_for(admin).get("/api/v1/fixity/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {r["sha256"] for r in rows} == {f.sha256 for f in files}
    assert all(set(r) == {"sha256", "outcome", "checked_at"} for r in rows)
    assert "hội nghị" not in response.content.decode()
    only_missing = client_for(admin).get("/api/v1/fixity/?outcome=missing").json()
    assert [r["outcome"] for r in only_missing["results"]] == ["missing"]


def test_fixity_list_is_refused_to_non_admins(filled: Any, office: Any) -> None:
    fixity.run_slice(limit=10)
    assert client_for(office.clerk).get("/api/v1/fixity/").status_code == 403
    assert APIClient().get("/api/v1/fixity/").status_code == 401
