"""Experience experts: their own offers and assignments, and the coordinator's requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kototori.access import Perm, hub_permission_required

from .. import services
from ..forms import AssignmentDoneForm, AssignmentForm, ExpertForm
from ..models import Assignment, AssignmentOffer, ExpertProfile

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from kototori.models import Hub


@hub_permission_required(Perm.EXPERT_SELF)
def expert_home(request: HttpRequest, hub: Hub) -> HttpResponse:
    offers = (
        AssignmentOffer.objects.filter(
            expert=request.user,
            assignment__hub=hub,
            response=AssignmentOffer.Response.PENDING,
            assignment__status=Assignment.Status.OFFERED,
        )
        .select_related("assignment__language", "assignment__partner")
        .order_by("assignment__starts_at")
    )
    mine = (
        Assignment.objects.filter(hub=hub, expert=request.user)
        .exclude(status=Assignment.Status.CANCELLED)
        .select_related("language", "partner")
        .order_by("-starts_at")
    )
    return render(
        request,
        "advisors/expert_home.html",
        {
            "hub": hub,
            "offers": list(offers),
            "mine": list(mine[:50]),
            "profile": ExpertProfile.objects.filter(user=request.user).first(),
            "done_form": AssignmentDoneForm(),
            "now": timezone.now(),
        },
    )


@require_POST
@hub_permission_required(Perm.EXPERT_SELF)
def offer_respond(request: HttpRequest, hub: Hub, pk: int, answer: str) -> HttpResponse:
    offer = (
        AssignmentOffer.objects.filter(pk=pk, expert=request.user, assignment__hub=hub)
        .select_related("assignment")
        .first()
    )
    if offer is None or answer not in ("accept", "decline"):
        raise Http404
    try:
        services.assignment_respond(offer=offer, accept=answer == "accept")
    except services.AssignmentError as exc:
        messages.error(request, str(exc))
    else:
        if answer == "accept":
            messages.success(request, _("Thank you! The coordinator will confirm it."))
        else:
            messages.info(request, _("Declined. Thank you for answering."))
    return redirect("advisors:expert_home", hub=hub.slug)


@require_POST
@hub_permission_required(Perm.EXPERT_SELF, Perm.EXPERT_MANAGE)
def assignment_done(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    from kototori.access import has_perm

    assignments = Assignment.objects.filter(hub=hub, pk=pk)
    manager = has_perm(request, Perm.EXPERT_MANAGE, hub)
    if not manager:
        assignments = assignments.filter(expert=request.user)
    assignment = assignments.first()
    if assignment is None:
        raise Http404
    form = AssignmentDoneForm(request.POST)
    back = "advisors:assignment" if manager else "advisors:expert_home"
    kwargs = {"hub": hub.slug, "pk": pk} if manager else {"hub": hub.slug}
    if not form.is_valid():
        messages.error(request, _("Give the audience size and the hours."))
        return redirect(back, **kwargs)
    try:
        services.assignment_complete(assignment=assignment, **form.cleaned_data)
    except services.AssignmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Marked as done. Thank you!"))
    return redirect(back, **kwargs)


@hub_permission_required(Perm.EXPERT_MANAGE)
def assignments(request: HttpRequest, hub: Hub) -> HttpResponse:
    form = AssignmentForm(request.POST or None, hub=hub)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        themes = data.pop("themes")
        assignment = services.assignment_create(hub=hub, by=request.user, themes=themes, **data)
        messages.success(request, _("Request saved. Offer it to the experts when ready."))
        return redirect("advisors:assignment", hub=hub.slug, pk=assignment.pk)
    rows = (
        Assignment.objects.filter(hub=hub)
        .select_related("expert", "partner", "language")
        .order_by("-starts_at")[:200]
    )
    return render(
        request,
        "advisors/assignments.html",
        {"hub": hub, "assignments": list(rows), "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _get_assignment(hub: Hub, pk: int) -> Assignment:
    assignment = (
        Assignment.objects.filter(hub=hub, pk=pk)
        .select_related("expert", "partner", "language")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


@hub_permission_required(Perm.EXPERT_MANAGE)
def assignment_detail(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    assignment = _get_assignment(hub, pk)
    return render(
        request,
        "advisors/assignment_detail.html",
        {
            "hub": hub,
            "assignment": assignment,
            "offers": assignment.offers.select_related("expert"),
            "matches": services.matching_experts(assignment),
            "themes": list(assignment.themes.all()),
            "done_form": AssignmentDoneForm(),
            "now": timezone.now(),
        },
    )


@require_POST
@hub_permission_required(Perm.EXPERT_MANAGE)
def assignment_action(request: HttpRequest, hub: Hub, pk: int, action: str) -> HttpResponse:
    assignment = _get_assignment(hub, pk)
    try:
        if action == "offer":
            offers = services.assignment_offer(assignment=assignment, by=request.user)
            if offers:
                messages.success(
                    request,
                    ngettext(
                        "Offered to %(count)s expert.", "Offered to %(count)s experts.", len(offers)
                    )
                    % {"count": len(offers)},
                )
            else:
                messages.warning(request, _("No new expert matches this assignment."))
        elif action == "confirm":
            services.assignment_confirm(assignment=assignment)
            messages.success(request, _("Confirmed. The expert was told."))
        elif action == "cancel":
            services.assignment_cancel(assignment=assignment)
            messages.success(request, _("Cancelled."))
        else:
            raise Http404
    except services.AssignmentError as exc:
        messages.error(request, str(exc))
    return redirect("advisors:assignment", hub=hub.slug, pk=pk)


@hub_permission_required(Perm.EXPERT_MANAGE)
def experts(request: HttpRequest, hub: Hub) -> HttpResponse:
    form = ExpertForm(request.POST or None, hub=hub)
    if request.method == "POST" and form.is_valid():
        services.expert_profile_create(hub=hub, **form.cleaned_data)
        messages.success(request, _("Expert profile saved."))
        return redirect("advisors:experts", hub=hub.slug)
    profiles = (
        ExpertProfile.objects.filter(hubs=hub)
        .select_related("user")
        .prefetch_related("languages", "themes")
    )
    return render(
        request,
        "advisors/experts.html",
        {"hub": hub, "profiles": list(profiles), "form": form},
        status=400 if request.method == "POST" else 200,
    )
