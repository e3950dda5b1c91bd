"""``{% deadline_badge date status %}``: "Quá hạn 3 ngày làm việc", "Còn 2 ngày" (core.workdays)."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone

from vanthu.core import workdays

register = template.Library()

# A document in one of these statuses has nothing left to do: no badge.
CLOSED = {"done", "returned", "issued", "sent"}
SOON = 2


def deadline_state(deadline: datetime.date | None, today: datetime.date) -> dict[str, Any]:
    """What the badge says: ``kind`` (overdue, today, soon, later) and ``days`` (working days
    late or left)."""
    if deadline is None:
        return {"kind": ""}
    if deadline < today:
        return {"kind": "overdue", "days": workdays.working_days_between(deadline, today)}
    if deadline == today:
        return {"kind": "today", "days": 0}
    left = workdays.working_days_between(today, deadline)
    return {"kind": "soon" if left <= SOON else "later", "days": left}


@register.inclusion_tag("core/_deadline_badge.html")
def deadline_badge(deadline: datetime.date | None, status: str = "") -> dict[str, Any]:
    if status in CLOSED:
        return {"kind": ""}
    return deadline_state(deadline, timezone.localdate())
