"""Reads of notifications: a user only ever reads their own."""

from __future__ import annotations

from django.db.models import QuerySet

from vanthu.notify.models import Notification
from vanthu.orgs.models import User


def notifications_of(user: User, *, unread: bool = False) -> QuerySet[Notification]:
    # Hidden rows are kinds the user takes by e-mail only (kept for the digest).
    qs = Notification.objects.filter(recipient=user, shown=True)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True, shown=True).count()
