"""Writes of the records app. Each is one transaction with its audit event inside it."""

from vanthu.records.services.dossiers import (
    add_document,
    close_dossier,
    create_dossier,
    remove_document,
    reopen_dossier,
    set_access_regime,
)
from vanthu.records.services.file_plans import (
    add_heading,
    add_plan_item,
    approve_file_plan,
    copy_file_plan_from_previous_year,
    create_file_plan,
    plan_counts,
)
from vanthu.records.services.retention import load_retention_schedule

__all__ = [
    "add_document",
    "add_heading",
    "add_plan_item",
    "approve_file_plan",
    "close_dossier",
    "copy_file_plan_from_previous_year",
    "create_dossier",
    "create_file_plan",
    "load_retention_schedule",
    "plan_counts",
    "remove_document",
    "reopen_dossier",
    "set_access_regime",
]
