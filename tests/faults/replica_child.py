"""Run by tests/faults/test_replica.py in a child process with the production settings,
``DATABASE_URL`` on a primary and ``VANTHU_REPLICA_DATABASE_URL`` on its hot standby.

Registers a document through the API, then searches for it and prints its register, capturing
the SQL each database alias received during each step. Prints one JSON object.
"""

from __future__ import annotations

import datetime
import json
import time
import uuid

import django

django.setup()

from django.db import connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from vanthu.orgs.models import User  # noqa: E402
from vanthu.registry.models import Document  # noqa: E402
from vanthu.reports import selectors as report_selectors  # noqa: E402
from vanthu.reports.periods import Period  # noqa: E402


def captured(step: object) -> tuple[object, dict[str, list[str]]]:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        value = step() if callable(step) else None
    return value, {
        "default": [q["sql"] for q in primary.captured_queries],
        "replica": [q["sql"] for q in replica.captured_queries],
    }


def main() -> None:
    out: dict[str, object] = {}
    user = User.objects.get(username="vanthu")
    client = APIClient()
    client.force_authenticate(user)
    marker = f"Nhân{uuid.uuid4().hex[:6]}"
    body = {
        "sender": "Ban Tổ chức Thành ủy",
        "number_symbol": "15-CV/BTCTU",
        "document_type": "CV",
        "summary": f"V/v kiện toàn {marker} chi bộ",
        "secrecy": "none",
    }
    response, out["register"] = captured(
        lambda: client.post("/api/v1/incoming/", body, format="json")
    )
    assert response.status_code == 201, response.content  # type: ignore[attr-defined]
    doc_id = response.json()["id"]  # type: ignore[attr-defined]
    out["number"] = response.json()["number"]  # type: ignore[attr-defined]

    found = False
    deadline = time.monotonic() + 30
    while not found and time.monotonic() < deadline:
        response, out["search"] = captured(
            lambda: client.get("/api/v1/search/", {"q": marker.lower()})
        )
        assert response.status_code == 200, response.content  # type: ignore[attr-defined]
        found = any(r["id"] == doc_id for r in response.json()["results"])  # type: ignore[attr-defined]
        if not found:
            time.sleep(0.2)
    out["found"] = found

    document = Document.objects.get(pk=doc_id)
    today = datetime.date.today()
    period = Period(
        date_from=today - datetime.timedelta(days=2), date_to=today + datetime.timedelta(days=2)
    )
    entries, out["report"] = captured(
        lambda: [
            d.pk
            for d in report_selectors.iter_entries(user, document.register, period)  # type: ignore[arg-type]
        ]
    )
    out["in_register"] = doc_id in entries  # type: ignore[operator]

    # The replica really is a read-only copy: a write sent there by mistake would fail.
    try:
        with connections["replica"].cursor() as cursor:
            cursor.execute("CREATE TABLE replica_write_probe (x int)")
        out["replica_write"] = "accepted"
    except Exception as exc:
        out["replica_write"] = str(exc).splitlines()[0]
    print(json.dumps(out))


main()
