"""Background work of preservation: the nightly fixity slice (queue "fixity")."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from vanthu.core.jobs import handler
from vanthu.preservation import fixity


def cycle_days() -> float:
    """VANTHU_FIXITY_CYCLE_DAYS (a setting or the environment): all blobs read within it."""
    value = getattr(settings, "VANTHU_FIXITY_CYCLE_DAYS", None) or os.environ.get(
        "VANTHU_FIXITY_CYCLE_DAYS", fixity.DEFAULT_CYCLE_DAYS
    )
    return float(str(value))


@handler("preservation.fixity")
def run_fixity(payload: dict[str, Any]) -> dict[str, Any]:
    """Idempotent: a second run re-reads the next-oldest blobs, which costs time, never data."""
    limit = payload.get("limit")
    counts = fixity.run_slice(cycle_days=cycle_days(), limit=int(limit) if limit else None)
    return {"checked": counts}
