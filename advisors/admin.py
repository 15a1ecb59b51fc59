from django.contrib import admin

from .models import (
    AdvisorProfile,
    Assignment,
    ExpertProfile,
    Shift,
    SupervisionSession,
    Training,
    TrainingSession,
)


@admin.register(AdvisorProfile)
class AdvisorProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "stage_since", "supervisor"]
    list_filter = ["stage", "hubs"]
    search_fields = ["name", "user__email"]


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "order", "is_active"]


admin.site.register([TrainingSession, SupervisionSession, Shift, ExpertProfile, Assignment])
