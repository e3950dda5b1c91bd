"""From registry documents to edXML packages and back; status messages (docs/exchange.md).

Receipt is idempotent by DocumentId: the unique key (organisation, DocumentId, business type)
in ``ReceivedPackage`` is the guarantee. Every refusal is audited in a transaction of its own,
after the failed one rolled back, so a refused package leaves an event and nothing else.
"""

from __future__ import annotations

import datetime
import io
import re
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.audit.services import record
from vanthu.capture.detect import sanitize_filename
from vanthu.exchange import dsig, edxml
from vanthu.exchange.models import Partner, ReceivedPackage, ReceivedStatus
from vanthu.orgs.models import DocumentType, Organization
from vanthu.registry import files
from vanthu.registry.models import (
    Channel,
    Direction,
    Document,
    DocumentFile,
    Recipient,
    Status,
)
from vanthu.registry.services import _enqueue_text_extraction
from vanthu.reports.summary import track as track_counts
from vanthu.search.indexing import document_changed

# Recipient status each edXML code leads to (domain.md §7.3); 13/15/16 are about recalls and
# change no delivery status.
CODE_STATUS = {
    "01": Recipient.Status.DELIVERED,
    "02": Recipient.Status.RETURNED,
    "03": Recipient.Status.REGISTERED,
    "04": Recipient.Status.ASSIGNED,
    "05": Recipient.Status.IN_PROGRESS,
    "06": Recipient.Status.DONE,
}
# Statuses only move forward: a 03 that arrives after the 05 changes nothing. A return (02)
# is possible only before registration, so it ranks with it.
RANK = {
    Recipient.Status.NOT_SENT: 0,
    Recipient.Status.DELIVERED: 1,
    Recipient.Status.RETURNED: 2,
    Recipient.Status.REGISTERED: 2,
    Recipient.Status.ASSIGNED: 3,
    Recipient.Status.IN_PROGRESS: 4,
    Recipient.Status.DONE: 5,
}

# Party "05-NQ/TU" (36-HD/VPTW) and state "05/QĐ-UBND" (NĐ 30 Phụ lục I): number, notation.
_NUMBER_SYMBOL = re.compile(r"^\s*(\d+)\s*[-/]\s*(\S.*?)\s*$")


def organ_for(organization: Organization) -> edxml.Organ:
    """Our organisation as an edXML organ: its code is its electronic identifier (OrganId)."""
    return edxml.Organ(organ_id=organization.code, name=organization.name)


def split_number_symbol(number_symbol: str) -> tuple[str, str]:
    match = _NUMBER_SYMBOL.match(number_symbol)
    if not match:
        raise ValidationError({"number_symbol": [_("Văn bản chưa có số, ký hiệu hợp lệ.")]})
    return match.group(1), match.group(2)


def join_number_symbol(number: str, notation: str) -> str:
    # A Party notation has its own "/" (NQ/TU) and joins with "-"; a state one joins with "/".
    return f"{number}-{notation}" if "/" in notation else f"{number}/{notation}"


# --- building ----------------------------------------------------------------------------------


def _recipient_organs(document: Document) -> list[edxml.Organ]:
    organs: list[edxml.Organ] = []
    partners = {p.name: p for p in Partner.objects.filter(active=True)}
    for r in document.recipients.select_related("organization"):
        if r.organization is not None:
            organs.append(organ_for(r.organization))
        elif r.name in partners:
            organs.append(edxml.Organ(organ_id=partners[r.name].organ_id, name=r.name))
    return organs


def build_package(
    document: Document, *, business_type: int = edxml.NEW, reason: str = "", replaces_id: str = ""
) -> bytes:
    """The edXML package of an issued outgoing document, with its files, schema-checked."""
    if document.direction != Direction.OUTGOING or document.status not in (
        Status.ISSUED,
        Status.SENT,
    ):
        raise ValidationError({"status": [_("Chỉ liên thông được văn bản đi đã ban hành.")]})
    # domain.md §2.6: documents "Mật" and above travel only on the Party WAN with Cơ yếu
    # encryption, never in an edXML package over this channel.
    if document.secrecy != "none":
        raise ValidationError({"secrecy": [_("Không gửi văn bản mật qua liên thông edXML.")]})
    assert document.issued_date is not None  # noqa: S101 — issued documents have a date
    number, notation = split_number_symbol(document.number_symbol)
    recipients = _recipient_organs(document)
    if not recipients:
        raise ValidationError({"recipients": [_("Văn bản không có nơi nhận liên thông.")]})
    attachments = []
    for f in document.files.all():
        # The registry's one reader of file bytes: plaintext, authenticated when encrypted.
        data = files.read_verified(f)
        attachments.append(
            edxml.Attachment(
                name=f.original_name,
                content_type=f.content_type,
                data=data,
                content_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"vanthu:file:{f.sha256}")),
            )
        )
    sender = organ_for(document.organization)
    package = edxml.Package(
        sender=sender,
        recipients=recipients,
        code_number=number,
        code_notation=notation,
        promulgation_date=document.issued_date,
        type_code=document.document_type.code,
        type_name=document.document_type.name,
        subject=document.summary,
        content=document.notes,
        signer_name=document.signer,
        due_date=document.deadline,
        to_places=[r.name for r in document.recipients.all() if r.name],
        priority=edxml.PRIORITY.get(document.urgency, 0),
        page_amount=document.page_count,
        business_type=business_type,
        business_reason=reason,
        business_document_id=replaces_id,
        traces=[(sender.organ_id, timezone.localtime())],
        attachments=attachments,
    )
    try:
        # Signed with the installation's exchange key when one is configured (dsig.py).
        return dsig.sign(edxml.build_package_xml(package))
    except edxml.EdxmlError as exc:
        raise ValidationError({"package": [str(exc)]}) from exc


