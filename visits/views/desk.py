"""The front desk's home: log a visit in seconds, undo it, and see the day at a glance."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kototori.access import Perm, has_perm, hub_permission_required
from kototori.reports.charts import simple_bars

from ..forms import VisitForm, new_key
from ..models import Case, DataRequest, QueueEntry, Visit, VisitOutcome
from ..services import visit_can_undo, visit_log, visit_undo, visit_update

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from kototori.models import Hub

SESSION_LAST = "visits:last"


def _remembered(request: HttpRequest, hub: Hub) -> dict:
    """The channel and language used last at this hub: most visitors in a row share them."""
    last = request.session.get(SESSION_LAST, {}).get(str(hub.pk), {})
    return {"channel": last.get("channel", "walk_in"), "language": last.get("language")}


def _remember(request: HttpRequest, hub: Hub, visit: Visit) -> None:
    last = request.session.get(SESSION_LAST, {})
    last[str(hub.pk)] = {"channel": visit.channel, "language": visit.language_id}
    request.session[SESSION_LAST] = last


def _fresh_form(request: HttpRequest, hub: Hub) -> VisitForm:
    return VisitForm(initial={**_remembered(request, hub), "key": new_key()}, hub=hub)


def _today_stats(hub: Hub) -> dict:
    today = timezone.localdate()
    visits = Visit.objects.filter(hub=hub, day=today).aggregate(
        total=Count("pk"),
        referred=Count("pk", filter=Q(outcome=VisitOutcome.REFERRED)),
        cases=Count("pk", filter=Q(outcome=VisitOutcome.CASE)),
    )
    waiting = QueueEntry.objects.today(hub).waiting().count()
    return {**visits, "waiting": waiting}


def _desk_context(request: HttpRequest, hub: Hub, form: VisitForm, **extra) -> dict:
    """Everything the desk shows. The htmx answers to logging and undoing render the same
    fragment, side panel included, so its chart and counts stay after each visit."""
    recent = (
        Visit.objects.filter(hub=hub, day=timezone.localdate())
        .select_related("language")
        .prefetch_related("topics")
        .order_by("-created_at")[:8]
    )
    open_requests = None
    if has_perm(request, Perm.DATA_REQUEST_VIEW, hub):
        # The desk meets the people who asked: it sees that requests wait, without a menu item.
        open_requests = DataRequest.objects.filter(hub=hub).open().count()
    return {
        "hub": hub,
        "form": form,
        "recent": recent,
        "stats": _today_stats(hub),
        "week_chart": _week_chart(hub),
        "open_requests": open_requests,
        "can_queue": has_perm(request, Perm.QUEUE_RUN, hub),
        **extra,
    }


@hub_permission_required(Perm.VISIT_LOG)
def desk(request: HttpRequest, hub: Hub) -> HttpResponse:
    return render(
        request, "visits/desk.html", _desk_context(request, hub, _fresh_form(request, hub))
    )


def _week_chart(hub: Hub) -> str:
    """Visits per day over the last seven days, in one GROUP BY query."""
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in range(6, -1, -1)]
    counts = dict(
        Visit.objects.filter(hub=hub, day__gte=days[0], day__lte=today)
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [(date_format(day, "D j.n."), counts.get(day, 0)) for day in days]
    return simple_bars("week", _("Visits this week"), rows)


@require_POST
@hub_permission_required(Perm.VISIT_LOG)
def log_visit(request: HttpRequest, hub: Hub) -> HttpResponse:
    form = VisitForm(request.POST, hub=hub)
    if not form.is_valid():
        template = "visits/desk.html#quick_log" if request.htmx else "visits/desk.html"
        return render(request, template, _desk_context(request, hub, form), status=400)
    data = form.cleaned_data
    visit, created = visit_log(
        hub=hub,
        user=request.user,
        served_by=data["served_by"],
        topics=data["topics"],
        channel=data["channel"],
        language=data["language"],
        language_help=data["language_help"],
        outcome=data["outcome"],
        note=data["note"],
        visited_at=data["visited_at"],
        idempotency_key=data["key"] or None,
    )
    _remember(request, hub, visit)
    if not request.htmx:
        messages.success(request, _("Visit logged."))
        return redirect("visits:desk", hub=hub.slug)
    context = _desk_context(
        request, hub, _fresh_form(request, hub), logged=visit, logged_again=not created
    )
    return render(request, "visits/desk.html#quick_log", context)


@require_POST
@hub_permission_required(Perm.VISIT_LOG)
def undo_visit(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    visit = get_object_or_404(Visit, pk=pk, hub=hub)
    undone = visit_undo(visit=visit, user=request.user)
    if not request.htmx:
        if undone:
            messages.success(request, _("The visit was removed."))
        else:
            messages.error(request, _("This visit can no longer be undone."))
        return redirect("visits:desk", hub=hub.slug)
    context = _desk_context(request, hub, _fresh_form(request, hub), undone=undone)
    return render(request, "visits/desk.html#quick_log", context)


@hub_permission_required(Perm.VISIT_LOG)
def visit_detail(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    """A visit, its next steps, and a form to correct it (after the undo window has passed)."""
    visit = get_object_or_404(
        Visit.objects.select_related("language", "served_by").prefetch_related("topics"),
        pk=pk,
        hub=hub,
    )
    initial = {
        "topics": list(visit.topics.all()),
        "channel": visit.channel,
        "language": visit.language_id,
        "language_help": visit.language_help,
        "outcome": visit.outcome,
        "note": visit.note,
        "served_by": visit.served_by_id,
        "visited_at": timezone.localtime(visit.visited_at),
    }
    form = VisitForm(request.POST if request.method == "POST" else None, initial=initial, hub=hub)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visit_update(
            visit=visit,
            topics=data["topics"],
            channel=data["channel"],
            language=data["language"],
            language_help=data["language_help"],
            outcome=data["outcome"],
            note=data["note"],
            served_by=data["served_by"],
            visited_at=data["visited_at"],
        )
        messages.success(request, _("Saved."))
        return redirect("visits:visit_detail", hub=hub.slug, pk=visit.pk)
    can_refer = has_perm(request, Perm.REFERRAL_MANAGE, hub)
    # What already came of the visit, so the page offers no second referral or case by mistake.
    referrals = list(visit.referrals.select_related("partner").order_by("created_at", "pk"))
    cases = list(visit.cases.order_by("created_at", "pk"))
    return render(
        request,
        "visits/visit_detail.html",
        {
            "hub": hub,
            "visit": visit,
            "form": form,
            "referrals": referrals if can_refer else [],
            "cases": cases,
            "open_case": any(case.status != Case.Status.CLOSED for case in cases),
            "can_undo": visit_can_undo(visit=visit, user=request.user),
            "can_refer": can_refer,
            "can_open_case": has_perm(request, Perm.CASE_OPEN, hub),
            "can_see_cases": has_perm(request, Perm.CASE_SUPERVISE, hub),
            "can_record_visitor": has_perm(request, Perm.VISITOR_MANAGE, hub),
        },
        status=400 if request.method == "POST" else 200,
    )
