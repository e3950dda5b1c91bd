"""Writes of khai thác, sử dụng: requests, approval, reading within the period, loans.

Rules: Luật Lưu trữ 2024 Điều 23, TT 05/2025 Điều 37–42, NĐ 30 (domain.md §3.5).
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.access.models import Grant
from vanthu.archive.models import AccessRequest, AccessRequestItem, UseEntry
from vanthu.archive.models_use import MAX_READING_DAYS
from vanthu.archive.services_storage import require_other_leader
from vanthu.audit.services import record
from vanthu.core.enums import Secrecy
from vanthu.orgs.models import Organization, User
from vanthu.records.models import AccessRegime, Dossier, DossierDocument
from vanthu.records.services.common import Errors, require_member
from vanthu.registry.models import Document

# A dossier "sử dụng có điều kiện" (02) is asked for with a stated purpose, not a word or two.
MIN_CONDITIONAL_PURPOSE = 30


def may_decide_classified(user: User, organization: Organization, secrecy: str) -> bool:
    """A head the request may be addressed to: a leader of the organisation (or above it)
    whose clearance covers the request's secrecy."""
    return (
        user.is_active
        and policy.leads(user, organization)
        and Secrecy.rank(user.clearance) >= Secrecy.rank(secrecy)
    )


@transaction.atomic
def create_request(
    *,
    actor: User,
    organization: Organization,
    dossiers: list[Dossier],
    purpose: str,
    mode: str,
    days: int,
    addressed_to: User | None = None,
) -> AccessRequest:
    """Phiếu yêu cầu: who (the actor), purpose, which dossiers, how, for how many days, and
    to which head (required for classified material: only that head decides it)."""
    require_member(actor, organization)
    errors: Errors = {}
    if not dossiers:
        errors["dossiers"] = [_("Phải chọn ít nhất một hồ sơ.")]
    for dossier in dossiers:
        # A dossier the requester may not see is not there at all (404, never 403).
        if dossier.pk is None or not policy.can_view(actor, dossier):
            policy.raise_404()
    if len({d.pk for d in dossiers}) != len(dossiers):
        errors["dossiers"] = [_("Một hồ sơ được chọn hai lần.")]
    elif any(d.organization_id != organization.pk for d in dossiers):
        errors["dossiers"] = [_("Hồ sơ không thuộc tổ chức này.")]
    if not (purpose or "").strip():
        errors["purpose"] = [_("Phải ghi mục đích khai thác.")]
    if mode not in AccessRequest.Mode.values:
        errors["mode"] = [_("Hình thức khai thác không hợp lệ.")]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_READING_DAYS:
        errors["days"] = [_("Thời hạn khai thác từ 1 đến 15 ngày.")]
    # As stored now, not as the caller's objects say: a document filed since they were
    # read may have raised a dossier's secrecy, and the request must be as secret.
    stored = list(Dossier.objects.filter(pk__in=[d.pk for d in dossiers]))
    secrecy = max((d.secrecy for d in stored), key=Secrecy.rank, default=Secrecy.NONE)
    if Secrecy.rank(actor.clearance) < Secrecy.rank(secrecy):
        policy.raise_404()  # mật: only users cleared for the level (the policy says so too)
    regimes = {d.regime for d in stored}
    restricted = regimes & {AccessRegime.CONDITIONAL, AccessRegime.SECRET}
    if restricted and mode == AccessRequest.Mode.COPY:
        # TT 05/2025 Điều 37–42: the uncertified "BẢN SAO" is the free copy of open
        # material; of restricted material only a certified copy, issued after approval.
        errors["mode"] = [
            _(
                "Hồ sơ sử dụng có điều kiện hoặc mật không được cấp bản sao không xác thực; "
                "hãy yêu cầu bản sao có xác thực."
            )
        ]
    short = len((purpose or "").strip()) < MIN_CONDITIONAL_PURPOSE
    if AccessRegime.CONDITIONAL in regimes and short and "purpose" not in errors:
        errors["purpose"] = [
            _("Hồ sơ sử dụng có điều kiện: phải ghi rõ mục đích khai thác (ít nhất %s ký tự).")
            % MIN_CONDITIONAL_PURPOSE
        ]
    if addressed_to is not None and (
        addressed_to.pk == actor.pk
        or not may_decide_classified(addressed_to, organization, secrecy)
    ):
        errors["addressed_to"] = [
            _(
                "Người duyệt phải là lãnh đạo của tổ chức (không phải người yêu cầu), "
                "được tiếp cận độ mật của hồ sơ."
            )
        ]
    elif addressed_to is None and AccessRegime.SECRET in regimes:
        errors["addressed_to"] = [
            _("Hồ sơ mật: phải chọn lãnh đạo có thẩm quyền duyệt phiếu yêu cầu.")
        ]
    if errors:
        raise ValidationError(errors)
    request = AccessRequest.objects.create(
        organization=organization,
        requester=actor,
        purpose=purpose.strip(),
        mode=mode,
        days=days,
        secrecy=secrecy,
        addressed_to=addressed_to,
    )
    AccessRequestItem.objects.bulk_create(
        AccessRequestItem(request=request, dossier=d) for d in dossiers
    )
    record(
        action="archive.use.request",
        actor=actor,
        organization=organization,
        obj=request,
        details={
            "dossiers": [d.pk for d in dossiers],
            "mode": mode,
            "addressed_to": addressed_to.pk if addressed_to else None,
        },
    )
    return request


