"""Job handlers of the exchange app (discovered by vanthu.core.jobs)."""

from __future__ import annotations

from typing import Any

from vanthu.core.jobs import PermanentError, handler
from vanthu.exchange import outbox


@handler(outbox.DELIVER)
def deliver(payload: dict[str, Any]) -> dict[str, Any]:
    """One delivery attempt of an outbox message; a DeliveryError makes the job retry later."""
    try:
        message_id = int(payload["message"])
    except (KeyError, TypeError, ValueError) as exc:
        raise PermanentError(f"payload không hợp lệ: {payload!r}") from exc
    return {"status": outbox.deliver(message_id)}
