"""Checks shared by the records services: who may act, and what a retention period may be."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.access.policy import roles_in
from vanthu.access.reads import leads
from vanthu.core.enums import Role
from vanthu.guide.rules import cite
from vanthu.orgs.models import Organization, User
from vanthu.records.models import MAX_RETENTION_YEARS, RetentionCode

Errors = dict[str, list[str]]

# Roles that keep an organisation's records besides the person handling the matter.
RECORD_KEEPERS = {Role.CLERK, Role.ARCHIVIST, Role.LEADER, Role.ADMIN}
FIRST_YEAR = 1930  # founding of the Party: no Party record is older


def require_member(actor: User, organization: Organization) -> None:
    """An organisation outside the actor's scope is not there at all (404, api.md)."""
    if actor.is_superuser:
        return
    scope = Organization.objects.filter(policy.organization_scope(actor))
    if not scope.filter(pk=organization.pk).exists():
        policy.raise_404()


def require_record_keeper(actor: User, organization: Organization) -> None:
    require_member(actor, organization)
    if actor.is_superuser or leads(actor, organization):
        return
    if not roles_in(actor, organization) & RECORD_KEEPERS:
        raise PermissionDenied(_("Chỉ văn thư, lưu trữ viên hoặc lãnh đạo mới được làm việc này."))


def is_member(user: User, organization: Organization) -> bool:
    today = timezone.localdate()
    return user.is_active and any(
        p.organization_id == organization.pk and p.is_current(today) for p in user.positions.all()
    )


def check_year(year: object, errors: Errors, field: str = "year") -> None:
    latest = timezone.localdate().year + 1
    if not isinstance(year, int) or not FIRST_YEAR <= year <= latest:
        errors[field] = [_("Năm phải từ %(a)s đến %(b)s.") % {"a": FIRST_YEAR, "b": latest}]


def clean_retention(code: str | None, years: object, errors: Errors) -> tuple[str, int | None]:
    """Thời hạn bảo quản as (TT 05/2025 code, years); ``years`` None alone means vĩnh viễn."""
    if years is not None and (
        isinstance(years, bool)
        or not isinstance(years, int)
        or not 1 <= years <= MAX_RETENTION_YEARS
    ):
        errors["retention_years"] = [
            _("Thời hạn bảo quản phải từ 1 đến %s năm (để trống nếu vĩnh viễn).")
            % MAX_RETENTION_YEARS
        ]
        return RetentionCode.PERMANENT, None
    n: int | None = years
    if not code:
        return RetentionCode.for_years(n), n
    if code not in RetentionCode.values:
        errors["retention_code"] = [
            cite("thoi-han-ma", _("Mã thời hạn bảo quản không hợp lệ: %s.") % code)
        ]
        return RetentionCode.PERMANENT, None
    fixed = RetentionCode.years_of(code)
    if code in (RetentionCode.PERMANENT, RetentionCode.UNTIL_INVALID):
        if n is not None:
            errors["retention_years"] = [
                cite(
                    "thoi-han-ma", _("Thời hạn “%s” không ghi số năm.") % RetentionCode(code).label
                )
            ]
        return code, None
    if fixed is not None:
        if n is not None and n != fixed:
            errors["retention_years"] = [
                cite(
                    "thoi-han-ma",
                    _("Mã %(code)s là %(years)s năm.") % {"code": code, "years": fixed},
                )
            ]
        return code, fixed
    # 07 Khác: the number of years must be said.
    if n is None:
        errors["retention_years"] = [cite("thoi-han-ma", _("Thời hạn “Khác” phải ghi số năm."))]
    return code, n


def local_date(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()
