"""Partners are managed by admins (issue 9, "Partners"); received messages are read-only."""

from __future__ import annotations

from django.contrib import admin

from vanthu.exchange.models import OutboxMessage, Partner, ReceivedPackage, ReceivedStatus


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin[Partner]):
    list_display = ["organ_id", "name", "endpoint_url", "service_user", "active"]
    list_filter = ["active"]
    search_fields = ["organ_id", "name"]
    raw_id_fields = ["service_user"]


@admin.register(ReceivedPackage)
class ReceivedPackageAdmin(admin.ModelAdmin[ReceivedPackage]):
    list_display = ["edxml_id", "organization", "partner", "business_type", "received_at"]
    readonly_fields = [f.name for f in ReceivedPackage._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ReceivedStatus)
class ReceivedStatusAdmin(admin.ModelAdmin[ReceivedStatus]):
    list_display = ["document", "organ_id", "code", "sent_at", "applied"]
    readonly_fields = [f.name for f in ReceivedStatus._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = ["edxml_id", "kind", "status_code", "partner", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["edxml_id"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
