"""Writes on dossiers (hồ sơ): open, file documents, close, reopen. One transaction each."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.audit.services import record
from vanthu.core.enums import Secrecy
from vanthu.guide.rules import cite
from vanthu.orgs.models import Organization, User
from vanthu.records.models import AccessRegime, Dossier, DossierDocument, FilePlan, FilePlanItem
from vanthu.records.services.common import (
    Errors,
    check_year,
    clean_retention,
    is_member,
    leads,
    local_date,
    require_member,
    require_record_keeper,
    roles_in,
)
from vanthu.registry.models import Document

CODE_MAX = Dossier._meta.get_field("code").max_length or 30
TITLE_MAX = Dossier._meta.get_field("title").max_length or 1000


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def require_editor(actor: User, dossier: Dossier) -> None:
    """The person making the dossier, its creator, or the organisation's record keepers."""
    if not policy.can_view(actor, dossier):
        policy.raise_404()
    if actor.pk in (dossier.created_by_id, dossier.responsible_id):
        return
    require_record_keeper(actor, dossier.organization)


def _require_open(dossier: Dossier) -> None:
    if dossier.status != Dossier.Status.OPEN:
        raise ValidationError(
            {"dossier": [_("Hồ sơ %s đã kết thúc; phải mở lại trước khi sửa.") % dossier.code]}
        )


def document_date(document: Document) -> datetime.date:
    """The date a document counts for in the dossier's time span (TT 02/2019 StartDate)."""
    if document.issued_date is not None:
        return document.issued_date
    if document.received_at is not None:
        return local_date(document.received_at)
    return local_date(document.created_at)


def _refresh(dossier: Dossier) -> None:
    """Recompute what the dossier derives from its documents; secrecy only ever goes up."""
    documents = [e.document for e in dossier.entries.select_related("document")]
    dates = [document_date(d) for d in documents]
    dossier.start_date = min(dates) if dates else None
    dossier.end_date = max(dates) if dates else None
    dossier.document_count = len(documents)
    dossier.page_count = sum(d.page_count or 0 for d in documents)
    # A dossier is as secret as its most secret document (domain.md §6.2). Lowering it is a
    # declassification (giải mật), a decision of its own, never a side effect of removing one.
    for d in documents:
        if Secrecy.rank(d.secrecy) > Secrecy.rank(dossier.secrecy):
            dossier.secrecy = d.secrecy
    # A classified dossier is used under the "mật" regime only (TT 05/2025 chế độ sử dụng).
    if dossier.secrecy != Secrecy.NONE:
        dossier.access_regime = AccessRegime.SECRET


def clean_regime(value: object, secrecy: str, errors: Errors) -> str:
    """The chế độ sử dụng asked for, checked: one of the codes, and 03 for classified ones."""
    if value in (None, ""):
        return AccessRegime.SECRET if secrecy != Secrecy.NONE else AccessRegime.PUBLIC
    if value not in AccessRegime.values:
        errors["access_regime"] = [
            _("Chế độ sử dụng phải là 01 (công khai), 02 (sử dụng có điều kiện) hoặc 03 (mật).")
        ]
        return ""
    if secrecy != Secrecy.NONE and value != AccessRegime.SECRET:
        errors["access_regime"] = [_("Hồ sơ có độ mật chỉ được đặt chế độ sử dụng Mật (03).")]
    return str(value)


def _duplicate(code: str, year: object) -> str:
    return cite(
        "so-ky-hieu-ho-so",
        _("Số và ký hiệu hồ sơ %(code)s đã có trong năm %(year)s.") % {"code": code, "year": year},
    )


