"""Sending issued documents to organisations of the same installation, and what recipients do.

Each recipient organisation finds exactly one incoming document "chờ vào sổ" per outgoing
document, however often send is pressed and even when two sends race: the unique constraint
(source_document, organization) is the guarantee, the row lock on the outgoing document only
keeps the racers from tripping over it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.audit.services import record
from vanthu.core.enums import Secrecy
from vanthu.notify import services as notify
from vanthu.orgs.models import Organization, User
from vanthu.registry import numbering
from vanthu.registry.models import (
    Channel,
    Direction,
    Document,
    DocumentFile,
    Recipient,
    Status,
    TextStatus,
)
from vanthu.registry.services import (
    _enqueue_text_extraction,
    _tell_partner,
    check_clearance,
    require_clerk,
    require_visible,
    sync_recipient,
)
from vanthu.reports.summary import track as track_counts
from vanthu.search.indexing import document_changed


def _deliver(document: Document, org: Organization) -> Document:
    existing = Document.objects.filter(source_document=document, organization=org).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            copy = Document.objects.create(
                direction=Direction.INCOMING,
                organization=org,
                number_symbol=document.number_symbol,
                document_type=document.document_type,
                issued_date=document.issued_date,
                summary=document.summary,
                signer=document.signer,
                secrecy=document.secrecy,
                urgency=document.urgency,
                deadline=document.deadline,
                page_count=document.page_count,
                channel=Channel.EXCHANGE,
                sender=document.organization.name,
                sender_organization=document.organization,
                status=Status.PENDING_REGISTRATION,
                source_document=document,
            )
    except IntegrityError:
        # A concurrent send delivered it first: that delivery is the one.
        return Document.objects.get(source_document=document, organization=org)
    # Same bytes, same blob: the delivery names the sender's blobs, it does not copy them.
    for f in document.files.all():
        done = f.text_status == TextStatus.DONE
        twin = DocumentFile.objects.create(
            document=copy,
            position=f.position,
            sha256=f.sha256,
            size=f.size,
            content_type=f.content_type,
            original_name=f.original_name,
            uploaded_by=f.uploaded_by,
            text=f.text if done else "",
            text_status=TextStatus.DONE if done else TextStatus.WAITING,
            pdfa_sha256=f.pdfa_sha256 if done else None,
            page_count=f.page_count,
        )
        if not done:
            _enqueue_text_extraction(twin)
    # NĐ 30 Điều 21: the recipient's system acknowledges receipt (edXML 01) the same day.
    record(
        action="registry.delivery.receive",
        actor=None,
        organization=org,
        obj=copy,
        details={"source": document.pk},
    )
    track_counts([copy.pk])
    document_changed(copy.pk)
    return copy


@transaction.atomic
def send_outgoing(*, actor: User, document: Document) -> Document:
    """Phát hành: deliver to every recipient organisation of the installation, once each."""
    require_visible(actor, document)
    document = (
        Document.objects.select_for_update().select_related("organization").get(pk=document.pk)
    )
    require_clerk(actor, document.organization)
    if document.direction != Direction.OUTGOING or document.status not in (
        Status.ISSUED,
        Status.SENT,
    ):
        raise ValidationError({"status": [_("Chỉ gửi được văn bản đã ban hành (đã cấp số).")]})
    delivered = 0
    fresh: list[Document] = []
    for recipient in document.recipients.select_related("organization").filter(
        organization__isnull=False
    ):
        copy = _deliver(document, recipient.organization)  # type: ignore[arg-type]
        if recipient.delivered_id is None:
            recipient.delivered = copy
            recipient.status = Recipient.Status.DELIVERED
            recipient.save(update_fields=["delivered", "status"])
            delivered += 1
            fresh.append(copy)
    first_send = document.status == Status.ISSUED
    document.status = Status.SENT
    document.save(update_fields=["status", "updated_at"])
    record(
        action="registry.outgoing.send",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={"new_deliveries": delivered, "first_send": first_send},
    )
    notify.delivered_after_commit(fresh)
    if document.secrecy == Secrecy.NONE:
        # Recipients that are partners in other installations get the edXML package through
        # the outbox; classified documents never leave by exchange (domain.md §2.6).
        from vanthu.exchange.outbox import send_to_partners  # exchange imports the registry

        send_to_partners(document, actor=actor)
    track_counts([document.pk])
    document_changed(document.pk)
    return document


def _pending(actor: User, document: Document) -> Document:
    require_visible(actor, document)
    document = (
        Document.objects.select_for_update().select_related("organization").get(pk=document.pk)
    )
    require_clerk(actor, document.organization)
    if document.status != Status.PENDING_REGISTRATION:
        raise ValidationError({"status": [_("Văn bản này không ở trạng thái chờ vào sổ.")]})
    return document


def _tell_sender(actor: User, document: Document, status: str) -> None:
    source = document.source_document
    if source is None:
        return
    record(
        action="registry.recipient.status",
        actor=actor,
        organization=source.organization,
        obj=source,
        details={"recipient": document.organization_id, "status": status},
    )


@transaction.atomic
def register_delivered(*, actor: User, document: Document) -> Document:
    """The recipient clerk registers a delivery: the arrival number is taken now."""
    document = _pending(actor, document)
    check_clearance(actor, document.secrecy)
    now = timezone.now()
    register = numbering.default_register(
        organization=document.organization,
        direction=Direction.INCOMING,
        series=numbering.series_for(document.secrecy),
    )
    alloc = numbering.allocate(
        register=register, document_type=document.document_type, on=timezone.localdate(now)
    )
    document.register = register
    document.number = alloc.number
    document.period_key = alloc.period_key
    document.counter_type_key = alloc.type_key
    document.received_at = now
    document.status = Status.NEW
    document.created_by = actor
    document.save()
    sync_recipient(document, Recipient.Status.REGISTERED)
    record(
        action="registry.incoming.register",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={"register": register.pk, "period": alloc.period_key, "number": alloc.number},
    )
    _tell_sender(actor, document, Recipient.Status.REGISTERED)
    _tell_partner(document, "03")
    track_counts([document.pk])
    document_changed(document.pk)
    return document


@transaction.atomic
def return_delivered(*, actor: User, document: Document, reason: str) -> Document:
    """Từ chối tiếp nhận (edXML 02): a reason is required."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Phải ghi lý do trả lại.")]})
    document = _pending(actor, document)
    document.status = Status.RETURNED
    document.notes = reason.strip()
    document.save(update_fields=["status", "notes", "updated_at"])
    sync_recipient(document, Recipient.Status.RETURNED, reason.strip())
    record(
        action="registry.incoming.return",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={},
    )
    _tell_sender(actor, document, Recipient.Status.RETURNED)
    notify.returned_after_commit(document)
    _tell_partner(document, "02", reason)
    track_counts([document.pk])
    document_changed(document.pk)
    return document
