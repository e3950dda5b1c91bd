"""Retention tables are rules an office edits (domain.md §6). Dossiers and plans change only
through the services (audited), so they are not editable here."""

from django.contrib import admin

from vanthu.records.models import RetentionRule, RetentionSchedule


class RetentionRuleInline(admin.TabularInline[RetentionRule, RetentionSchedule]):
    model = RetentionRule
    extra = 0
    fields = ("position", "reference", "group", "title", "retention_code", "retention_years")


@admin.register(RetentionSchedule)
class RetentionScheduleAdmin(admin.ModelAdmin[RetentionSchedule]):
    list_display = ("code", "name", "kind", "is_sample", "active", "organization")
    list_filter = ("kind", "is_sample", "active")
    inlines = [RetentionRuleInline]


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin[RetentionRule]):
    list_display = ("schedule", "position", "title", "retention_code", "retention_years")
    list_filter = ("schedule", "retention_code")
    search_fields = ("title", "group")