@transaction.atomic
def create_dossier(*, actor: User, organization: Organization, data: dict[str, Any]) -> Dossier:
    """Mở hồ sơ (NĐ 30 Điều 29): from a file plan item, or ad hoc with the same fields."""
    require_member(actor, organization)
    errors: Errors = {}
    item: FilePlanItem | None = data.get("plan_item")
    if item is not None:
        # Re-read: the caller's copy may predate the plan's approval.
        item = FilePlanItem.objects.select_related("plan", "responsible").get(pk=item.pk)
        plan = item.plan
        if plan.organization_id != organization.pk:
            policy.raise_404()
        if plan.status != FilePlan.Status.APPROVED:
            errors["plan_item"] = [
                cite("danh-muc-ho-so", _("Danh mục hồ sơ năm %s chưa được ban hành.") % plan.year)
            ]
    raw_year = data.get("year") or (item.plan.year if item is not None else None)
    check_year(raw_year, errors)
    year: int = raw_year if isinstance(raw_year, int) else 0
    if item is not None and year and year != item.plan.year:
        errors["year"] = [
            cite("mo-ho-so", _("Hồ sơ trong danh mục năm %s phải mở cho năm đó.") % item.plan.year)
        ]
    code = (data.get("code") or (item.code if item else "")).strip()
    title = (data.get("title") or (item.title if item else "")).strip()
    if not code:
        errors["code"] = [_("Số và ký hiệu hồ sơ không được để trống.")]
    elif len(code) > CODE_MAX:
        errors["code"] = [_("Số và ký hiệu hồ sơ dài tối đa %s ký tự.") % CODE_MAX]
    if not title:
        errors["title"] = [_("Tiêu đề hồ sơ không được để trống.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Tiêu đề hồ sơ dài tối đa %s ký tự.") % TITLE_MAX]
    if "retention_years" in data or "retention_code" in data or item is None:
        retention = clean_retention(data.get("retention_code"), data.get("retention_years"), errors)
    else:
        retention = (item.retention_code, item.retention_years)
    responsible: User | None = data.get("responsible") or (item.responsible if item else None)
    if responsible is None:
        responsible = actor
    elif not is_member(responsible, organization):
        errors["responsible"] = [_("Người lập hồ sơ phải công tác tại tổ chức này.")]
    regime = clean_regime(data.get("access_regime"), Secrecy.NONE, errors)
    taken = Dossier.objects.filter(organization=organization, year=year, code=code)
    if code and "code" not in errors and year and taken.exists():
        errors["code"] = [_duplicate(code, year)]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(
                organization=organization,
                code=code,
                title=title,
                year=year,
                retention_code=retention[0],
                retention_years=retention[1],
                plan_item=item,
                responsible=responsible,
                opened_at=timezone.now(),
                notes=(data.get("notes") or "").strip(),
                access_regime=regime,
                created_by=actor,
            )
    except IntegrityError as exc:
        # Two clerks opening the same code at once: the constraint decides, with the same words.
        raise ValidationError({"code": [_duplicate(code, year)]}) from exc
    record(
        action="records.dossier.create",
        actor=actor,
        organization=organization,
        obj=dossier,
        details={"code": code, "year": year, "plan_item": item.pk if item else None},
    )
    return dossier


@transaction.atomic
def set_access_regime(*, actor: User, dossier: Dossier, access_regime: object) -> Dossier:
    """Change the chế độ sử dụng (the dossier's editors); a classified dossier stays 03."""
    dossier = _locked(dossier)
    require_editor(actor, dossier)
    errors: Errors = {}
    regime = clean_regime(access_regime if access_regime != "" else None, dossier.secrecy, errors)
    if access_regime in (None, ""):
        errors["access_regime"] = [_("Phải chọn chế độ sử dụng.")]
    if errors:
        raise ValidationError(errors)
    before = dossier.access_regime
    dossier.access_regime = regime
    dossier.save(update_fields=["access_regime", "updated_at"])
    record(
        action="records.dossier.access_regime",
        actor=actor,
        organization=dossier.organization,
        obj=dossier,
        details={"access_regime": [before, regime]},
    )
    return dossier


@transaction.atomic
def add_document(
    *, actor: User, dossier: Dossier, document: Document, is_original: bool = True
) -> DossierDocument:
    """File a document in the dossier, in order, as a reference (no copy of it or its files)."""
    dossier = _locked(dossier)
    require_editor(actor, dossier)
    # A document the actor may not see is not there (api.md: 404, never 403).
    if not policy.can_view(actor, document):
        policy.raise_404()
    _require_open(dossier)
    errors: Errors = {}
    if document.organization_id != dossier.organization_id:
        errors["document"] = [_("Chỉ lập hồ sơ từ văn bản của chính tổ chức.")]
    elif dossier.entries.filter(document=document).exists():
        errors["document"] = [_("Văn bản đã có trong hồ sơ này.")]
    elif (
        is_original and DossierDocument.objects.filter(document=document, is_original=True).exists()
    ):
        errors["is_original"] = [
            cite(
                "mo-ho-so",
                _("Văn bản đã là bản lưu chính trong một hồ sơ khác; chỉ có thể tham chiếu."),
            )
        ]
    if errors:
        raise ValidationError(errors)
    last = dossier.entries.aggregate(m=Max("position"))["m"] or 0
    entry = DossierDocument.objects.create(
        dossier=dossier,
        document=document,
        position=last + 1,
        is_original=is_original,
        added_by=actor,
    )
    before = dossier.secrecy
    _refresh(dossier)
    dossier.save()
    record(
        action="records.dossier.add_document",
        actor=actor,
        organization=dossier.organization,
        obj=dossier,
        details={
            "document": document.pk,
            "position": entry.position,
            "is_original": is_original,
            "secrecy": [before, dossier.secrecy] if before != dossier.secrecy else None,
        },
    )
    return entry


