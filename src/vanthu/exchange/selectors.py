"""Reads of the exchange app: the outbox is for the admins of the sending organisations."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from vanthu.access import policy
from vanthu.exchange.models import OutboxMessage
from vanthu.orgs.models import Organization, User


def outbox_for(user: User, *, status: str | None = None) -> QuerySet[OutboxMessage]:
    """Messages of the organisations ``user`` administers, newest first, without payloads."""
    administered = Organization.objects.filter(policy.administered_organizations(user))
    qs = (
        OutboxMessage.objects.filter(organization__in=administered)
        .select_related("partner")
        .defer("payload")
        .order_by("-pk")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def outbox_message_or_404(user: User, pk: int) -> OutboxMessage:
    """A message the user administers; any other (or none) is 404, never 403."""
    try:
        return outbox_for(user).get(pk=pk)
    except OutboxMessage.DoesNotExist as exc:
        raise Http404 from exc
