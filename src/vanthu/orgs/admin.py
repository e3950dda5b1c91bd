from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from vanthu.orgs.models import DocumentType, Organization, Position, Term, User


class PositionInline(admin.TabularInline[Position, User]):
    model = Position
    extra = 0


@admin.register(User)
class VanthuUserAdmin(UserAdmin):
    inlines = [PositionInline]
    list_display = ("username", "full_name", "organization", "clearance", "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Vanthu", {"fields": ("full_name", "position_title", "organization", "clearance")}),
    )


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ("code", "name", "symbol", "kind", "parent")
    search_fields = ("code", "name", "symbol")
    readonly_fields = ("path", "depth")

    def has_add_permission(self, request: object) -> bool:
        # The tree is kept by orgs.services (materialised path): add through the UI or API.
        return False


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin[DocumentType]):
    list_display = ("code", "name", "abbreviation", "family", "active")


admin.site.register(Term)
