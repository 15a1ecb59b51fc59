from django.contrib import admin

from .models import EventTranslationReview, StringReview


@admin.register(StringReview)
class StringReviewAdmin(admin.ModelAdmin):
    list_display = ["msgid", "language", "status", "reviewer", "reviewed_at"]
    list_filter = ["language", "status"]
    search_fields = ["msgid"]
    readonly_fields = ["key", "msgctxt", "msgid", "msgid_plural", "catalogue_text", "reviewer"]


@admin.register(EventTranslationReview)
class EventTranslationReviewAdmin(admin.ModelAdmin):
    list_display = ["event", "language", "status", "reviewer", "reviewed_at"]
    list_filter = ["language", "status"]
    readonly_fields = ["event", "source", "reviewer"]