# --- refusals ----------------------------------------------------------------------------------


def refuse(
    *, action: str, message: str, organization: Organization | None, details: dict[str, Any]
) -> ValidationError:
    """Audit a refused message in its own transaction; return the error to raise."""
    # An organisation not saved (no recipient of ours) audits on the global chain.
    known = organization if organization is not None and organization.pk else None
    with transaction.atomic():
        record(
            action=action,
            organization=known,
            details={"reason": message, **details},
        )
    return ValidationError({"package": [message]})


def _partner_for(organ_id: str, partner: Partner | None) -> Partner:
    if partner is not None:
        if partner.organ_id != organ_id:
            raise edxml.EdxmlError(
                _("Nơi gửi %(got)s không phải đối tác %(partner)s đã xác thực.")
                % {"got": organ_id, "partner": partner.organ_id}
            )
        return partner
    found = Partner.objects.filter(organ_id=organ_id, active=True).first()
    if found is None:
        raise edxml.EdxmlError(_("Nơi gửi %s không phải đối tác liên thông.") % organ_id)
    return found


def verified(*, data: bytes, partner: Partner) -> bytes:
    """The signed content of a partner's message, checked against its certificate (dsig.py).

    Runs before anything else reads the message; a refusal is audited and stores nothing.
    """
    try:
        return dsig.verify(data, partner.certificate_pem)
    except dsig.SignatureError as exc:
        raise refuse(
            action="exchange.signature.refuse",
            message=str(exc),
            organization=None,
            # "revoked": the partner's certificate is revoked; "signature": anything else.
            details={"size": len(data), "partner": partner.organ_id, "cause": exc.reason},
        ) from exc
    except edxml.EdxmlError as exc:
        raise refuse(
            action="exchange.package.refuse",
            message=str(exc),
            organization=None,
            details={"size": len(data), "partner": partner.organ_id},
        ) from exc


# --- receiving packages ------------------------------------------------------------------------


def receive_package(
    *, organization: Organization, data: bytes, partner: Partner | None = None
) -> Document:
    """Receipt of a package: an incoming document "chờ vào sổ", exactly once per DocumentId.

    NĐ 30 Điều 21: received documents wait for the văn thư to register them; nothing is
    numbered here. A DocumentId seen before with the same content returns the same document;
    with different content it is refused (and audited).
    """
    try:
        package = edxml.parse_package(data)
        partner = _partner_for(package.sender.organ_id, partner)
        _check_package(package, organization)
        doc_type = (
            DocumentType.objects.filter(code=package.type_code).first()
            or DocumentType.objects.filter(name=package.type_name).first()
        )
        if doc_type is None:
            raise edxml.EdxmlError(
                _("Loại văn bản “%s” không có trong danh mục.") % package.type_name
            )
    except edxml.EdxmlError as exc:
        raise refuse(
            action="exchange.package.refuse",
            message=str(exc),
            organization=organization,
            details={"size": len(data), "partner": partner.organ_id if partner else ""},
        ) from exc
    if package.business_type in (edxml.RECALL, edxml.UPDATE):
        # Thu hồi / cập nhật act on a document received before; nothing new is stored.
        from vanthu.exchange import changes  # changes imports this module

        return changes.receive_change(organization, partner, package)
    # Blobs are durable before the transaction that names them commits (invariant 2).
    blobs = [files.store(io.BytesIO(a.data), secrecy="none") for a in package.attachments]
    try:
        return _store_package(organization, partner, package, doc_type, blobs)
    except _Conflict as exc:
        raise refuse(
            action="exchange.package.conflict",
            message=str(exc),
            organization=organization,
            details={"document_id": package.document_id, "content_hash": package.content_hash},
        ) from exc


