from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import (
    AccessLog,
    Hub,
    Language,
    Membership,
    Organisation,
    OutboundMessage,
    PartnerContact,
    PartnerOrganisation,
    PartnerService,
    Topic,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["hub"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "preferred_language", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "preferred_language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal: list[str] = []
    list_filter = ["is_active", "is_staff"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Hub)
class HubAdmin(TranslationAdmin):
    list_display = ["name", "organisation", "slug", "kiosk_enabled", "is_active"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["languages_offered"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "hub", "role", "is_active"]
    list_filter = ["hub", "role", "is_active"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user", "hub"]
    readonly_fields = ["ended_at"]

    def save_model(self, request, obj, form, change):
        """Switching a role off here counts as the person leaving, as on the team page: the
        retention of former members' data counts from ``ended_at``."""
        if "is_active" in form.changed_data:
            obj.ended_at = None if obj.is_active else timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Language)
class LanguageAdmin(TranslationAdmin):
    list_display = ["code", "name", "name_local", "rtl", "order"]


@admin.register(Topic)
class TopicAdmin(TranslationAdmin):
    list_display = ["key", "name", "pictogram", "needs_professional", "order", "is_active"]


class PartnerServiceInline(TranslationTabularInline):
    model = PartnerService
    extra = 0


class PartnerContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 0


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(TranslationAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["hubs_served"]
    inlines = [PartnerServiceInline, PartnerContactInline]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["key", "channel", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel"]
    # Person data stays out of the technical admin. ``exclude`` alone is not enough: read-only
    # fields are shown whatever the form excludes.
    exclude = ["body", "to"]
    readonly_fields = [f.name for f in OutboundMessage._meta.fields if f.name not in {"body", "to"}]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "hub", "subject_type", "subject_id", "view"]
    list_filter = ["hub", "subject_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
