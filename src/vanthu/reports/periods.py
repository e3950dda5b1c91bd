"""The period of a printed register or a statistic: parsed once, refused clearly when absurd."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# The Party was founded on 03/02/1930: no Party office holds a register older than that.
EARLIEST = datetime.date(1930, 1, 1)
# A printed register is bound per year (NĐ 30 Điều 22: đóng sổ); five years in one print is
# already generous, anything longer is a mistake that would only load the server.
MAX_DAYS = 5 * 366
FORMATS = ("pdf", "xlsx")


@dataclass(frozen=True)
class Period:
    date_from: datetime.date
    date_to: datetime.date

    def label(self) -> str:
        """``Năm 2026`` for a whole calendar year, else ``Từ ngày … đến ngày …``."""
        start, end = self.date_from, self.date_to
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and (
            start.year == end.year
        ):
            return _("Năm %(year)s") % {"year": start.year}
        return _("Từ ngày %(start)s đến ngày %(end)s") % {
            "start": start.strftime("%d/%m/%Y"),
            "end": end.strftime("%d/%m/%Y"),
        }


def _parse_date(value: str, field: str, errors: dict[str, list[str]]) -> datetime.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    errors[field] = [_("Ngày không hợp lệ (định dạng YYYY-MM-DD, ngày phải có thật).")]
    return None


def parse_period(date_from: str | None, date_to: str | None) -> Period:
    """Both ends optional: a missing end is the edge of the current calendar year."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    start = _parse_date(date_from, "date_from", errors) if date_from else None
    end = _parse_date(date_to, "date_to", errors) if date_to else None
    if errors:
        raise ValidationError(errors)
    start = start or datetime.date((end or today).year, 1, 1)
    end = end or datetime.date(start.year, 12, 31)
    if start < EARLIEST:
        errors["date_from"] = [_("Ngày bắt đầu không được trước năm 1930.")]
    if end > today + datetime.timedelta(days=366):
        errors["date_to"] = [_("Ngày kết thúc quá xa trong tương lai.")]
    if end < start:
        errors["date_to"] = [_("Ngày kết thúc không được trước ngày bắt đầu.")]
    elif (end - start).days > MAX_DAYS:
        errors["date_to"] = [_("Mỗi lần in hoặc thống kê tối đa 5 năm.")]
    if errors:
        raise ValidationError(errors)
    return Period(start, end)


def parse_format(value: str | None) -> str:
    fmt = (value or "pdf").strip().lower()
    if fmt not in FORMATS:
        raise ValidationError({"format": [_("Định dạng phải là pdf hoặc xlsx.")]})
    return fmt
