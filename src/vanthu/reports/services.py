"""The one write of the reports app: the audit event of a print that shows classified entries."""

from __future__ import annotations

from django.db import transaction

from vanthu.audit.services import record
from vanthu.orgs.models import Organization, User
from vanthu.registry.models import Document, Register
from vanthu.reports.periods import Period


@transaction.atomic
def record_register_print(
    *, actor: User, register: Register, period: Period, fmt: str, classified: int
) -> None:
    """architecture.md invariant 3: every read of classified documents leaves an event.

    Printing an ordinary register with no classified entry reads nothing secret: no event.
    """
    if classified == 0 and register.series == Register.Series.ORDINARY:
        return
    record(
        action="reports.register.print",
        actor=actor,
        organization=register.organization,
        obj=register,
        details={
            "date_from": period.date_from.isoformat(),
            "date_to": period.date_to.isoformat(),
            "format": fmt,
            "classified_entries": classified,
        },
    )


@transaction.atomic
def record_slip_print(*, actor: User, document: Document) -> None:
    if document.secrecy == "none":
        return
    record(
        action="reports.slip.print",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={},
    )


@transaction.atomic
def record_periodic_report(
    *, actor: User, organization: Organization, period: Period, fmt: str, rollup: bool
) -> None:
    """The official periodic report leaves the page: who made it, for what, over which period."""
    record(
        action="reports.periodic.print",
        actor=actor,
        organization=organization,
        obj=organization,
        details={
            "date_from": period.date_from.isoformat(),
            "date_to": period.date_to.isoformat(),
            "format": fmt,
            "rollup": rollup,
        },
    )


@transaction.atomic
def record_archive_report(
    *, actor: User, organization: Organization, period: Period, fmt: str
) -> None:
    """The archive and use statistics leave the page as a file."""
    record(
        action="reports.archive.print",
        actor=actor,
        organization=organization,
        obj=organization,
        details={
            "date_from": period.date_from.isoformat(),
            "date_to": period.date_to.isoformat(),
            "format": fmt,
        },
    )
