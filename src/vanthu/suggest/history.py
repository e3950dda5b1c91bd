"""The examples a model learns from: what this organisation did with its handled documents.

Classified documents are left out, whole (docs/suggest.md, "Classified documents"): a model
holds only documents with ``secrecy = none``, which everyone who may see the organisation's
documents at all may see. So nothing a suggestion says, or is influenced by, can reveal a
classified document, whoever asks.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models.functions import Substr
from django.utils import timezone

from vanthu.core.enums import Secrecy
from vanthu.core.workdays import working_days_between
from vanthu.orgs.models import Organization
from vanthu.records.models import Dossier, DossierDocument
from vanthu.registry.models import Assignment, Direction, Document, DocumentFile, Status
from vanthu.suggest.learning import TEXT_CHARS, Example, features

# A document counts as handled once a leader has it (presented, assigned, done).
HANDLED = (Status.AWAITING_DIRECTION, Status.IN_PROGRESS, Status.DONE)
# Deadlines longer than this many working days are typing mistakes, not habits to learn.
MAX_DEADLINE_DAYS = 250


def dossier_key(dossier: Dossier) -> str:
    """What a dossier is across years: its file-plan item's code (the plan is copied year to
    year and keeps its codes), or its own code when it was opened outside the plan."""
    if dossier.plan_item_id is not None and dossier.plan_item is not None:
        return f"item:{dossier.plan_item.code}"
    return f"code:{dossier.code}"


def document_text(documents: list[int]) -> dict[int, str]:
    """The opening of the extracted text of each document's files."""
    out: dict[int, str] = defaultdict(str)
    rows = (
        DocumentFile.objects.filter(document_id__in=documents)
        .order_by("document_id", "position", "pk")
        .annotate(head=Substr("text", 1, TEXT_CHARS))
        .values_list("document_id", "head")
    )
    for doc_id, head in rows:
        if len(out[doc_id]) < TEXT_CHARS and head:
            out[doc_id] = (out[doc_id] + " " + head)[:TEXT_CHARS]
    return out


def document_features(document: Document, text: str = "") -> str:
    return features(
        sender=document.sender,
        document_type=document.document_type.code,
        summary=document.summary,
        text=text,
    )


def incoming_examples(organization: Organization) -> list[Example]:
    """Handled, non-classified incoming documents of ``organization``, oldest first."""
    docs = list(
        Document.objects.filter(
            organization=organization,
            direction=Direction.INCOMING,
            secrecy=Secrecy.NONE,
            status__in=HANDLED,
        )
        .select_related("document_type")
        .order_by("received_at", "pk")
    )
    ids = [d.pk for d in docs]
    roles: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    lead_deadline: dict[int, object] = {}
    for a in Assignment.objects.filter(document_id__in=ids).order_by("pk"):
        roles[a.document_id][a.role].append(str(a.user_id))
        if a.role == Assignment.Role.LEAD and a.deadline is not None:
            lead_deadline[a.document_id] = a.deadline
    filed: dict[int, str] = {}
    entries = DossierDocument.objects.filter(document_id__in=ids, is_original=True)
    for entry in entries.select_related("dossier", "dossier__plan_item"):
        filed[entry.document_id] = dossier_key(entry.dossier)
    texts = document_text(ids)
    out = []
    for d in docs:
        labels: dict[str, tuple[str, ...]] = {}
        if d.directed_by_id is not None:
            labels["leader"] = (str(d.directed_by_id),)
        r = roles.get(d.pk, {})
        if r.get(Assignment.Role.LEAD):
            labels["lead"] = (r[Assignment.Role.LEAD][0],)
        if r.get(Assignment.Role.SUPPORT):
            labels["support"] = tuple(sorted(set(r[Assignment.Role.SUPPORT])))
        deadline = d.deadline or lead_deadline.get(d.pk)
        if deadline is not None and d.received_at is not None:
            days = working_days_between(timezone.localtime(d.received_at).date(), deadline)  # type: ignore[arg-type]
            if 0 < days <= MAX_DEADLINE_DAYS:
                labels["deadline"] = (str(days),)
        if d.pk in filed:
            labels["dossier"] = (filed[d.pk],)
        out.append(
            Example(
                ref=d.pk,
                sender=d.sender,
                text=document_features(d, texts.get(d.pk, "")),
                labels=labels,
            )
        )
    return out


def retention_label(code: str, years: int | None) -> str:
    return f"{code}:{years if years is not None else ''}"


def dossier_examples(organization: Organization) -> list[Example]:
    """Non-classified dossiers opened from a file plan: title → heading and retention."""
    dossiers = (
        Dossier.objects.filter(
            organization=organization, secrecy=Secrecy.NONE, plan_item__isnull=False
        )
        .select_related("plan_item__heading")
        .order_by("opened_at", "pk")
    )
    out = []
    for d in dossiers:
        item = d.plan_item
        if item is None:  # filtered out above; keeps the type checker informed
            continue
        out.append(
            Example(
                ref=d.pk,
                sender="",
                text=features(sender="", document_type="", summary=d.title),
                labels={
                    "heading": (item.heading.title,),
                    "retention": (retention_label(d.retention_code, d.retention_years),),
                },
            )
        )
    return out
