"""Giải mật at the end of the protection period (docs/security.md §8).

domain.md §5.1 (Luật BVBMNN 2018 Điều 22): a state secret is declassified **automatically at
expiry without extension**, or earlier by decision. So no decision is waited for: the daily job
records, for each classified document whose period ended before today and was not extended, a
declassification by the law itself (``decided_by`` empty), keeping the level and the period
before it, with one audit event ``document.declassify`` (``"automatic": true``); the
organisation's leaders and the document's recipients are told (``notices``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access.classified.periods import expiring_q, period_of
from vanthu.access.classified.services import Decision, _decide
from vanthu.access.models import ClassificationDecision
from vanthu.core.enums import Secrecy
from vanthu.registry.models import Document

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Outcome:
    declassified: list[int] = field(default_factory=list)
    # Left alone: a decision was recorded today (an extension may be what it did).
    decided_today: list[int] = field(default_factory=list)


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), VN)


@transaction.atomic
def _declassify_one(pk: int, today: datetime.date) -> str:
    document = Document.objects.select_for_update().select_related("organization").get(pk=pk)
    if document.secrecy == Secrecy.NONE:
        return "none"  # a run before this one (or a leader) did it
    if ClassificationDecision.objects.filter(
        document=document, created_at__gte=_start_of(today)
    ).exists():
        return "decided_today"
    period = period_of(document)
    if period.expires_on is None or period.expires_on >= today:
        return "none"  # extended since the list was read
    reason = _(
        "Hết thời hạn bảo vệ ngày %(day)s, không gia hạn: đương nhiên giải mật "
        "(Luật BVBMNN 2018 Điều 22)."
    ) % {"day": period.expires_on.strftime("%d/%m/%Y")}
    _decide(
        actor=None,
        document=document,
        kind=ClassificationDecision.Kind.DECLASSIFY,
        decision=Decision(reason=reason, decided_on=today),
        secrecy_after=Secrecy.NONE,
        starts_on=None,
        expires_after=None,
        # The law's date: the day after the last protected day.
        declassified_on=period.expires_on + datetime.timedelta(days=1),
        details={"automatic": True},
    )
    return "declassified"


def declassify_expired(*, today: datetime.date | None = None) -> Outcome:
    """Declassify every classified document whose protection ended before ``today``.

    Idempotent: a declassified document is no longer classified and leaves the query; each
    document is re-read under its row lock, so an extension committed meanwhile wins."""
    today = today or timezone.localdate()
    ids = list(
        Document.objects.filter(expiring_q(today - datetime.timedelta(days=1)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    outcome = Outcome()
    for pk in ids:
        result = _declassify_one(pk, today)
        if result == "declassified":
            outcome.declassified.append(pk)
        elif result == "decided_today":
            outcome.decided_today.append(pk)
    return outcome
