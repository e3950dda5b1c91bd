"""Admin of the working-day calendar: the swaps the government announces each year (nghỉ bù,
làm bù) and an office's own days off are data (docs/style.md), not code."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from vanthu.audit.services import record
from vanthu.core import workdays
from vanthu.core.models import CalendarDay


def _forget_after_commit() -> None:
    # Now for this process, and again once the change is visible to every reader.
    workdays.clear_cache()
    transaction.on_commit(workdays.clear_cache)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ["date", "kind", "name", "basis"]
    list_filter = ["kind"]
    search_fields = ["name", "basis"]
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record(
                action="core.calendar_day.save",
                actor=request.user,  # type: ignore[arg-type]
                obj=obj,
                details={"date": obj.date.isoformat(), "kind": obj.kind},
            )
            _forget_after_commit()

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        with transaction.atomic():
            record(
                action="core.calendar_day.delete",
                actor=request.user,  # type: ignore[arg-type]
                obj=obj,
                details={"date": obj.date.isoformat(), "kind": obj.kind},
            )
            super().delete_model(request, obj)
            _forget_after_commit()
