"""Writes of the archive's holdings: fonds, storage locations, archival numbers, giữ lại."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.archive.models import ArchivalUnit, Fonds, HeldBack, StorageLocation, TransferItem
from vanthu.archive.services import due_date, require_archivist
from vanthu.audit.services import record
from vanthu.guide.rules import cite
from vanthu.orgs.models import Organization, User
from vanthu.records.models import Dossier
from vanthu.records.services.common import Errors, leads, require_member

# NĐ 30 Điều 31: a unit may keep dossiers past the deadline for at most 02 years.
MAX_HOLD_YEARS = 2


def _required(value: str, field: str, label: str, limit: int, errors: Errors) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = [_("Phải ghi %s.") % label]
    elif len(value) > limit:
        errors[field] = [_("%(l)s dài tối đa %(n)s ký tự.") % {"l": label, "n": limit}]
    return value


@transaction.atomic
def create_fonds(
    *, actor: User, organization: Organization, kind: str, code: str, name: str
) -> Fonds:
    """Phông of an organisation; its Party and state fonds stay apart (Luật 2024 Điều 9.1)."""
    require_member(actor, organization)
    require_archivist(actor, organization)
    errors: Errors = {}
    if kind not in Fonds.Kind.values:
        errors["kind"] = [
            cite(
                "phong-luu-tru-dang",
                _("Loại phông phải là “party” (Đảng) hoặc “state” (Nhà nước)."),
            )
        ]
    code = _required(code, "code", _("mã phông"), 40, errors)
    name = _required(name, "name", _("tên phông"), 500, errors)
    if not errors and Fonds.objects.filter(organization=organization, kind=kind).exists():
        errors["kind"] = [_("Tổ chức đã có phông loại này.")]
    if not errors and Fonds.objects.filter(code=code).exists():
        errors["code"] = [_("Mã phông %s đã dùng.") % code]
    if errors:
        raise ValidationError(errors)
    fonds = Fonds.objects.create(organization=organization, kind=kind, code=code, name=name)
    record(action="archive.fonds.create", actor=actor, organization=organization, obj=fonds)
    return fonds


@transaction.atomic
def create_location(
    *,
    actor: User,
    organization: Organization,
    kind: str,
    code: str,
    name: str = "",
    parent: StorageLocation | None = None,
) -> StorageLocation:
    """Kho (no parent) → giá (in a kho) → hộp (on a giá)."""
    require_member(actor, organization)
    require_archivist(actor, organization)
    errors: Errors = {}
    expected = {"store": None, "shelf": "store", "box": "shelf"}
    if kind not in expected:
        errors["kind"] = [_("Loại vị trí phải là kho (store), giá (shelf) hoặc hộp (box).")]
    elif parent is None and expected[kind] is not None:
        errors["parent"] = [_("Giá phải thuộc một kho, hộp phải đặt trên một giá.")]
    elif parent is not None and (
        parent.organization_id != organization.pk or parent.kind != expected[kind]
    ):
        errors["parent"] = [_("Vị trí cha không hợp lệ cho loại này.")]
    code = _required(code, "code", _("số"), 30, errors)
    if len(name) > 300:
        errors["name"] = [_("Tên dài tối đa 300 ký tự.")]
    if (
        not errors
        and StorageLocation.objects.filter(organization=organization, kind=kind, code=code).exists()
    ):
        errors["code"] = [_("Số %s đã dùng.") % code]
    if errors:
        raise ValidationError(errors)
    location = StorageLocation.objects.create(
        organization=organization, kind=kind, code=code, name=name.strip(), parent=parent
    )
    record(action="archive.location.create", actor=actor, organization=organization, obj=location)
    return location


def _accepted(dossier: Dossier) -> bool:
    return TransferItem.objects.filter(
        dossier=dossier, active=True, transfer__status="accepted"
    ).exists()


@transaction.atomic
def assign_number(
    *,
    actor: User,
    dossier: Dossier,
    fonds: Fonds,
    catalogue_number: int,
    file_number: int,
    box: StorageLocation | None = None,
) -> ArchivalUnit:
    """Mục lục số, hộp số, hồ sơ số of a dossier the archive has accepted."""
    if not policy.can_view(actor, dossier):
        policy.raise_404()
    require_archivist(actor, dossier.organization)
    errors: Errors = {}
    if not _accepted(dossier):
        errors["dossier"] = [_("Hồ sơ chưa được lưu trữ tiếp nhận.")]
    if fonds.organization_id != dossier.organization_id:
        errors["fonds"] = [_("Phông không thuộc tổ chức của hồ sơ.")]
    if box is not None and (box.kind != "box" or box.organization_id != dossier.organization_id):
        errors["box"] = [_("Phải chọn một hộp của tổ chức.")]
    for field, value in (("catalogue_number", catalogue_number), ("file_number", file_number)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors[field] = [_("Phải là số nguyên dương.")]
    if errors:
        raise ValidationError(errors)
    clash = ArchivalUnit.objects.filter(
        fonds=fonds, catalogue_number=catalogue_number, file_number=file_number
    ).exclude(dossier=dossier)
    if clash.exists():
        raise ValidationError({"file_number": [_("Số lưu trữ này đã cấp cho hồ sơ khác.")]})
    try:
        with transaction.atomic():
            unit, _created = ArchivalUnit.objects.update_or_create(
                dossier=dossier,
                defaults={
                    "fonds": fonds,
                    "catalogue_number": catalogue_number,
                    "file_number": file_number,
                    "box": box,
                    "assigned_by": actor,
                },
            )
    except IntegrityError as exc:  # a concurrent assignment of the same number
        raise ValidationError(
            {"file_number": [_("Số lưu trữ này đã cấp cho hồ sơ khác.")]}
        ) from exc
    record(
        action="archive.number.assign",
        actor=actor,
        organization=dossier.organization,
        obj=dossier,
        details={"number": str(unit), "box": box.code if box else None},
    )
    return unit


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def request_hold_back(
    *, actor: User, dossier: Dossier, reason: str, until: datetime.date
) -> HeldBack:
    """Giữ lại: ask the head to keep a due dossier, ≤ 02 years past its due date."""
    if not policy.can_view(actor, dossier):
        policy.raise_404()
    require_member(actor, dossier.organization)
    errors: Errors = {}
    reason = _required(reason, "reason", _("lý do giữ lại"), 5000, errors)
    due = due_date(dossier)
    if dossier.status != Dossier.Status.CLOSED or due is None:
        errors["dossier"] = [_("Chỉ giữ lại hồ sơ đã kết thúc.")]
    elif not isinstance(until, datetime.date) or until <= timezone.localdate():
        errors["until"] = [_("Ngày giữ lại đến phải sau hôm nay.")]
    elif until > _add_years(due, MAX_HOLD_YEARS):
        errors["until"] = [
            cite(
                "giu-lai",
                _("Chỉ được giữ lại tối đa 02 năm sau hạn nộp lưu (đến %s).")
                % _add_years(due, MAX_HOLD_YEARS).strftime("%d/%m/%Y"),
            )
        ]
    if errors:
        raise ValidationError(errors)
    hold = HeldBack.objects.create(
        dossier=dossier,
        organization=dossier.organization,
        reason=reason,
        until=until,
        requested_by=actor,
    )
    record(
        action="archive.held_back.request",
        actor=actor,
        organization=dossier.organization,
        obj=dossier,
        details={"until": until.isoformat()},
    )
    return hold


@transaction.atomic
def decide_hold_back(*, actor: User, held: HeldBack, approve: bool) -> HeldBack:
    """The head approves in writing (NĐ 30 Điều 31); never the one who asked."""
    held = HeldBack.objects.select_for_update().select_related("organization").get(pk=held.pk)
    if not policy.can_view(actor, held):
        policy.raise_404()
    require_other_leader(actor, held.organization, held.requested_by_id)
    if held.status != HeldBack.Status.REQUESTED:
        raise ValidationError({"status": [_("Đề nghị giữ lại đã được xử lý.")]})
    held.status = HeldBack.Status.APPROVED if approve else HeldBack.Status.REFUSED
    held.decided_by = actor
    held.decided_at = timezone.now()
    held.save()
    if approve:
        # The stored state the due list filters on: the latest approved date counts. The
        # dossier's row is locked first, so that two approvals at once both count.
        list(Dossier.objects.select_for_update().filter(pk=held.dossier_id).values("pk"))
        latest = HeldBack.objects.filter(
            dossier_id=held.dossier_id, status=HeldBack.Status.APPROVED
        ).aggregate(last=Max("until"))["last"]
        Dossier.objects.filter(pk=held.dossier_id).update(held_back_until=latest)
    record(
        action="archive.held_back.approve" if approve else "archive.held_back.refuse",
        actor=actor,
        organization=held.organization,
        obj=held.dossier,
    )
    return held


def require_other_leader(actor: User, organization: Organization, requester_id: int) -> None:
    """Approval by a leader of the organisation who is not the one asking (issue 7)."""
    if actor.pk == requester_id:
        raise PermissionDenied(_("Không được tự duyệt đề nghị của chính mình."))
    if not leads(actor, organization):
        raise PermissionDenied(_("Chỉ lãnh đạo của tổ chức mới được duyệt."))
