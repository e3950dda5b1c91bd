"""Writes of nộp lưu: hand in closed dossiers, accept or return them. One transaction each."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.archive.models import Transfer, TransferItem
from vanthu.audit.services import record
from vanthu.core.enums import Role, Secrecy
from vanthu.guide.rules import cite
from vanthu.orgs.models import Organization, User
from vanthu.records.models import Dossier, RetentionCode
from vanthu.records.services.common import (
    Errors,
    require_member,
    require_record_keeper,
    roles_in,
)

# NĐ 30 Điều 31.3c: dossiers kept 05 years or more must be handed to the archive.
MIN_YEARS_TO_TRANSFER = 5


def must_transfer(dossier: Dossier) -> bool:
    if dossier.retention_code == RetentionCode.PERMANENT:
        return True
    return dossier.retention_years is not None and dossier.retention_years >= MIN_YEARS_TO_TRANSFER


def due_date(dossier: Dossier) -> datetime.date | None:
    """NĐ 30 Điều 30, Luật Lưu trữ 2024: at most 01 year from the day the work ended."""
    ended = dossier.end_date or (
        timezone.localtime(dossier.closed_at).date() if dossier.closed_at else None
    )
    if ended is None:
        return None
    try:
        return ended.replace(year=ended.year + 1)
    except ValueError:  # 29/02 → 28/02 of the next year
        return ended.replace(year=ended.year + 1, day=28)


def require_archivist(actor: User, organization: Organization) -> None:
    """Lưu trữ viên of the organisation receives transfers (lưu trữ hiện hành)."""
    if actor.is_superuser:
        return
    if Role.ARCHIVIST not in roles_in(actor, organization):
        raise PermissionDenied(_("Chỉ lưu trữ viên của tổ chức mới được tiếp nhận hồ sơ nộp lưu."))


@transaction.atomic
def create_transfer(
    *, actor: User, organization: Organization, dossiers: list[Dossier], title: str = ""
) -> Transfer:
    """Nộp lưu: closed dossiers of the organisation, each in one live transfer at most."""
    require_member(actor, organization)
    errors: Errors = {}
    if not dossiers:
        raise ValidationError({"dossiers": [_("Phải chọn ít nhất một hồ sơ để nộp lưu.")]})
    pks = [d.pk for d in dossiers]
    locked = list(
        Dossier.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(pk__in=pks)
        .order_by("pk")
    )
    # One query each for visibility and for live transfers, not one per dossier: a transfer
    # of 500 dossiers took 15 s with a check per dossier (docs/benchmarks.md, archive).
    seen = set(
        policy.visible(actor, Dossier.objects.filter(pk__in=pks)).values_list("pk", flat=True)
    )
    live = set(
        TransferItem.objects.filter(dossier__in=pks, active=True).values_list(
            "dossier_id", flat=True
        )
    )
    by_pk = {d.pk: d for d in locked}
    keepers: set[int] = set()
    ordered: list[Dossier] = []
    problems: list[str] = []
    for given in dossiers:
        dossier = by_pk.get(given.pk)
        # A dossier the actor may not see is not there (404, never 403).
        if dossier is None or dossier.pk not in seen:
            raise Http404
        # records.require_editor, without its per-dossier visibility query (checked above).
        editor = actor.pk in (dossier.created_by_id, dossier.responsible_id)
        if not editor and dossier.organization_id not in keepers:
            require_record_keeper(actor, dossier.organization)
            keepers.add(dossier.organization_id)
        if dossier in ordered:
            problems.append(_("Hồ sơ %s được chọn hai lần.") % dossier.code)
        elif dossier.organization_id != organization.pk:
            problems.append(_("Hồ sơ %s không thuộc tổ chức này.") % dossier.code)
        elif dossier.status != Dossier.Status.CLOSED:
            problems.append(cite("nop-luu-han", _("Hồ sơ %s chưa kết thúc.") % dossier.code))
        elif not must_transfer(dossier):
            problems.append(
                cite(
                    "nop-luu-han",
                    _("Hồ sơ %s có thời hạn bảo quản dưới 05 năm, không nộp lưu.") % dossier.code,
                )
            )
        elif dossier.pk in live:
            problems.append(_("Hồ sơ %s đã được nộp lưu.") % dossier.code)
        ordered.append(dossier)
    if problems:
        errors["dossiers"] = problems
    title = title.strip() or _("Hồ sơ, tài liệu năm %s") % ", ".join(
        str(y) for y in sorted({d.year for d in ordered})
    )
    if len(title) > 500:
        errors["title"] = [_("Tên khối tài liệu dài tối đa 500 ký tự.")]
    if errors:
        raise ValidationError(errors)
    secrecy = max((d.secrecy for d in ordered), key=Secrecy.rank)
    transfer = Transfer.objects.create(
        organization=organization, title=title, secrecy=secrecy, created_by=actor
    )
    TransferItem.objects.bulk_create(
        TransferItem(transfer=transfer, dossier=d, position=n)
        for n, d in enumerate(ordered, start=1)
    )
    # The stored state the due list filters on (records.Dossier.handed_in), in this transaction.
    Dossier.objects.filter(pk__in=[d.pk for d in ordered]).update(handed_in=True)
    record(
        action="archive.transfer.create",
        actor=actor,
        organization=organization,
        obj=transfer,
        details={"dossiers": [d.pk for d in ordered]},
    )
    return transfer


def _decidable(actor: User, transfer: Transfer) -> Transfer:
    transfer = (
        Transfer.objects.select_for_update().select_related("organization").get(pk=transfer.pk)
    )
    if not policy.can_view(actor, transfer):
        policy.raise_404()
    require_archivist(actor, transfer.organization)
    if transfer.status != Transfer.Status.SUBMITTED:
        raise ValidationError(
            {"transfer": [_("Đợt nộp lưu này đã được xử lý (%s).") % transfer.get_status_display()]}
        )
    return transfer


@transaction.atomic
def accept_transfer(*, actor: User, transfer: Transfer, note: str = "") -> Transfer:
    """The archivist checks the dossiers against the list and takes them under archival control."""
    transfer = _decidable(actor, transfer)
    transfer.status = Transfer.Status.ACCEPTED
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.decision_note = note.strip()
    transfer.save()
    record(
        action="archive.transfer.accept",
        actor=actor,
        organization=transfer.organization,
        obj=transfer,
        details={"dossiers": transfer.items.count()},
    )
    return transfer


@transaction.atomic
def return_transfer(*, actor: User, transfer: Transfer, reason: str) -> Transfer:
    """Trả lại: the dossiers go back to the unit, free to be handed in again."""
    transfer = _decidable(actor, transfer)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Phải ghi lý do trả lại.")]})
    transfer.status = Transfer.Status.RETURNED
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.decision_note = reason.strip()
    transfer.save()
    transfer.items.update(active=False)
    # Free to be handed in again: back on the due list (a dossier has one live transfer at most).
    Dossier.objects.filter(pk__in=transfer.items.values("dossier_id")).update(handed_in=False)
    record(
        action="archive.transfer.return",
        actor=actor,
        organization=transfer.organization,
        obj=transfer,
        details={"reason": reason.strip()},
    )
    return transfer
