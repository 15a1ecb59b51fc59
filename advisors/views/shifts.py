"""The hub's shift plan, sign-ups, and volunteer hours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kototori.access import Perm, has_perm, hub_permission_required

from .. import services
from ..forms import HoursForm, ShiftForm
from ..models import HoursEntry, Shift, ShiftSignup
from ..queries import hours_by_month

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from kototori.models import Hub


@hub_permission_required(Perm.SHIFT_PLAN, Perm.ADVISOR_SELF)
def shifts(request: HttpRequest, hub: Hub) -> HttpResponse:
    can_plan = has_perm(request, Perm.SHIFT_PLAN, hub)
    form = ShiftForm(request.POST or None) if can_plan else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            shift = form.save(commit=False)
            shift.hub = hub
            shift.created_by = request.user
            shift.save()
            messages.success(request, _("Shift added."))
            return redirect("advisors:shifts", hub=hub.slug)
    plan = (
        Shift.objects.upcoming()
        .filter(hub=hub)
        .annotate(
            taken=Count("signups"),
            mine=Exists(ShiftSignup.objects.filter(shift=OuterRef("pk"), user=request.user)),
        )
    )
    if can_plan:
        plan = plan.prefetch_related("signups__user")
    return render(
        request,
        "advisors/shifts.html",
        {
            "hub": hub,
            "shifts": list(plan[:100]),
            "form": form,
            "can_plan": can_plan,
            "can_sign_up": has_perm(request, Perm.ADVISOR_SELF, hub),
        },
        status=400 if request.method == "POST" else 200,
    )


def _get_shift(hub: Hub, pk: int) -> Shift:
    shift = Shift.objects.filter(hub=hub, pk=pk).first()
    if shift is None:
        raise Http404
    return shift


@require_POST
@hub_permission_required(Perm.ADVISOR_SELF)
def shift_signup(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    shift = _get_shift(hub, pk)
    try:
        services.shift_signup(shift=shift, user=request.user)
    except services.ShiftError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You are signed up. We'll remind you the day before."))
    return redirect("advisors:shifts", hub=hub.slug)


@require_POST
@hub_permission_required(Perm.ADVISOR_SELF)
def shift_cancel(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    shift = _get_shift(hub, pk)
    try:
        services.shift_cancel(shift=shift, user=request.user)
    except services.ShiftError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your sign-up is cancelled."))
    return redirect("advisors:shifts", hub=hub.slug)


@hub_permission_required(Perm.ADVISOR_SELF)
def hours(request: HttpRequest, hub: Hub) -> HttpResponse:
    form = HoursForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.hours_log(user=request.user, hub=hub, **form.cleaned_data)
        messages.success(request, _("Hours saved. Thank you!"))
        return redirect("advisors:hours", hub=hub.slug)
    return render(
        request,
        "advisors/hours.html",
        {
            "hub": hub,
            "form": form,
            "months": hours_by_month(user=request.user, hub=hub),
            "entries": list(HoursEntry.objects.filter(user=request.user, hub=hub)[:30]),
        },
        status=400 if request.method == "POST" else 200,
    )
