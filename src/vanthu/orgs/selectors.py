"""Reads of organisations and users."""

from __future__ import annotations

from django.db.models import QuerySet

from vanthu.access import policy
from vanthu.orgs.models import Organization, User


def organizations(*, parent: str | None = None) -> QuerySet[Organization]:
    """The directory of organisations: names are not secret, every user may list them."""
    qs = Organization.objects.all()
    if parent is not None:
        qs = qs.filter(parent_id=int(parent)) if parent.isdigit() else qs.none()
    return qs.order_by("path")


def administered_users(actor: User) -> QuerySet[User]:
    q = policy.administered_organizations(actor)
    orgs = Organization.objects.filter(q)
    return (
        User.objects.filter(organization__in=orgs)
        .select_related("organization")
        .prefetch_related("positions")
        .order_by("username")
    )