class _Conflict(Exception):
    pass


def _check_package(package: edxml.Package, organization: Organization) -> None:
    if organization.code not in {r.organ_id for r in package.recipients}:
        raise edxml.EdxmlError(
            _("Gói tin không gửi cho %(org)s (mã %(code)s).")
            % {"org": organization.name, "code": organization.code}
        )
    if package.secrecy != 0:
        # domain.md §2.6: classified documents never travel in edXML over this channel.
        raise edxml.EdxmlError(_("Không nhận văn bản mật qua liên thông edXML."))
    if package.business_type not in edxml.BUSINESS_TYPES:
        raise edxml.EdxmlError(
            _("Nghiệp vụ %s không có trong QCVN 102:2016.") % package.business_type
        )


@transaction.atomic
def _store_package(
    organization: Organization,
    partner: Partner,
    package: edxml.Package,
    doc_type: DocumentType,
    blobs: list[files.Stored],
) -> Document:
    key = {
        "organization": organization,
        "edxml_id": package.document_id,
        "business_type": package.business_type,
    }
    seen = ReceivedPackage.objects.select_related("document").filter(**key).first()
    if seen is None:
        # The same document as "new" (0) and as a replacement (3): one document, both keys.
        other = {edxml.NEW: edxml.REPLACE, edxml.REPLACE: edxml.NEW}.get(package.business_type)
        twin = (
            ReceivedPackage.objects.select_related("document")
            .filter(organization=organization, edxml_id=package.document_id, business_type=other)
            .first()
            if other is not None
            else None
        )
        if twin is not None and twin.content_hash != package.content_hash:
            raise _Conflict(
                _("DocumentId %s đã được dùng cho một văn bản khác; gói tin bị từ chối.")
                % package.document_id
            )
        if twin is not None:
            ReceivedPackage.objects.get_or_create(
                **key,
                defaults={
                    "content_hash": package.content_hash,
                    "partner": partner,
                    "document": twin.document,
                },
            )
            if package.business_type == edxml.REPLACE:
                from vanthu.exchange import changes  # changes imports this module

                changes.link_replacement(organization, package, twin.document)
            return twin.document
        try:
            with transaction.atomic():
                document = _create_incoming(organization, partner, package, doc_type, blobs)
                seen = ReceivedPackage.objects.create(
                    **key, content_hash=package.content_hash, partner=partner, document=document
                )
        except IntegrityError:
            # A concurrent receipt of the same package won: that document is the one.
            seen = ReceivedPackage.objects.select_related("document").get(**key)
        else:
            record(
                action="exchange.package.receive",
                actor=partner.service_user,
                organization=organization,
                obj=document,
                details={"document_id": package.document_id, "files": len(blobs)},
            )
            if package.business_type == edxml.REPLACE:
                from vanthu.exchange import changes  # changes imports this module

                changes.link_replacement(organization, package, document)
            track_counts([document.pk])
            document_changed(document.pk)
            return document
    if seen.content_hash != package.content_hash:
        raise _Conflict(
            _("DocumentId %s đã được dùng cho một văn bản khác; gói tin bị từ chối.")
            % package.document_id
        )
    return seen.document


def _create_incoming(
    organization: Organization,
    partner: Partner,
    package: edxml.Package,
    doc_type: DocumentType,
    blobs: list[files.Stored],
) -> Document:
    document = Document.objects.create(
        direction=Direction.INCOMING,
        organization=organization,
        number_symbol=join_number_symbol(package.code_number, package.code_notation)[:100],
        document_type=doc_type,
        issued_date=package.promulgation_date,
        summary=package.subject,
        signer=package.signer_name[:150],
        urgency=edxml.PRIORITY_CODES.get(package.priority, "normal"),
        deadline=package.due_date,
        page_count=package.page_amount,
        channel=Channel.ELECTRONIC,
        sender=package.sender.name[:255],
        status=Status.PENDING_REGISTRATION,
        notes=package.content,
    )
    for position, (attachment, stored) in enumerate(
        zip(package.attachments, blobs, strict=True), start=1
    ):
        file = DocumentFile.objects.create(
            document=document,
            position=position,
            sha256=stored.sha256,
            size=stored.size,
            **stored.fields(),
            content_type=attachment.content_type[:150],
            # The upload sanitiser: directories, control characters and "." / ".." go.
            original_name=sanitize_filename(attachment.name),
            uploaded_by=partner.service_user,
        )
        _enqueue_text_extraction(file)
    return document


# --- status messages ---------------------------------------------------------------------------


