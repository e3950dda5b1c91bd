"""Receiving recall, update and replacement packages (BussinessDocType 1, 2, 3; domain.md §7.2,
§9 item 9): act on the copy received before, keep the trail, tell the sender and our clerk.

- **1 thu hồi**: the local copy is marked recalled (``drafts.DocumentRelation`` kind
  ``recalls``, origin ``exchange``) and status 15 (đồng ý lấy lại) goes back to the sender.
- **2 cập nhật**: the header fields the sender may change (trích yếu, người ký, hạn trả lời, độ
  khẩn, số trang, ghi chú) are applied to the local copy; the old values are kept on the
  relation (kind ``updates``) and status 15 goes back.
- **3 thay thế**: a new document, received like any other ("chờ vào sổ"); the copy it replaces
  (Bussiness/DocumentId) is marked replaced.

Each is idempotent by the ``ReceivedPackage`` key (organisation, DocumentId, business type):
the same message twice acts once. The receiving clerks see the mark on the document, in the
lists (``status_note``) and in ``GET /api/v1/document-notices/``.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vanthu.audit.services import record
from vanthu.drafts.models import DocumentRelation, RelationKind
from vanthu.drafts.services import record_exchange_relation
from vanthu.exchange import edxml
from vanthu.exchange.models import Partner, ReceivedPackage
from vanthu.exchange.services import refuse
from vanthu.orgs.models import Organization
from vanthu.registry.models import Document
from vanthu.reports.summary import track as track_counts
from vanthu.search.indexing import document_changed

# Fields an update (2) may change, from the package to our Document.
_UPDATABLE = ("summary", "signer", "deadline", "urgency", "page_count", "notes")


def _original(organization: Organization, document_id: str) -> ReceivedPackage | None:
    return (
        ReceivedPackage.objects.select_related("document")
        .filter(
            organization=organization,
            edxml_id=document_id,
            business_type__in=[edxml.NEW, edxml.REPLACE],
        )
        .order_by("pk")
        .first()
    )


def _values(package: edxml.Package) -> dict[str, Any]:
    return {
        "summary": package.subject,
        "signer": package.signer_name[:150],
        "deadline": package.due_date,
        "urgency": edxml.PRIORITY_CODES.get(package.priority, "normal"),
        "page_count": package.page_amount,
        "notes": package.content,
    }


def receive_change(
    organization: Organization, partner: Partner, package: edxml.Package
) -> Document:
    """A recall (1) or an update (2) of a document we received before: the local copy."""
    target_id = package.business_document_id or package.document_id
    original = _original(organization, target_id)
    if original is None:
        raise refuse(
            action="exchange.package.refuse",
            message=_("Chưa nhận văn bản %(id)s nên không thể %(what)s.")
            % {
                "id": target_id,
                "what": edxml.BUSINESS_TYPES[package.business_type].lower(),
            },
            organization=organization,
            details={"document_id": target_id, "business_type": package.business_type},
        )
    try:
        document = _apply_change(organization, partner, package, original)
    except _Again:
        return original.document
    # The sender hears that we accepted (15 đồng ý lấy lại, cập nhật), after our commit.
    from vanthu.exchange.outbox import status_changed

    with transaction.atomic():
        status_changed(document, "15")
    return document


class _Again(Exception):
    """The same change arrived before: it was applied once, nothing more to do."""


@transaction.atomic
def _apply_change(
    organization: Organization,
    partner: Partner,
    package: edxml.Package,
    original: ReceivedPackage,
) -> Document:
    key = {
        "organization": organization,
        "edxml_id": package.business_document_id or package.document_id,
        "business_type": package.business_type,
    }
    if ReceivedPackage.objects.filter(**key).exists():
        raise _Again
    document = Document.objects.select_for_update().get(pk=original.document_id)
    try:
        with transaction.atomic():
            ReceivedPackage.objects.create(
                **key, content_hash=package.content_hash, partner=partner, document=document
            )
    except IntegrityError as exc:
        raise _Again from exc
    reason = package.business_reason.strip()
    if package.business_type == edxml.RECALL:
        kind = RelationKind.RECALLS
        changed: list[str] = []
        previous: dict[str, Any] = {}
    else:
        kind = RelationKind.UPDATES
        values = _values(package)
        changed = [f for f in _UPDATABLE if getattr(document, f) != values[f]]
        previous = {f: _plain(getattr(document, f)) for f in changed}
        for f in changed:
            setattr(document, f, values[f])
        if changed:
            document.save(update_fields=[*changed, "updated_at"])
    if (
        kind == RelationKind.RECALLS
        and DocumentRelation.objects.filter(target=document, kind=kind).exists()
    ):
        raise _Again
    record_exchange_relation(
        kind=kind, target=document, source=None, reason=reason, previous=previous
    )
    record(
        action=f"exchange.package.{'recall' if kind == RelationKind.RECALLS else 'update'}",
        actor=partner.service_user,
        organization=organization,
        obj=document,
        # Field names only: audit details never carry content (architecture.md, Audit).
        details={"document_id": key["edxml_id"], "fields": changed},
    )
    track_counts([document.pk])
    document_changed(document.pk)
    return document


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def link_replacement(organization: Organization, package: edxml.Package, new: Document) -> None:
    """In the receipt's transaction: the copy named in Bussiness/DocumentId is replaced by
    ``new``. A replaced document we never received links nothing (the new one still arrives)."""
    if not package.business_document_id:
        return
    original = _original(organization, package.business_document_id)
    if original is None or original.document_id == new.pk:
        return
    if DocumentRelation.objects.filter(
        target=original.document, kind=RelationKind.REPLACES
    ).exists():
        return
    record_exchange_relation(
        kind=RelationKind.REPLACES,
        target=original.document,
        source=new,
        reason=package.business_reason.strip(),
    )
    record(
        action="exchange.package.replace",
        organization=organization,
        obj=original.document,
        details={"document_id": package.business_document_id, "by": new.pk},
    )
