"""Background work of the access module: the protection-period notice (Celery beat)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from vanthu.access.classified.selectors import expiring_by_organization
from vanthu.core.jobs import handler


def notice_days() -> int:
    return int(getattr(settings, "VANTHU_PROTECTION_NOTICE_DAYS", 180))


@handler("access.protection_expiring")
def protection_expiring(payload: dict[str, Any]) -> dict[str, Any]:
    """Which organisations have classified documents whose protection ends within the notice
    period (Luật BVBMNN 2018 Điều 20: an extension is decided before the end). Read-only, so
    running it twice is harmless; each leader reads their list at
    ``GET /api/v1/classified/expiring/`` and on the documents' pages."""
    days = int(payload.get("days") or notice_days())
    found = expiring_by_organization(days=days)
    return {
        "days": days,
        "documents": sum(len(ids) for ids in found.values()),
        "organizations": {str(org): ids for org, ids in found.items()},
    }


# Ids in a job's result are capped: the audit log and the documents' pages hold them all.
RESULT_IDS = 1000


@handler("access.protection_declassify")
def protection_declassify(payload: dict[str, Any]) -> dict[str, Any]:
    """Giải mật at expiry (domain.md §5.1, Luật BVBMNN 2018 Điều 22: automatic when the period
    ends without extension). Idempotent: a second run finds nothing left to do."""
    from vanthu.access.classified.expiry import declassify_expired

    outcome = declassify_expired()
    return {
        "declassified": len(outcome.declassified),
        "documents": outcome.declassified[:RESULT_IDS],
        "decided_today": outcome.decided_today[:RESULT_IDS],
    }
