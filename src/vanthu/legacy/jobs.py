"""Background work of the legacy import: one wizard run (dry or real) of an uploaded register."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from vanthu.core.jobs import PermanentError, handler
from vanthu.legacy import wizard


@handler(wizard.JOB_KIND)
def import_upload(payload: dict[str, Any]) -> dict[str, Any]:
    """Runs once (max_attempts=1): a real import is one transaction, so a failed run left
    nothing behind and the user may start it again from the page."""
    try:
        return wizard.run_upload(
            str(payload["token"]), dict(payload.get("mapping") or {}), bool(payload["dry_run"])
        )
    except ValidationError as exc:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"file": exc.messages}
        raise PermanentError(" ".join(m for ms in messages.values() for m in ms)) from exc
    except PermissionDenied as exc:
        raise PermanentError("Người dùng không còn là văn thư của tổ chức.") from exc