def _locked(actor: User, request: AccessRequest) -> AccessRequest:
    request = (
        AccessRequest.objects.select_for_update().select_related("organization").get(pk=request.pk)
    )
    if not policy.can_view(actor, request):
        policy.raise_404()
    return request


@transaction.atomic
def decide_request(
    *, actor: User, request: AccessRequest, approve: bool, note: str = ""
) -> AccessRequest:
    """Approval by a leader of the organisation who is not the requester; the period starts.

    A request addressed to a head is decided by that head only (the others of a classified
    one do not even see it); approving a classified one grants the requester its classified
    dossiers and their classified documents until the end of the period (``access.Grant``
    with an expiry, so the policy itself closes them)."""
    request = _locked(actor, request)
    require_other_leader(actor, request.organization, request.requester_id)
    if request.addressed_to_id is not None and actor.pk != request.addressed_to_id:
        raise PermissionDenied(_("Chỉ lãnh đạo được gửi phiếu yêu cầu mới được duyệt."))
    if request.status != AccessRequest.Status.SUBMITTED:
        raise ValidationError({"status": [_("Phiếu yêu cầu đã được xử lý.")]})
    if not approve and not note.strip():
        raise ValidationError({"note": [_("Phải ghi lý do không duyệt.")]})
    now = timezone.now()
    request.status = AccessRequest.Status.APPROVED if approve else AccessRequest.Status.REFUSED
    request.decided_by = actor
    request.decided_at = now
    request.decision_note = note.strip()
    if approve:
        request.valid_until = now + datetime.timedelta(days=request.days)
    request.save()
    if approve:
        UseEntry.objects.bulk_create(
            UseEntry(
                request=request,
                dossier_id=i.dossier_id,
                user=request.requester,
                action=request.mode,
            )
            for i in request.items.all()
        )
        if request.secrecy != Secrecy.NONE:
            _grant_for_period(actor, request)
    record(
        action="archive.use.approve" if approve else "archive.use.refuse",
        actor=actor,
        organization=request.organization,
        obj=request,
    )
    return request


def _grant_for_period(actor: User, request: AccessRequest) -> None:
    """Need-to-know for the reading period: the classified dossiers of the request and the
    classified documents filed in them, for the requester, expiring with ``valid_until``."""
    dossier_ids = list(
        Dossier.objects.filter(pk__in=request.items.values("dossier"))
        .exclude(secrecy=Secrecy.NONE)
        .values_list("pk", flat=True)
    )
    document_ids = list(
        Document.objects.filter(
            pk__in=DossierDocument.objects.filter(dossier__in=dossier_ids).values("document")
        )
        .exclude(secrecy=Secrecy.NONE)
        .values_list("pk", flat=True)
    )
    reason = _("Phiếu yêu cầu khai thác số %s") % request.pk
    grants = [
        Grant(
            grantee_id=request.requester_id,
            content_type=ContentType.objects.get_for_model(model),
            object_id=pk,
            granted_by=actor,
            reason=reason,
            expires_at=request.valid_until,
        )
        for model, ids in ((Dossier, dossier_ids), (Document, document_ids))
        for pk in ids
    ]
    Grant.objects.bulk_create(grants)


@transaction.atomic
def read_dossier(
    *, actor: User, request: AccessRequest, dossier: Dossier, now: datetime.datetime | None = None
) -> UseEntry:
    """Đọc trên hệ thống: only the requester, only an approved request, only within the period."""
    request = _locked(actor, request)
    if actor.pk != request.requester_id or not request.items.filter(dossier=dossier).exists():
        policy.raise_404()
    now = now or timezone.now()
    if request.status != AccessRequest.Status.APPROVED or request.mode != "read":
        raise ValidationError({"request": [_("Phiếu yêu cầu chưa được duyệt để đọc.")]})
    if request.valid_until is None or now > request.valid_until:
        raise ValidationError({"request": [_("Đã hết thời hạn đọc tài liệu.")]})
    entry = UseEntry.objects.create(request=request, dossier=dossier, user=actor, action="view")
    record(
        action="archive.use.read",
        actor=actor,
        organization=request.organization,
        obj=dossier,
        details={"request": request.pk},
    )
    return entry


@transaction.atomic
def return_loan(*, actor: User, request: AccessRequest) -> AccessRequest:
    """The archivist takes a borrowed original back; only once."""
    from vanthu.archive.services import require_archivist

    request = _locked(actor, request)
    require_archivist(actor, request.organization)
    if request.mode != AccessRequest.Mode.BORROW:
        raise ValidationError({"request": [_("Phiếu này không phải mượn bản gốc.")]})
    if request.status == AccessRequest.Status.RETURNED:
        raise ValidationError({"request": [_("Bản gốc đã được trả rồi.")]})
    if request.status != AccessRequest.Status.APPROVED:
        raise ValidationError({"request": [_("Phiếu mượn chưa được duyệt.")]})
    request.status = AccessRequest.Status.RETURNED
    request.returned_at = timezone.now()
    request.save()
    UseEntry.objects.bulk_create(
        UseEntry(request=request, dossier_id=i.dossier_id, user=actor, action="returned")
        for i in request.items.all()
    )
    record(action="archive.use.return", actor=actor, organization=request.organization, obj=request)
    return request
