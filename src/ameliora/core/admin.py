from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from ameliora.core.models import Invitation, Membership, MembershipRole, Organization, Unit, User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identity", {"fields": ("first_name", "last_name")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class UnitInline(admin.TabularInline[Unit, Organization]):
    model = Unit
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [UnitInline]


class MembershipRoleInline(admin.TabularInline[MembershipRole, Membership]):
    model = MembershipRole
    extra = 0


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "title"]
    list_filter = ["organization"]
    search_fields = ["user__email", "user__last_name"]
    list_select_related = ["user", "organization"]
    inlines = [MembershipRoleInline]


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = ["email", "organization", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["organization"]
    readonly_fields = ["token"]
