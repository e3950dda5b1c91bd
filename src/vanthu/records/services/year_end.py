"""Kết thúc năm: the year-end wizard of an office's clerk or archivist (issue #7, #12).

Three steps, each one transaction with one summary audit event, each idempotent (running it
again finds nothing left to do and changes nothing):

1. close the year's open dossiers (kết thúc hồ sơ), refusing, with the reason, those that
   cannot be closed (no document, not the actor's to close);
2. hand the year's closed dossiers that must go to the archive in one transfer (mục lục hồ sơ
   nộp lưu), through the archive's own services;
3. open next year's registers through the registry's own ``default_register`` (văn bản đến runs
   per calendar year, the classified series separate: NĐ 30 Điều 22, Điều 15) and start next
   year's file plan as a draft copied from this year's.

Not exported from ``records.services``: the archive app imports ``records.services`` and this
module imports the archive's, so it is imported by its full name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.archive import selectors as archive_selectors
from vanthu.archive import services as archive_services
from vanthu.archive.models import Transfer, TransferItem
from vanthu.audit.services import record
from vanthu.orgs.models import Organization, User
from vanthu.records.models import Dossier, FilePlan
from vanthu.records.selectors import open_dossiers_of_year
from vanthu.records.services.common import Errors, check_year, require_record_keeper
from vanthu.records.services.dossiers import close_dossier
from vanthu.records.services.file_plans import copy_file_plan_from_previous_year
from vanthu.registry import numbering
from vanthu.registry.models import ALL_TYPES, Counter, Direction, Register


@dataclass
class Refusal:
    code: str
    reason: str


@dataclass
class CloseSummary:
    year: int
    closed: list[Dossier] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


@dataclass
class TransferSummary:
    year: int
    transfer: Transfer | None = None
    # Dossiers of the year already in a live transfer (an earlier run, or a transfer by hand).
    already: int = 0


@dataclass
class NextYearSummary:
    year: int
    registers: list[tuple[Register, bool]] = field(default_factory=list)  # (register, new?)
    plan: FilePlan | None = None
    plan_created: bool = False
    plan_note: str = ""


def _checked_year(year: object) -> int:
    errors: Errors = {}
    check_year(year, errors)
    if errors or not isinstance(year, int):
        raise ValidationError(errors)
    return year


def _reason(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("Bạn không có quyền kết thúc hồ sơ này.")
    return " ".join(exc.messages)


@transaction.atomic
def close_year(
    *, actor: User, organization: Organization, year: int, note: str = ""
) -> CloseSummary:
    """Step 1: close every open dossier of ``year`` the actor may see; report those refused.

    Per dossier, unlike bulk filing: each closing stands on its own (its own note, counts and
    audit event), and one empty dossier must not keep the rest of the office's year open.
    """
    require_record_keeper(actor, organization)
    summary = CloseSummary(year=_checked_year(year))
    for dossier in open_dossiers_of_year(actor, organization_id=organization.pk, year=year):
        try:
            with transaction.atomic():
                summary.closed.append(close_dossier(actor=actor, dossier=dossier, note=note))
        except (ValidationError, PermissionDenied) as exc:
            summary.refused.append(Refusal(code=dossier.code, reason=_reason(exc)))
    if not summary.closed:
        return summary  # nothing changed: a second run leaves no trace either
    record(
        action="records.year_end.close",
        actor=actor,
        organization=organization,
        obj=organization,
        details={
            "year": year,
            "closed": [d.pk for d in summary.closed],
            "refused": len(summary.refused),
        },
    )
    return summary


@transaction.atomic
def transfer_year(*, actor: User, organization: Organization, year: int) -> TransferSummary:
    """Step 2: one transfer (nộp lưu) of the year's closed dossiers that must be handed in."""
    require_record_keeper(actor, organization)
    summary = TransferSummary(year=_checked_year(year))
    due = list(
        archive_selectors.transfer_due(actor, organization=str(organization.pk)).filter(year=year)
    )
    mine = policy.visible(actor, Dossier.objects.filter(organization=organization, year=year))
    summary.already = (
        TransferItem.objects.filter(active=True, dossier__in=mine.values("pk"))
        .values("dossier")
        .distinct()
        .count()
    )
    if due:
        summary.transfer = archive_services.create_transfer(
            actor=actor,
            organization=organization,
            dossiers=due,
            title=_("Hồ sơ, tài liệu năm %s") % year,
        )
    if summary.transfer is None:
        return summary
    record(
        action="records.year_end.transfer",
        actor=actor,
        organization=organization,
        obj=organization,
        details={
            "year": year,
            "transfer": summary.transfer.pk,
            "dossiers": [d.pk for d in due],
        },
    )
    return summary


def _open_register(register: Register, year: int) -> bool:
    """Start next year's sequence of a yearly register at 0; True when it did not exist yet."""
    if register.period != Register.Period.YEAR or register.scope != Register.Scope.ALL_TYPES:
        # Term and congress registers run on; per-type sequences start at their first number.
        return False
    key = str(year)
    numbering.check_open(register, key)
    _counter, created = Counter.objects.get_or_create(
        register=register, period_key=key, type_key=ALL_TYPES
    )
    return created


@transaction.atomic
def open_next_year(*, actor: User, organization: Organization, year: int) -> NextYearSummary:
    """Step 3: next year's registers (incoming and outgoing, ordinary and classified series)
    and next year's file plan as a draft copied from ``year``'s."""
    require_record_keeper(actor, organization)
    _checked_year(year)
    summary = NextYearSummary(year=year + 1)
    for direction in (Direction.INCOMING, Direction.OUTGOING):
        for series in (Register.Series.ORDINARY, Register.Series.CLASSIFIED):
            existed = Register.objects.filter(
                organization=organization, direction=direction, series=series, is_default=True
            ).exists()
            register = numbering.default_register(
                organization=organization, direction=direction, series=series
            )
            started = _open_register(register, year + 1)
            summary.registers.append((register, started or not existed))
    summary.plan = FilePlan.objects.filter(organization=organization, year=year + 1).first()
    if summary.plan is None:
        if FilePlan.objects.filter(organization=organization, year=year).exists():
            summary.plan = copy_file_plan_from_previous_year(
                actor=actor, organization=organization, year=year + 1
            )
            summary.plan_created = True
        else:
            summary.plan_note = _("Chưa có danh mục hồ sơ năm %s để sao sang năm sau.") % year
    if not summary.plan_created and not any(new for _r, new in summary.registers):
        return summary
    record(
        action="records.year_end.next_year",
        actor=actor,
        organization=organization,
        obj=organization,
        details={
            "year": year + 1,
            "registers": [r.pk for r, new in summary.registers if new],
            "plan": summary.plan.pk if summary.plan_created and summary.plan else None,
        },
    )
    return summary
