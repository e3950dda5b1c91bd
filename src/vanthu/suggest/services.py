"""Writes of the suggestion app: train an organisation's model, accept a suggestion.

Training runs as a background job (``suggest.jobs``); accepting applies the suggestion through
the registry's and the records app's own services, so every rule they check still holds.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.audit.services import record
from vanthu.orgs.models import Organization, User
from vanthu.registry.models import Document
from vanthu.suggest import history
from vanthu.suggest.learning import TARGETS, Example, NeighbourModel, evaluate
from vanthu.suggest.models import TrainedModel

log = logging.getLogger(__name__)

# Fewer handled documents than this teach nothing worth showing.
MIN_EXAMPLES = 5
DOSSIER_TARGETS = ("heading", "retention")
# What a clerk or a leader may accept: "assign" is the lead, support and deadline together
# (one bút phê), as the registry's assign service takes them.
ACCEPTABLE = ("leader", "assign", "dossier")


def model_dir() -> Path:
    return Path(settings.DATA_DIR) / "suggest"


@dataclass
class Bundle:
    """What one model file holds."""

    incoming: NeighbourModel | None
    dossiers: NeighbourModel | None


def _held_out_metrics(examples: list[Example], targets: tuple[str, ...]) -> dict[str, Any]:
    """Accuracy on the newest 20 % after learning from the older 80 % (examples are oldest
    first), so an office sees how well its own history predicts its own new mail."""
    if len(examples) < 20:
        return {}
    cut = int(len(examples) * 0.8)
    return evaluate(NeighbourModel, examples[:cut], examples[cut:], targets)


def _write(bundle: Bundle, organization: Organization) -> tuple[str, str]:
    """Write the model file (temporary name, fsync, rename): never half a file under a name."""
    folder = model_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"org-{organization.pk}-{uuid.uuid4().hex}.joblib"
    tmp = folder / f".{name}.tmp"
    joblib.dump(bundle, tmp, compress=3)
    with open(tmp, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
        os.fsync(fh.fileno())
    tmp.rename(folder / name)
    return name, digest


def train(*, organization: Organization) -> TrainedModel | None:
    """Learn from ``organization``'s handled documents and dossiers; None when too few.

    Idempotent: a second run builds the same model from the same history and replaces the
    first. The model file is written before the row that names it commits.
    """
    incoming = history.incoming_examples(organization)
    dossiers = history.dossier_examples(organization)
    if len(incoming) < MIN_EXAMPLES and len(dossiers) < MIN_EXAMPLES:
        return None
    bundle = Bundle(
        incoming=NeighbourModel(incoming) if len(incoming) >= MIN_EXAMPLES else None,
        dossiers=NeighbourModel(dossiers) if len(dossiers) >= MIN_EXAMPLES else None,
    )
    metrics = {
        "incoming": _held_out_metrics(incoming, TARGETS),
        "dossiers": _held_out_metrics(dossiers, DOSSIER_TARGETS),
    }
    name, digest = _write(bundle, organization)
    old_name = ""
    try:
        with transaction.atomic():
            old = TrainedModel.objects.select_for_update().filter(organization=organization)
            previous = old.first()
            old_name = previous.file_name if previous else ""
            trained, _created = TrainedModel.objects.update_or_create(
                organization=organization,
                defaults={
                    "trained_at": timezone.now(),
                    "file_name": name,
                    "sha256": digest,
                    "incoming_examples": len(incoming),
                    "dossier_examples": len(dossiers),
                    "metrics": metrics,
                },
            )
            record(
                action="suggest.train",
                organization=organization,
                obj=trained,
                details={"incoming": len(incoming), "dossiers": len(dossiers), "sha256": digest},
            )
    except BaseException:
        (model_dir() / name).unlink(missing_ok=True)
        raise
    if old_name and old_name != name:
        (model_dir() / old_name).unlink(missing_ok=True)
    return trained


_cache: dict[int, tuple[str, Bundle]] = {}
_cache_lock = threading.Lock()


def load(organization_id: int) -> tuple[TrainedModel, Bundle] | None:
    """The organisation's current model, read once per process and per training."""
    trained = TrainedModel.objects.filter(organization_id=organization_id).first()
    if trained is None:
        return None
    with _cache_lock:
        hit = _cache.get(organization_id)
        if hit is not None and hit[0] == trained.sha256:
            return trained, hit[1]
    path = model_dir() / trained.file_name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        log.warning("suggestion model %s of organisation %s is missing", path, organization_id)
        return None
    if hashlib.sha256(data).hexdigest() != trained.sha256:
        # A file that is not the one we wrote is never unpickled.
        log.error("suggestion model %s does not match its recorded SHA-256", path)
        return None
    bundle = joblib.load(path)
    if not isinstance(bundle, Bundle):
        return None
    with _cache_lock:
        _cache[organization_id] = (trained.sha256, bundle)
    return trained, bundle


@transaction.atomic
def accept(*, actor: User, document: Document, targets: list[str]) -> list[str]:
    """Apply the shown suggestions named in ``targets`` to ``document``; all or nothing.

    The suggestions are computed again here for ``actor`` (never taken from the client), and
    applied through the registry's ``present``/``assign`` and the records app's
    ``add_document``, which check the actor's rights and the document's state as always.
    """
    from vanthu.records import services as records
    from vanthu.registry import services as registry
    from vanthu.suggest import selectors

    errors: dict[str, list[str]] = {}
    wanted = [t for t in dict.fromkeys(targets)]
    unknown = [t for t in wanted if t not in ACCEPTABLE]
    if not wanted:
        errors["targets"] = [_("Chưa chọn gợi ý nào để áp dụng.")]
    elif unknown:
        errors["targets"] = [_("Không có loại gợi ý: %s.") % ", ".join(unknown)]
    if errors:
        raise ValidationError(errors)
    result = selectors.incoming_suggestions(actor, document.pk)
    document = result.document
    for target in wanted:
        if target not in result.applicable:
            errors.setdefault("targets", []).append(
                _("Không có gợi ý đủ tin cậy mà bạn áp dụng được: %s.") % target
            )
    if errors:
        raise ValidationError(errors)
    done: list[str] = []
    details: dict[str, Any] = {}
    s = result.suggestions
    if "leader" in wanted:
        leader = s["leader"].user
        if leader is None:  # applicable implies a user
            raise PermissionDenied
        document = registry.present(actor=actor, document=document, leader=leader)
        details["leader"] = leader.pk
        done.append("leader")
    if "assign" in wanted:
        lead = s["lead"].user
        if lead is None:
            raise PermissionDenied
        support = s["support"].users if s["support"].shown else []
        deadline = s["deadline"].date if s["deadline"].shown else None
        document = registry.assign(
            actor=actor, document=document, lead=lead, support=support, deadline=deadline
        )
        details["assign"] = {
            "lead": lead.pk,
            "support": [u.pk for u in support],
            "deadline": deadline.isoformat() if deadline else None,
        }
        done.append("assign")
    if "dossier" in wanted:
        dossier = s["dossier"].dossier
        if dossier is None:
            raise PermissionDenied
        records.add_document(actor=actor, dossier=dossier, document=document)
        details["dossier"] = dossier.pk
        done.append("dossier")
    if not done:
        raise PermissionDenied(_("Không áp dụng được gợi ý nào."))
    record(
        action="suggest.accept",
        actor=actor,
        organization=document.organization,
        obj=document,
        details=details,
    )
    return done
