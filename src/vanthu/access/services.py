"""Granting and revoking need-to-know access: audited, never above the grantee's clearance."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.access.models import Grant
from vanthu.access.reads import leads
from vanthu.audit.services import record
from vanthu.core.enums import Secrecy
from vanthu.orgs.models import User


def _org_of(obj: models.Model) -> object:
    spec = policy._spec(type(obj))
    return getattr(obj, spec.org_field)


@transaction.atomic
def grant_access(
    *,
    actor: User,
    obj: models.Model,
    grantee: User,
    reason: str,
    expires_at: datetime.datetime | None = None,
) -> Grant:
    """A leader who may see ``obj`` gives ``grantee`` a reason to see it too."""
    if not policy.can_view(actor, obj):
        raise policy.Http404
    org = _org_of(obj)
    if not policy.leads(actor, org):  # type: ignore[arg-type]
        raise PermissionDenied(_("Chỉ lãnh đạo mới được cấp quyền tiếp cận."))
    spec = policy._spec(type(obj))
    secrecy = getattr(obj, spec.secrecy_field) if spec.secrecy_field else Secrecy.NONE
    errors: dict[str, list[str]] = {}
    if Secrecy.rank(grantee.clearance) < Secrecy.rank(secrecy):
        errors["grantee"] = [
            _("Người được cấp quyền không có mức tiếp cận đủ cho tài liệu %s.")
            % Secrecy(secrecy).label
        ]
    if not reason.strip():
        errors["reason"] = [_("Phải ghi lý do cấp quyền.")]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [_("Thời hạn phải ở tương lai.")]
    if errors:
        raise ValidationError(errors)
    grant = Grant.objects.create(
        grantee=grantee,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        granted_by=actor,
        reason=reason.strip(),
        expires_at=expires_at,
    )
    record(
        action="access.grant",
        actor=actor,
        organization=org,  # type: ignore[arg-type]
        obj=obj,
        details={
            "grantee": grantee.pk,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return grant


@transaction.atomic
def revoke_access(*, actor: User, grant: Grant) -> Grant:
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    obj = grant.content_type.get_object_for_this_type(pk=grant.object_id)
    if not policy.can_view(actor, obj):
        raise policy.Http404
    # Revoking is the leader's decision, as granting is (issue 6 item 1).
    if not leads(actor, _org_of(obj)):  # type: ignore[arg-type]
        raise PermissionDenied(_("Chỉ lãnh đạo mới được thu hồi quyền tiếp cận."))
    if grant.revoked_at is not None:
        raise ValidationError({"grant": [_("Quyền này đã bị thu hồi trước đó.")]})
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoked_at", "revoked_by"])
    record(
        action="access.revoke",
        actor=actor,
        organization=_org_of(obj),  # type: ignore[arg-type]
        obj=obj,
        details={"grantee": grant.grantee_id},
    )
    return grant
