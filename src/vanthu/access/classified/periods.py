"""Protection periods (thời hạn bảo vệ bí mật nhà nước).

Luật BVBMNN 2018 Điều 19: counted from the date the level was set, 30 years for Tuyệt mật, 20
for Tối mật, 10 for Mật, unless a decision shortened or extended it. Until a decision is taken
no row exists: the period is the default from the document's date (its ``issued_date``, or the
day it was entered when it has none).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from vanthu.core.enums import Secrecy
from vanthu.registry.models import Document

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Luật BVBMNN 2018 Điều 19 khoản 1 (the defaults; a decision may change a document's period).
PERIOD_YEARS = {
    Secrecy.TOP_SECRET.value: 30,
    Secrecy.SECRET.value: 20,
    Secrecy.CONFIDENTIAL.value: 10,
}


def add_years(day: datetime.date, years: int) -> datetime.date:
    """``day`` ``years`` later (29/02 becomes 28/02 in a year without it)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def base_date(document: Document) -> datetime.date:
    if document.issued_date is not None:
        return document.issued_date
    return timezone.localtime(document.created_at, VN).date()


@dataclass(frozen=True)
class Period:
    secrecy: str
    starts_on: datetime.date | None
    expires_on: datetime.date | None
    declassified_on: datetime.date | None
    decided: bool  # a decision set it (else: the default of the law)

    def days_left(self, today: datetime.date | None = None) -> int | None:
        if self.expires_on is None:
            return None
        return (self.expires_on - (today or timezone.localdate())).days


def period_of(document: Document) -> Period:
    from vanthu.access.models import Protection

    cache = document._state.fields_cache
    # Lists load it with select_related("protection"): no query per row.
    row = (
        cache["protection"]
        if "protection" in cache
        else Protection.objects.filter(document=document).first()
    )
    if row is not None:
        return Period(document.secrecy, row.starts_on, row.expires_on, row.declassified_on, True)
    if document.secrecy == Secrecy.NONE:
        return Period(document.secrecy, None, None, None, False)
    start = base_date(document)
    return Period(
        document.secrecy, start, add_years(start, PERIOD_YEARS[document.secrecy]), None, False
    )


def expiring_q(horizon: datetime.date) -> Q:
    """Classified documents whose protection ends on or before ``horizon`` (one WHERE)."""
    decided = Q(protection__isnull=False, protection__expires_on__lte=horizon)
    default = Q(pk__in=[])
    for level, years in PERIOD_YEARS.items():
        # expires = base + years <= horizon  ⇔  base <= horizon - years
        latest = add_years(horizon, -years)
        # The day after ``latest`` starts at local midnight: created before it means on or
        # before ``latest`` in Asia/Ho_Chi_Minh.
        cut = datetime.datetime.combine(latest + datetime.timedelta(days=1), datetime.time(), VN)
        default |= Q(secrecy=level) & (
            Q(issued_date__lte=latest) | Q(issued_date__isnull=True, created_at__lt=cut)
        )
    default &= Q(protection__isnull=True)
    return ~Q(secrecy=Secrecy.NONE) & (decided | default)
