"""Reads of holdings, disposal and use. Every one takes the acting user and goes through access."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from vanthu.access import policy
from vanthu.archive.models import (
    AccessRequest,
    ArchivalUnit,
    Disposal,
    DisposalItem,
    Fonds,
    HeldBack,
    LegalHold,
    StorageLocation,
    UseEntry,
)
from vanthu.core.enums import Role
from vanthu.orgs.models import Organization, User
from vanthu.records.models import Dossier


def fonds_list(user: User) -> QuerySet[Fonds]:
    return policy.visible(user, Fonds.objects.select_related("organization"))


def locations(user: User) -> QuerySet[StorageLocation]:
    return policy.visible(user, StorageLocation.objects.select_related("parent__parent"))


def get_location(user: User, pk: int) -> StorageLocation:
    return policy.get_visible_or_404(user, StorageLocation.objects.all(), pk=pk)


def box_units(user: User, box: StorageLocation) -> list[ArchivalUnit]:
    """Dossiers in a box that the user may see (a label never names a hidden dossier)."""
    qs = ArchivalUnit.objects.filter(box=box).select_related("dossier", "fonds")
    return list(policy.visible(user, qs).order_by("catalogue_number", "file_number"))


def archival_units(user: User) -> QuerySet[ArchivalUnit]:
    """Số lưu trữ of the dossiers the user may see, in the order they were given.

    A number is seen with its dossier: the access policy is asked of the dossier, by its key,
    for each number walked in order (an EXISTS). Joined instead, SQLite read all 100,000
    dossiers and sorted the 70,000 numbers for every page (docs/benchmarks.md, archive).
    """
    dossier = policy.visible(user, Dossier.objects.filter(pk=OuterRef("dossier_id")))
    return ArchivalUnit.objects.select_related("fonds").filter(Exists(dossier)).order_by("pk")


def held_back(user: User) -> QuerySet[HeldBack]:
    return policy.visible(user, HeldBack.objects.select_related("dossier"))


def to_review(user: User, *, today: datetime.date | None = None) -> QuerySet[Dossier]:
    """TT 05/2025 Chương VII: expired dossiers listed automatically as "Xem xét hủy".

    Expired: closed, a number of years, and the last year of retention over (from the year the
    work ended, domain.md §9 item 20: ``Dossier.retention_end_year``, stored and indexed, so
    that the count is one range of ``dossier_review_year``); not already in a decided disposal.
    """
    today = today or timezone.localdate()
    decided = DisposalItem.objects.filter(dossier=OuterRef("pk")).exclude(disposal__status="draft")
    qs = Dossier.objects.filter(retention_end_year__lt=today.year).exclude(Exists(decided))
    on_hold = LegalHold.objects.filter(dossier=OuterRef("pk"), released_at__isnull=True)
    result = qs.annotate(on_hold=Exists(on_hold))
    return policy.visible(user, result).order_by("end_date", "code", "pk")


def holds(user: User) -> QuerySet[LegalHold]:
    return policy.visible(user, LegalHold.objects.select_related("dossier"))


def disposals(user: User) -> QuerySet[Disposal]:
    return policy.visible(user, Disposal.objects.all()).distinct()


def get_disposal(user: User, pk: int) -> Disposal:
    return policy.get_visible_or_404(user, Disposal.objects.select_related("organization"), pk=pk)


def disposal_items(user: User, disposal: Disposal) -> list[DisposalItem]:
    visible = policy.visible(user, Dossier.objects.filter(disposal_items__disposal=disposal))
    return list(
        DisposalItem.objects.filter(disposal=disposal, dossier__in=visible.values("pk"))
        .select_related("dossier")
        .order_by("position")
    )


def requests(user: User, *, status: str | None = None) -> QuerySet[AccessRequest]:
    """Phiếu yêu cầu khai thác the user may see, newest first.

    The policy is asked of each request by its key (an EXISTS) as the requests are walked on
    their newest-first index until a page is full: joined instead, the organisations of a
    leader's subtree came first and every request of them was sorted (docs/benchmarks.md,
    archive).
    """
    qs = AccessRequest.objects.select_related("requester")
    if status:
        qs = qs.filter(status=status)
    seen = policy.visible(user, AccessRequest.objects.filter(pk=OuterRef("pk")))
    return qs.filter(Exists(seen))


def heads(organization: Organization | None) -> QuerySet[User]:
    """The leaders of ``organization`` today, whom a request may be addressed to (the form's
    choices; the service checks the role and the clearance again for the request's level)."""
    if organization is None:
        return User.objects.none()
    today = timezone.localdate()
    current = (Q(positions__start_date__isnull=True) | Q(positions__start_date__lte=today)) & (
        Q(positions__end_date__isnull=True) | Q(positions__end_date__gte=today)
    )
    return (
        User.objects.filter(
            current,
            is_active=True,
            positions__organization=organization,
            positions__role=Role.LEADER,
        )
        .distinct()
        .order_by("username")
    )


def get_request(user: User, pk: int) -> AccessRequest:
    return policy.get_visible_or_404(
        user, AccessRequest.objects.select_related("organization", "requester"), pk=pk
    )


def use_register(user: User) -> QuerySet[UseEntry]:
    """Sổ sử dụng bản lưu: who used which dossier, how, when, and who allowed it."""
    qs = UseEntry.objects.select_related("dossier", "user", "request__decided_by")
    # Per line, by the line's and the dossier's keys, as the register is walked newest first
    # on its index until a page is full: an IN over every visible dossier was built whole
    # first (56 ms on SQLite at 100,000 dossiers with an empty register), and the line's
    # policy joined in made a leader's read sort the whole register (docs/benchmarks.md).
    visible_line = policy.visible(user, UseEntry.objects.filter(pk=OuterRef("pk")))
    visible_dossier = policy.visible(user, Dossier.objects.filter(pk=OuterRef("dossier_id")))
    return qs.filter(Exists(visible_line), Exists(visible_dossier))
