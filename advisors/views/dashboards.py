"""The advisor's and the professional's home pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kototori.access import Perm, hub_permission_required
from kototori.reports.charts import simple_bars
from visits.models import Case

from ..models import AdvisorProfile, Shift, Stage, TrainingCompletion
from ..queries import (
    hours_this_month,
    hub_hours_this_month,
    pathway_outcomes_by_kind,
    pool_for,
    pool_stats,
    stale_claims,
)
from ..services import advisors_by_stage

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from kototori.models import Hub


@hub_permission_required(Perm.ADVISOR_SELF, Perm.CASE_POOL)
def home(request: HttpRequest, hub: Hub) -> HttpResponse:
    user = request.user
    my_cases = list(
        Case.objects.claimed_by(user)
        .filter(hub=hub)
        .prefetch_related("topics")
        .order_by(F("next_follow_up").asc(nulls_last=True), "claimed_at")
    )
    today = timezone.localdate()
    context = {
        "hub": hub,
        "my_cases": my_cases,
        "due": [c for c in my_cases if c.next_follow_up and c.next_follow_up <= today],
        "today": today,
        "matches": list(pool_for(hub=hub, user=user)[:5]),
        "next_shift": Shift.objects.upcoming().filter(hub=hub, signups__user=user).first(),
        "hours": hours_this_month(user=user, hub=hub),
        "trainings": list(
            TrainingCompletion.objects.filter(user=user).select_related("training")[:10]
        ),
        "profile": AdvisorProfile.objects.filter(user=user).first(),
    }
    return render(request, "advisors/home.html", context)


@hub_permission_required(Perm.CASE_SUPERVISE, Perm.ADVISOR_MANAGE)
def supervision(request: HttpRequest, hub: Hub) -> HttpResponse:
    by_stage = advisors_by_stage(hub)
    context = {
        "hub": hub,
        "escalations": list(
            Case.objects.filter(hub=hub, status=Case.Status.ESCALATED)
            .select_related("claimed_by")
            .prefetch_related("topics")
            .order_by("escalated_at")
        ),
        "stale": list(stale_claims(hub, settings.STALE_CLAIM_REMIND_DAYS)[:50]),
        "stale_days": settings.STALE_CLAIM_REMIND_DAYS,
        "stats": pool_stats(hub),
        "stages": [(label, by_stage[value]) for value, label in Stage.choices],
        "year": timezone.localdate().year,
        "outcomes": pathway_outcomes_by_kind(hub, timezone.localdate().year),
        "hub_hours": hub_hours_this_month(hub),
    }
    context["stages_chart"] = simple_bars(
        "pathway", _("Advisors by pathway stage"), context["stages"]
    )
    return render(request, "advisors/supervision.html", context)
