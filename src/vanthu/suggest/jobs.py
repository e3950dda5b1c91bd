"""Background job handlers of the suggestion app (contract: core.jobs, docs/suggest.md)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from vanthu.core.jobs import PermanentError, enqueue, handler, int_field
from vanthu.orgs.models import Organization
from vanthu.registry.models import Direction, Document
from vanthu.suggest import services
from vanthu.suggest.history import HANDLED


@handler("suggest.train")
def train(payload: dict[str, Any]) -> dict[str, Any] | None:
    """Train one organisation's model from its own history (idempotent: retrains)."""
    org_id = int_field(payload, "organization_id")
    organization = Organization.objects.filter(pk=org_id).first()
    if organization is None:
        raise PermanentError(f"Không có tổ chức {org_id}.")
    trained = services.train(organization=organization)
    if trained is None:
        return {"organization_id": org_id, "trained": False}
    return {
        "organization_id": org_id,
        "trained": True,
        "incoming": trained.incoming_examples,
        "dossiers": trained.dossier_examples,
    }


@handler("suggest.train_all")
def train_all(payload: dict[str, Any]) -> dict[str, Any] | None:
    """One training job per organisation that has handled incoming documents."""
    orgs = (
        Document.objects.filter(direction=Direction.INCOMING, status__in=HANDLED)
        .values_list("organization_id", flat=True)
        .distinct()
    )
    ids = sorted(set(orgs))
    with transaction.atomic():
        for org_id in ids:
            enqueue(
                "suggest.train",
                {"organization_id": org_id},
                dedupe_key=f"suggest.train:{org_id}",
            )
    return {"organizations": len(ids)}