def received_package_of(document: Document) -> ReceivedPackage:
    package = document.exchange_packages.order_by("pk").first()
    if package is None:
        raise ValidationError({"document": [_("Văn bản này không nhận qua liên thông edXML.")]})
    return package


def build_status(
    document: Document, code: str, reason: str = "", *, staff: str = "", department: str = ""
) -> bytes:
    """The status message (domain.md §7.3) about a document we received by edXML."""
    if code not in edxml.STATUS_CODES:
        raise ValidationError({"code": [_("Mã trạng thái %s không hợp lệ.") % code]})
    if code == "02" and not reason.strip():
        raise ValidationError({"reason": [_("Từ chối tiếp nhận phải ghi lý do.")]})
    package = received_package_of(document)
    organ_id, date, number, notation = edxml.parse_document_id(package.edxml_id)
    message = edxml.StatusMessage(
        sender=organ_for(document.organization),
        response_for=edxml.ResponseFor(
            organ_id=organ_id,
            code=f"{number}/{notation}",
            promulgation_date=date,
            document_id=package.edxml_id,
        ),
        code=code,
        description=reason.strip() or edxml.STATUS_CODES[code],
        timestamp=timezone.localtime(),
        staff=staff,
        department=department,
    )
    return dsig.sign(edxml.build_status_xml(message))


def _sent_document(document_id: str) -> Document:
    organ_id, date, number, notation = edxml.parse_document_id(document_id)
    for doc in Document.objects.filter(
        organization__code=organ_id,
        direction=Direction.OUTGOING,
        issued_date=date,
        number=int(number) if number.isdigit() else -1,
        status__in=[Status.ISSUED, Status.SENT],
    ).select_related("organization"):
        if _NUMBER_SYMBOL.match(doc.number_symbol) and split_number_symbol(doc.number_symbol) == (
            number,
            notation,
        ):
            return doc
    raise edxml.EdxmlError(_("Không có văn bản đi nào mang DocumentId %s.") % document_id)


def receive_status(*, data: bytes, partner: Partner | None = None) -> ReceivedStatus:
    """A recipient tells us what it did; statuses never move a recipient backwards."""
    organization: Organization | None = None
    try:
        message = edxml.parse_status(data)
        partner = _partner_for(message.sender.organ_id, partner)
        document = _sent_document(message.response_for.document_id)
        organization = document.organization
        recipient = (
            document.recipients.filter(
                Q(organization__code=message.sender.organ_id)
                | Q(organization__isnull=True, name=partner.name)
            )
            .order_by("pk")
            .first()
        )
        if recipient is None:
            raise edxml.EdxmlError(
                _("Văn bản %(doc)s chưa từng được gửi cho %(org)s.")
                % {"doc": document.number_symbol, "org": message.sender.organ_id}
            )
        if message.code == "02" and message.description == edxml.STATUS_CODES["02"]:
            raise edxml.EdxmlError(_("Trạng thái 02 (từ chối tiếp nhận) phải có lý do."))
    except edxml.EdxmlError as exc:
        raise refuse(
            action="exchange.status.refuse",
            message=str(exc),
            organization=organization,
            details={"size": len(data), "partner": partner.organ_id if partner else ""},
        ) from exc
    return _apply_status(document, recipient, message, partner)


@transaction.atomic
def _apply_status(
    document: Document, recipient: Recipient, message: edxml.StatusMessage, partner: Partner
) -> ReceivedStatus:
    recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
    sent_at = message.timestamp.astimezone(datetime.UTC)
    existing = ReceivedStatus.objects.filter(
        recipient=recipient, code=message.code, sent_at=sent_at
    ).first()
    if existing is not None:
        return existing
    target = CODE_STATUS.get(message.code)
    applied = target is not None and RANK[target] > RANK[Recipient.Status(recipient.status)]
    if applied:
        assert target is not None  # noqa: S101 — checked just above
        fields: dict[str, str] = {"status": target}
        if message.code == "02":
            fields["return_reason"] = message.description
        # The registry keeps the sender's view of each recipient (Recipient.status); for a
        # recipient in another installation only its status messages can move it.
        Recipient.objects.filter(pk=recipient.pk).update(**fields)
    status = ReceivedStatus.objects.create(
        document=document,
        recipient=recipient,
        organ_id=message.sender.organ_id,
        code=message.code,
        description=message.description,
        sent_at=sent_at,
        applied=applied,
    )
    record(
        action="exchange.status.receive",
        actor=partner.service_user,
        organization=document.organization,
        obj=document,
        details={"recipient": recipient.pk, "code": message.code, "applied": applied},
    )
    track_counts([document.pk])
    document_changed(document.pk)
    return status