@transaction.atomic
def remove_document(*, actor: User, dossier: Dossier, document: Document) -> None:
    """Take a document out (e.g. a duplicate found when closing); the rest close ranks."""
    dossier = _locked(dossier)
    require_editor(actor, dossier)
    entry = dossier.entries.filter(document=document).first()
    if entry is None or not policy.can_view(actor, document):
        raise Http404
    _require_open(dossier)
    entry.delete()
    for position, later in enumerate(dossier.entries.order_by("position"), start=1):
        if later.position != position:
            DossierDocument.objects.filter(pk=later.pk).update(position=position)
    _refresh(dossier)
    dossier.save()
    record(
        action="records.dossier.remove_document",
        actor=actor,
        organization=dossier.organization,
        obj=dossier,
        details={"document": document.pk},
    )


def _closing_note(dossier: Dossier) -> str:
    """Chứng từ kết thúc (NĐ 30 Điều 29): what the dossier holds, written when it closes."""
    span = ""
    if dossier.start_date and dossier.end_date:
        span = _(" Thời gian tài liệu: từ %(a)s đến %(b)s.") % {
            "a": dossier.start_date.strftime("%d/%m/%Y"),
            "b": dossier.end_date.strftime("%d/%m/%Y"),
        }
    return (
        _("Hồ sơ này gồm có %(docs)s văn bản, %(pages)s trang, %(sheets)s tờ.")
        % {
            "docs": dossier.document_count,
            "pages": dossier.page_count,
            "sheets": dossier.sheet_count,
        }
        + span
    )


@transaction.atomic
def close_dossier(
    *, actor: User, dossier: Dossier, note: str = "", sheet_count: int | None = None
) -> Dossier:
    """Kết thúc hồ sơ: dates and counts fixed, the closing note (chứng từ kết thúc) written."""
    dossier = _locked(dossier)
    require_editor(actor, dossier)
    _require_open(dossier)
    if not dossier.entries.exists():
        raise ValidationError(
            {
                "dossier": [
                    cite("ket-thuc-ho-so", _("Không thể kết thúc hồ sơ chưa có văn bản nào."))
                ]
            }
        )
    if sheet_count is not None and (isinstance(sheet_count, bool) or sheet_count < 1):
        raise ValidationError({"sheet_count": [_("Số tờ phải là số nguyên dương.")]})
    _refresh(dossier)
    # Without a count of the paper sheets, one page is one sheet (printed on one side).
    dossier.sheet_count = sheet_count if sheet_count is not None else dossier.page_count
    dossier.closing_note = note.strip() or _closing_note(dossier)
    dossier.status = Dossier.Status.CLOSED
    dossier.closed_at = timezone.now()
    dossier.closed_by = actor
    dossier.save()
    record(
        action="records.dossier.close",
        actor=actor,
        organization=dossier.organization,
        obj=dossier,
        details={
            "documents": dossier.document_count,
            "pages": dossier.page_count,
            "sheets": dossier.sheet_count,
        },
    )
    return dossier


@transaction.atomic
def reopen_dossier(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    """Only the head reopens a closed dossier, and says why (the audit log keeps it)."""
    dossier = _locked(dossier)
    if not policy.can_view(actor, dossier):
        policy.raise_404()
    if not leads(actor, dossier.organization):
        raise PermissionDenied(_("Chỉ lãnh đạo mới được mở lại hồ sơ đã kết thúc."))
    if dossier.status != Dossier.Status.CLOSED:
        raise ValidationError({"dossier": [_("Hồ sơ đang mở, không cần mở lại.")]})
    # NĐ 30 Điều 30: a dossier handed to the archive is under its control (app ``archive``).
    handed_in = getattr(dossier, "transfer_items", None)
    if handed_in is not None and handed_in.filter(active=True).exists():
        raise ValidationError(
            {"dossier": [cite("nop-luu-han", _("Hồ sơ đã nộp lưu, không mở lại được."))]}
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Phải ghi lý do mở lại hồ sơ.")]})
    previous = {"closed_at": dossier.closed_at, "closing_note": dossier.closing_note}
    dossier.status = Dossier.Status.OPEN
    dossier.closed_at = None
    dossier.closed_by = None
    dossier.closing_note = ""
    dossier.save()
    record(
        action="records.dossier.reopen",
        actor=actor,
        organization=dossier.organization,
        obj=dossier,
        details={"reason": reason.strip(), **previous},
    )
    return dossier


__all__ = [
    "add_document",
    "close_dossier",
    "create_dossier",
    "document_date",
    "remove_document",
    "reopen_dossier",
    "require_editor",
    "roles_in",
]
