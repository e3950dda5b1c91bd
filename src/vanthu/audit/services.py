"""Appending to the audit log. Call ``record`` inside the service's own transaction."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from vanthu.audit.context import client_address
from vanthu.audit.models import Chain, Event

if TYPE_CHECKING:
    from vanthu.orgs.models import Organization, User

GLOBAL_CHAIN = "global"


def chain_key(organization_id: int | None) -> str:
    return f"org:{organization_id}" if organization_id else GLOBAL_CHAIN


def event_hash(event: Event) -> str:
    """SHA-256 over every field that matters, in a fixed canonical JSON form."""
    payload = {
        "chain": event.chain,
        "seq": event.seq,
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "organization": event.organization_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "client_address": event.client_address,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def record(
    *,
    action: str,
    actor: User | None = None,
    organization: Organization | None = None,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> Event:
    """Append one event to the organisation's chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the service's transaction")
    key = chain_key(organization.pk if organization else None)
    head, _ = Chain.objects.select_for_update().get_or_create(key=key)
    event = Event(
        chain=key,
        seq=head.last_seq + 1,
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.full_name or actor.username) if actor is not None else "",
        action=action,
        organization=organization,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        client_address=client_address.get(),
        details=details or {},
        prev_hash=head.last_hash,
    )
    # JSON round trip so that the hash is computed over what the database will give back.
    event.details = json.loads(json.dumps(event.details, ensure_ascii=False, default=str))
    event.hash = event_hash(event)
    event.save()
    Chain.objects.filter(pk=head.pk).update(last_seq=event.seq, last_hash=event.hash)
    return event
