"""Background work of notifications: the daily deadline reminder and the daily e-mail digest
(queue "default")."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from vanthu.core.jobs import PermanentError, handler
from vanthu.notify import services

KIND = "notify.reminders"
DIGEST_KIND = "notify.digest"


@handler(KIND)
def send_reminders(payload: dict[str, Any]) -> dict[str, Any]:
    """Idempotent: a second run for the same day stores nothing new (one reminder per
    assignment, kind and day; one nộp lưu reminder per organisation, recipient and day)."""
    raw = payload.get("day")
    try:
        day = datetime.date.fromisoformat(raw) if raw else timezone.localdate()
    except (TypeError, ValueError) as exc:
        raise PermanentError(f"Ngày không hợp lệ: {raw!r}") from exc
    counts = services.reminders_for(day)
    if "skipped_day_off" not in counts:
        counts["transfer_due"] = services.transfer_reminders_for(day)
    return {"day": day.isoformat(), **counts}


@handler(DIGEST_KIND)
def send_digest(payload: dict[str, Any]) -> dict[str, Any]:
    """The e-mail digest of one local day; idempotent (what was sent is marked e-mailed)."""
    raw = payload.get("day")
    try:
        day = (
            datetime.date.fromisoformat(raw)
            if raw
            else timezone.localdate() - datetime.timedelta(days=1)
        )
    except (TypeError, ValueError) as exc:
        raise PermanentError(f"Ngày không hợp lệ: {raw!r}") from exc
    return {"day": day.isoformat(), **services.send_digests(day)}
