"""Registers are data an office may change (scope, period, format, closing): domain.md §9."""

from __future__ import annotations

from django.contrib import admin

from vanthu.registry.models import Counter, NumberEvent, Register


@admin.register(Register)
class RegisterAdmin(admin.ModelAdmin[Register]):
    list_display = [
        "name",
        "organization",
        "direction",
        "series",
        "scope",
        "period",
        "symbol_format",
        "is_default",
        "closed",
    ]
    list_filter = ["direction", "series", "scope", "period", "closed"]
    search_fields = ["name", "organization__name"]
    raw_id_fields = ["organization"]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin[Counter]):
    # Read-only: a number is only ever taken by the numbering service, never typed in.
    list_display = ["register", "period_key", "document_type", "last_number"]
    readonly_fields = ["register", "period_key", "type_key", "document_type", "last_number"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(NumberEvent)
class NumberEventAdmin(admin.ModelAdmin[NumberEvent]):
    list_display = ["register", "period_key", "number", "kind", "reason", "actor", "created_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in NumberEvent._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
