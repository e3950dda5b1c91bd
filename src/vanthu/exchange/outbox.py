"""The outbox: edXML messages to partner installations, retried until delivered or dead.

The ``OutboxMessage`` row is the truth (docs/exchange.md, "Hộp thư đi"): one per partner and
DocumentId and business type (or status code), so enqueueing twice sends once. Each message has
one live ``exchange.deliver`` job; an attempt that fails for a reason that may pass (connection
refused, timeout, 5xx) puts the message back to ``pending`` and raises, so the job system retries
it after ``retry_delay`` (doubling from VANTHU_JOB_RETRY_SECONDS, capped at 1 h). After
VANTHU_EXCHANGE_MAX_ATTEMPTS attempts, or at once when the partner refuses the message itself
(4xx), it is ``dead``: an admin reads the error and re-sends it. Receipt at the partner is
idempotent by DocumentId, so a retry after a lost answer never registers a document twice.
"""

from __future__ import annotations

import datetime
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.audit.services import record
from vanthu.core import jobs
from vanthu.exchange import edxml, services
from vanthu.exchange.models import OutboxMessage, Partner
from vanthu.orgs.models import User
from vanthu.registry.models import Document

State = OutboxMessage.State
DELIVER = "exchange.deliver"
# Statuses the receiver sends back through the outbox; 01 is answered synchronously by the
# inbox (NĐ 30 Điều 21: acknowledgement of receipt the same day).
FEEDBACK_CODES = ("02", "03", "04", "05", "06", "13", "15", "16")
# Answers that mean "try again later": the request itself may be fine.
_TRANSIENT_HTTP = {408, 425, 429}


def max_attempts() -> int:
    return int(getattr(settings, "VANTHU_EXCHANGE_MAX_ATTEMPTS", 12))


def timeout_seconds() -> float:
    return float(getattr(settings, "VANTHU_EXCHANGE_TIMEOUT_SECONDS", 30))


class DeliveryError(Exception):
    """An attempt failed for a reason that may pass; the job system retries with backoff."""


# --- enqueueing --------------------------------------------------------------------------------


def partners_of(document: Document) -> list[Partner]:
    """Active partners among the document's recipients: by name, or by OrganId = org code."""
    names: set[str] = set()
    codes: set[str] = set()
    for r in document.recipients.select_related("organization"):
        if r.organization is not None:
            codes.add(r.organization.code)
        elif r.name:
            names.add(r.name)
    return [
        p
        for p in Partner.objects.filter(active=True).order_by("pk")
        if p.name in names or p.organ_id in codes
    ]


def _document_id(document: Document) -> str:
    assert document.issued_date is not None  # noqa: S101 — build_package checked it
    number, notation = services.split_number_symbol(document.number_symbol)
    return edxml.document_id(document.organization.code, document.issued_date, number, notation)


def _enqueue(message: OutboxMessage) -> None:
    # A job may run again after a crash, so the handler re-reads the row (core/jobs.py); the
    # job's own limit is only a backstop: this module decides when a message is dead.
    jobs.enqueue(
        DELIVER,
        {"message": message.pk},
        queue="exchange",
        dedupe_key=f"{DELIVER}:{message.pk}",
        max_attempts=max_attempts() * 2 + 5,
    )


@transaction.atomic
def send_to_partners(
    document: Document,
    *,
    business_type: int = edxml.NEW,
    actor: User | None = None,
    reason: str = "",
    replaces: Document | None = None,
) -> list[OutboxMessage]:
    """Queue the edXML package of an issued outgoing document for each partner recipient.

    Idempotent: a partner that already has a message for this DocumentId and business type gets
    no second one (the unique key ``exchange_outbox_once`` is the guarantee). A recall (1) sends
    the document's own package again with its reason; a replacement (3) sends the new document,
    naming the one it replaces (``replaces``) in Bussiness/DocumentId, to its own partners.
    """
    document = Document.objects.select_related("organization", "document_type").get(pk=document.pk)
    partners = partners_of(document)
    replaces_id = ""
    if replaces is not None:
        replaces_id = _document_id(replaces)
    if not partners:
        return []
    payload = services.build_package(
        document, business_type=business_type, reason=reason, replaces_id=replaces_id
    )
    edxml_id = _document_id(document)
    messages = []
    for partner in partners:
        message, created = _get_or_create(
            partner=partner,
            edxml_id=edxml_id,
            kind=OutboxMessage.Kind.PACKAGE,
            business_type=business_type,
            status_code="",
            defaults={"organization": document.organization, "document": document},
            payload=payload,
        )
        messages.append(message)
        if created:
            record(
                action="exchange.outbox.enqueue",
                actor=actor,
                organization=document.organization,
                obj=document,
                details={
                    "partner": partner.organ_id,
                    "document_id": edxml_id,
                    "message": message.pk,
                },
            )
    return messages


def _get_or_create(
    *, payload: bytes, defaults: dict[str, Any], **key: Any
) -> tuple[OutboxMessage, bool]:
    existing = OutboxMessage.objects.filter(**key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                **key, **defaults, payload=payload, next_attempt_at=timezone.now()
            )
    except IntegrityError:
        # A concurrent enqueue of the same message won: that one is sent.
        return OutboxMessage.objects.get(**key), False
    _enqueue(message)
    return message, True


