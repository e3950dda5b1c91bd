"""Statistics of the archive (hồ sơ, văn bản, trang, mét giá, số hóa) and of its use (khai thác:
requests, dossiers read, copies) for a period — issue 10.

Every count runs over ``policy.visible`` of the model counted (dossiers, requests, use
entries, copies), so a classified dossier is counted only where the viewer may see it, and
never named: counts only. The scope is the organisation, or its whole subtree for a leader
(the same rule as ``statistics.statistics``). A fixed number of aggregate queries.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum

from vanthu.access import policy
from vanthu.archive.models import ArchivalUnit
from vanthu.archive.models_use import AccessRequest, CertifiedCopy, UseEntry
from vanthu.orgs.models import Organization, User
from vanthu.records.models import Dossier, DossierDocument
from vanthu.registry.models import DocumentFile
from vanthu.reports.periods import Period
from vanthu.reports.selectors import local_bounds

# A standard archive box (hộp) is 10 cm thick on the shelf: 10 boxes make one metre of shelf
# (mét giá), the unit Vietnamese archives report holdings in.
BOX_METRES = Decimal("0.1")


def _scope(organization: Organization, rollup: bool, field: str) -> Q:
    return organization.subtree_q(field) if rollup else Q(**{field: organization})


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _holdings(user: User, organization: Organization, rollup: bool, period: Period) -> Any:
    start, end = local_bounds(period)
    dossiers = policy.visible(
        user,
        Dossier.objects.filter(
            _scope(organization, rollup, "organization"),
            status=Dossier.Status.CLOSED,
            closed_at__lt=end,
        ),
    )
    archived = Q(archival_unit__isnull=False)
    totals = dossiers.aggregate(
        dossiers=Count("pk"),
        archived=Count("pk", filter=archived),
        documents=Sum("document_count", default=0),
        pages=Sum("page_count", default=0),
        sheets=Sum("sheet_count", default=0),
        closed_in_period=Count("pk", filter=Q(closed_at__gte=start)),
    )
    boxes = (
        ArchivalUnit.objects.filter(dossier__in=dossiers.values("pk"), box__isnull=False)
        .values("box")
        .distinct()
        .count()
    )
    has_file = Exists(DocumentFile.objects.filter(document=OuterRef("document")))
    filed = DossierDocument.objects.filter(dossier__in=dossiers.values("pk")).aggregate(
        filed=Count("document", distinct=True),
        digitised=Count("document", distinct=True, filter=Q(has_file)),
    )
    return {
        **totals,
        "boxes": boxes,
        "shelf_metres": float(boxes * BOX_METRES),
        "filed_documents": filed["filed"],
        "digitised_documents": filed["digitised"],
        "digitised_percent": _share(filed["digitised"], filed["filed"]),
    }


def _use(user: User, organization: Organization, rollup: bool, period: Period) -> Any:
    start, end = local_bounds(period)
    requests = policy.visible(
        user,
        AccessRequest.objects.filter(
            _scope(organization, rollup, "organization"), created_at__gte=start, created_at__lt=end
        ),
    )
    status = AccessRequest.Status
    counts = requests.aggregate(
        requests=Count("pk"),
        approved=Count("pk", filter=Q(status__in=(status.APPROVED, status.RETURNED))),
        refused=Count("pk", filter=Q(status=status.REFUSED)),
        pending=Count("pk", filter=Q(status=status.SUBMITTED)),
    )
    by_mode = {m: 0 for m in AccessRequest.Mode.values}
    for row in requests.values("mode").annotate(n=Count("pk")).order_by():
        by_mode[row["mode"]] = row["n"]
    reads = policy.visible(
        user,
        UseEntry.objects.filter(
            _scope(organization, rollup, "request__organization"),
            action="view",
            at__gte=start,
            at__lt=end,
        ),
    ).aggregate(reads=Count("pk"), dossiers_read=Count("dossier", distinct=True))
    copies = policy.visible(
        user,
        CertifiedCopy.objects.filter(
            _scope(organization, rollup, "request__organization"),
            issued_at__gte=start,
            issued_at__lt=end,
        ),
    )
    by_kind = {k: 0 for k in CertifiedCopy.Kind.values}
    for row in copies.values("kind").annotate(n=Count("pk")).order_by():
        by_kind[row["kind"]] = row["n"]
    return {
        **counts,
        "by_mode": by_mode,
        **reads,
        "copies": sum(by_kind.values()),
        "copies_by_kind": by_kind,
    }


def archive_statistics(user: User, *, organization: Organization, period: Period) -> dict[str, Any]:
    """Holdings at the end of ``period`` and use during it, as ``user`` may count them."""
    rollup = policy.leads(user, organization)
    return {
        "organization": {
            "id": organization.pk,
            "code": organization.code,
            "name": organization.name,
        },
        "date_from": period.date_from,
        "date_to": period.date_to,
        "rollup": rollup,
        "holdings": _holdings(user, organization, rollup, period),
        "use": _use(user, organization, rollup, period),
    }
