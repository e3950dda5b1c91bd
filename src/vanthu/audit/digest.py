"""The signed daily digest of the audit chain heads (docs/preservation.md, "Daily digest").

The signature is an HMAC-SHA256 under a key derived from the installation key (core/crypto.py):
only a holder of that key, which is not in the database nor in any backup, can sign. A copy of
each digest is written as JSON to ``VANTHU_AUDIT_DIGEST_DIR`` so that it can be kept elsewhere
too (printed, mailed, on the second backup medium).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vanthu.audit.models import AuditDigest, Chain
from vanthu.audit.services import record
from vanthu.core import crypto

_CONTEXT = b"vanthu-audit-digest-v1"


def _signing_key(kek: bytes) -> bytes:
    return hmac.new(kek, _CONTEXT, hashlib.sha256).digest()


def payload(digest: AuditDigest) -> bytes:
    body = {
        "day": digest.day.isoformat(),
        "created_at": digest.created_at.isoformat(timespec="microseconds"),
        "heads": digest.heads,
        "previous": digest.previous,
        "key_id": digest.key_id,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def sign(digest: AuditDigest, ring: crypto.Keyring | None = None) -> str:
    ring = ring or crypto.keyring()
    kek = ring.keys[digest.key_id]
    return hmac.new(_signing_key(kek), payload(digest), hashlib.sha256).hexdigest()


def signature_holds(digest: AuditDigest, ring: crypto.Keyring | None = None) -> bool | None:
    """True/False; None when this installation does not hold the key it was signed with."""
    ring = ring or crypto.keyring()
    if digest.key_id not in ring.keys:
        return None
    return hmac.compare_digest(sign(digest, ring), digest.signature)


def folder() -> Path:
    return Path(
        getattr(settings, "VANTHU_AUDIT_DIGEST_DIR", "") or settings.DATA_DIR / "audit-digests"
    )


def as_json(digest: AuditDigest) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(payload(digest))
    body["signature"] = digest.signature
    return body


def make_digest(*, day: datetime.date | None = None) -> AuditDigest:
    """Sign today's heads (Asia/Ho_Chi_Minh day); idempotent per day."""
    day = day or timezone.localdate()
    with transaction.atomic():
        existing = AuditDigest.objects.select_for_update().filter(day=day).first()
        if existing is not None:
            return existing
        ring = crypto.keyring()
        last = AuditDigest.objects.order_by("-day").first()
        heads = {
            c.key: [c.last_seq, c.last_hash] for c in Chain.objects.order_by("key") if c.last_seq
        }
        digest = AuditDigest(
            day=day,
            created_at=timezone.now(),
            heads=heads,
            previous=last.signature if last else "",
            key_id=ring.current_id,
        )
        digest.signature = sign(digest, ring)
        digest.save()
        record(
            action="audit.digest",
            obj=digest,
            details={"day": day.isoformat(), "chains": len(heads), "key_id": ring.current_id},
        )
    _write_copy(digest)
    return digest


def _write_copy(digest: AuditDigest) -> None:
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{digest.day.isoformat()}.json"
    if path.exists():
        return
    tmp = target / f".{path.name}.tmp"
    with tmp.open("w") as fh:
        json.dump(as_json(digest), fh, indent=1, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