@transaction.atomic
def status_changed(document: Document, code: str, reason: str = "") -> OutboxMessage | None:
    """Tell the sender of a document received by edXML what we did with it (domain.md §7.3).

    The registry calls this on registration (03), assignment (04), processing (05), completion
    (06) and return (02, with its reason). A document that did not come by edXML, or whose
    sender is no longer an active partner, has nobody to tell: None. Each code goes once.
    """
    if code not in FEEDBACK_CODES:
        raise ValidationError({"code": [_("Mã trạng thái %s không gửi lại được.") % code]})
    received = document.exchange_packages.select_related("partner").order_by("pk").first()
    if received is None or received.partner is None or not received.partner.active:
        return None
    partner = received.partner
    key = {
        "partner": partner,
        "edxml_id": received.edxml_id,
        "kind": OutboxMessage.Kind.STATUS,
        "business_type": received.business_type,
        "status_code": code,
    }
    existing = OutboxMessage.objects.filter(**key).first()
    if existing is not None:
        return existing
    payload = services.build_status(document, code, reason)
    message, created = _get_or_create(
        payload=payload,
        defaults={"organization": document.organization, "document": document},
        **key,
    )
    if created:
        record(
            action="exchange.outbox.enqueue",
            organization=document.organization,
            obj=document,
            details={"partner": partner.organ_id, "code": code, "message": message.pk},
        )
    return message


# --- delivering --------------------------------------------------------------------------------


def _post(partner: Partner, payload: bytes) -> tuple[int, bytes]:
    if not partner.endpoint_url.startswith(("http://", "https://")):
        raise ValueError(_("Đối tác chưa có địa chỉ nhận gói tin hợp lệ."))
    request = urllib.request.Request(  # noqa: S310 — scheme checked just above
        partner.endpoint_url,
        data=payload,
        method="POST",
        headers={
            "Content-Type": "application/xml; charset=utf-8",
            "Authorization": f"Token {partner.token}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_seconds()) as answer:  # noqa: S310
            return int(answer.status), answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def deliver(message_id: int) -> str:
    """One delivery attempt; returns the message's new status, raises DeliveryError to retry."""
    message = (
        OutboxMessage.objects.select_related("partner", "organization", "document")
        .filter(pk=message_id, status__in=[State.PENDING, State.FAILED])
        .first()
    )
    if message is None:
        return "skipped"  # sent, dead, or gone: a late or repeated job does nothing
    attempts = message.attempts + 1
    try:
        code, body = _post(message.partner, bytes(message.payload))
    except (OSError, ValueError) as exc:
        # Connection refused, timeout, DNS, TLS: the partner may be back later.
        return _failed(message, attempts, f"{type(exc).__name__}: {exc}", transient=True)
    if code in (200, 201, 202):
        _sent(message, attempts, body)
        return State.SENT
    error = f"HTTP {code}: {body[:2000].decode('utf-8', 'replace')}"
    transient = code >= 500 or code in _TRANSIENT_HTTP or code in (401, 403)
    return _failed(message, attempts, error, transient=transient)


def _sent(message: OutboxMessage, attempts: int, body: bytes) -> None:
    note = ""
    if message.kind == OutboxMessage.Kind.PACKAGE:
        # The partner's 202 carries its status 01 ("Đã đến"): apply it as if it had been posted.
        try:
            data = services.verified(data=body, partner=message.partner)
            services.receive_status(data=data, partner=message.partner)
        except ValidationError as exc:
            note = _("Gói tin đã gửi nhưng trạng thái 01 trả về không đọc được: %s") % exc
    now = timezone.now()
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=State.SENT, attempts=attempts, sent_at=now, next_attempt_at=None, last_error=note
        )
        record(
            action="exchange.outbox.sent",
            organization=message.organization,
            obj=message.document,
            details={"message": message.pk, "partner": message.partner.organ_id},
        )


def _failed(message: OutboxMessage, attempts: int, error: str, *, transient: bool) -> str:
    now = timezone.now()
    dead = not transient or attempts >= max_attempts()
    fields: dict[str, Any] = {"attempts": attempts, "last_error": error[:10_000]}
    if dead:
        fields.update(status=State.DEAD, next_attempt_at=None)
    else:
        delay = jobs.retry_delay(attempts)
        fields.update(status=State.PENDING, next_attempt_at=now + datetime.timedelta(seconds=delay))
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(**fields)
        if dead:
            record(
                action="exchange.outbox.dead",
                organization=message.organization,
                obj=message.document,
                details={"message": message.pk, "attempts": attempts, "error": error[:500]},
            )
    if dead:
        return State.DEAD
    raise DeliveryError(error)


# --- dead letters ------------------------------------------------------------------------------


@transaction.atomic
def resend(*, actor: User, message: OutboxMessage) -> OutboxMessage:
    """An admin sends a dead (or failed) message again, with a fresh count of attempts."""
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status not in (State.DEAD, State.FAILED):
        raise ValidationError({"status": [_("Chỉ gửi lại được thư đã hỏng (không gửi được).")]})
    message.status = State.PENDING
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    _enqueue(message)
    record(
        action="exchange.outbox.resend",
        actor=actor,
        organization=message.organization,
        obj=message.document,
        details={"message": message.pk, "last_error": message.last_error[:500]},
    )
    return message
