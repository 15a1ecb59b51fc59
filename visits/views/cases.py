"""Opening follow-up cases (the pool itself lives in advisors/), and outreach sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.db.models import Prefetch, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kototori.access import Perm, hub_permission_required
from kototori.models import Language

from ..forms import CaseForm, OutreachForm
from ..models import OutreachSession, OutreachTopicCount, Visit, Visitor
from ..services import case_open, outreach_log

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from kototori.models import Hub


@hub_permission_required(Perm.CASE_OPEN)
def case_create(request: HttpRequest, hub: Hub) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    visit = visitor = None
    if str(source.get("visit", "")).isdecimal():
        visit = Visit.objects.filter(pk=source["visit"], hub=hub).first()
    if str(source.get("visitor", "")).isdecimal():
        visitor = Visitor.objects.filter(pk=source["visitor"], hub=hub).first()
    initial = {}
    if visit is not None:
        initial = {
            "topics": list(visit.topics.all()),
            "languages": [visit.language] if visit.language else [],
        }
    form = CaseForm(request.POST if request.method == "POST" else None, initial=initial)
    form.fields["languages"].queryset = Language.objects.all()
    if request.method == "POST" and form.is_valid():
        case = case_open(
            hub=hub,
            user=request.user,
            visit=visit,
            visitor=visitor,
            **form.cleaned_data,
        )
        messages.success(
            request,
            _("Case %(number)s is open and waits in the hub's pool for an advisor.")
            % {"number": case.pk},
        )
        return redirect("visits:desk", hub=hub.slug)
    return render(
        request,
        "visits/case_form.html",
        {"hub": hub, "form": form, "visit": visit, "visitor": visitor},
        status=400 if request.method == "POST" else 200,
    )


@hub_permission_required(Perm.OUTREACH_LOG)
def outreach_list(request: HttpRequest, hub: Hub) -> HttpResponse:
    sessions = (
        OutreachSession.objects.filter(hub=hub)
        .select_related("partner")
        .prefetch_related(
            "staff",
            Prefetch("topic_counts", queryset=OutreachTopicCount.objects.select_related("topic")),
        )[:50]
    )
    total = OutreachSession.objects.filter(hub=hub).aggregate(people=Sum("head_count"))
    return render(
        request,
        "visits/outreach_list.html",
        {"hub": hub, "sessions": sessions, "total": total["people"] or 0},
    )


@hub_permission_required(Perm.OUTREACH_LOG)
def outreach_create(request: HttpRequest, hub: Hub) -> HttpResponse:
    form = OutreachForm(request.POST if request.method == "POST" else None, hub=hub)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outreach_log(
            hub=hub,
            user=request.user,
            place_kind=data["place_kind"],
            place=data["place"],
            partner=data["partner"],
            date=data["date"],
            staff=data["staff"],
            head_count=data["head_count"],
            counts=form.counts(),
            note=data["note"],
        )
        messages.success(request, _("Outreach session logged."))
        return redirect("visits:outreach", hub=hub.slug)
    return render(
        request,
        "visits/outreach_form.html",
        {"hub": hub, "form": form},
        status=400 if request.method == "POST" else 200,
    )
