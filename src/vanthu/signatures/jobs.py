"""Background job handler of the signatures app (contract: core.jobs)."""

from __future__ import annotations

from typing import Any

from vanthu.core.jobs import PermanentError, handler, int_field
from vanthu.registry.models import DocumentFile

from .services import JOB_KIND, verify_file


@handler(JOB_KIND)
def verify(payload: dict[str, Any]) -> dict[str, Any] | None:
    """Check the signatures of one DocumentFile; a file that is not a PDF gives no row."""
    file_id = int_field(payload, "file_id")
    if not DocumentFile.objects.filter(pk=file_id).exists():
        raise PermanentError(f"Không có tệp {file_id}.")
    check = verify_file(file_id=file_id)
    if check is None:
        return {"file_id": file_id, "state": None}
    return {"file_id": file_id, "state": check.state}
