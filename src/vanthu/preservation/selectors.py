"""Reads of fixity results: administrators only, and only hashes, outcomes and times."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from vanthu.access import policy
from vanthu.orgs.models import User
from vanthu.preservation import fixity
from vanthu.preservation.models import FixityCheck


def fixity_problems(user: User, *, outcome: str | None = None) -> QuerySet[FixityCheck]:
    """Failed and missing checks. Blobs carry no titles, so nothing classified can leak here."""
    if not policy.is_admin(user):
        raise PermissionDenied("Chỉ quản trị viên xem được kết quả kiểm tra toàn vẹn.")
    qs = FixityCheck.objects.filter(fixity.failures())
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs.order_by("-checked_at", "-pk")
