"""Today's queue, the lobby's "now serving" screen, and the kiosk's switch."""

from __future__ import annotations

from typing import TYPE_CHECKING

import segno
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kototori.access import Perm, hub_permission_required, public
from kototori.models import Hub

from ..forms import KioskSettingsForm, QueueAddForm, QueueDoneForm, new_key
from ..models import QueueEntry
from ..services import (
    QueueMoveError,
    display_token,
    hub_for_display_token,
    hub_kiosk_update,
    queue_add,
    queue_call_next,
    queue_entry_move,
)

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


def _queue_context(hub: Hub, **extra) -> dict:
    entries = list(
        QueueEntry.objects.today(hub)
        .select_related("language", "served_by")
        .prefetch_related("topics")
        .order_by("number")
    )
    S = QueueEntry.Status
    return {
        "hub": hub,
        "waiting": [e for e in entries if e.status == S.WAITING],
        "in_service": [e for e in entries if e.status in (S.CALLED, S.SERVING)],
        "finished": [e for e in entries if e.status in (S.DONE, S.LEFT)][::-1],
        "done_form": QueueDoneForm(),
        **extra,
    }


def _queue_response(request: HttpRequest, hub: Hub, **extra) -> HttpResponse:
    if request.htmx:
        return render(request, "visits/queue.html#queue_board", _queue_context(hub, **extra))
    return redirect("visits:queue", hub=hub.slug)


@hub_permission_required(Perm.QUEUE_RUN)
def queue(request: HttpRequest, hub: Hub) -> HttpResponse:
    if request.htmx:
        return render(request, "visits/queue.html#queue_board", _queue_context(hub))
    form = QueueAddForm(initial={"key": new_key()})
    return render(request, "visits/queue.html", _queue_context(hub, add_form=form))


@require_POST
@hub_permission_required(Perm.QUEUE_RUN)
def queue_add_view(request: HttpRequest, hub: Hub) -> HttpResponse:
    form = QueueAddForm(request.POST)
    if not form.is_valid():
        return render(request, "visits/queue.html", _queue_context(hub, add_form=form), status=400)
    entry, _created = queue_add(
        hub=hub,
        language=form.cleaned_data["language"],
        topics=form.cleaned_data["topics"],
        idempotency_key=form.cleaned_data["key"] or None,
    )
    messages.success(request, _("Ticket %(number)s is in the queue.") % {"number": entry.number})
    return redirect("visits:queue", hub=hub.slug)


@require_POST
@hub_permission_required(Perm.QUEUE_RUN)
def queue_next(request: HttpRequest, hub: Hub) -> HttpResponse:
    entry = queue_call_next(hub=hub, user=request.user)
    if entry is None:
        notice = _("Nobody is waiting.")
    else:
        notice = _("Ticket %(number)s called.") % {"number": entry.number}
    if not request.htmx:
        messages.info(request, notice)
    return _queue_response(request, hub, notice=notice)


ACTIONS = {
    "call": QueueEntry.Status.CALLED,
    "serve": QueueEntry.Status.SERVING,
    "done": QueueEntry.Status.DONE,
    "left": QueueEntry.Status.LEFT,
}


@require_POST
@hub_permission_required(Perm.QUEUE_RUN)
def queue_move(request: HttpRequest, hub: Hub, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    entry = get_object_or_404(QueueEntry, pk=pk, hub=hub)
    outcome = None
    if action == "done":
        form = QueueDoneForm(request.POST)
        outcome = form.cleaned_data["outcome"] if form.is_valid() else None
    moved = None
    try:
        entry = moved = queue_entry_move(
            entry=entry, status=ACTIONS[action], user=request.user, outcome=outcome
        )
        notice = _("Ticket %(number)s: %(status)s.") % {
            "number": entry.number,
            "status": entry.get_status_display(),
        }
    except QueueMoveError:
        notice = _("Ticket %(number)s has already moved on; the list is now up to date.") % {
            "number": entry.number
        }
    if not request.htmx:
        messages.info(request, notice)
    return _queue_response(request, hub, notice=notice, moved=moved)


def _board_context(hub: Hub, refresh_url: str) -> dict:
    S = QueueEntry.Status
    entries = QueueEntry.objects.today(hub).filter(status__in=[S.WAITING, S.CALLED, S.SERVING])
    rows = list(entries.order_by("-called_at", "number").values("number", "status"))
    return {
        "hub": hub,
        "called": [r["number"] for r in rows if r["status"] == S.CALLED],
        "serving": [r["number"] for r in rows if r["status"] == S.SERVING],
        "waiting_count": sum(1 for r in rows if r["status"] == S.WAITING),
        "refresh_url": refresh_url,
    }


@never_cache
@hub_permission_required(Perm.QUEUE_RUN)
def now_serving(request: HttpRequest, hub: Hub) -> HttpResponse:
    """The lobby screen, opened by staff. Ticket numbers only, never names."""
    url = reverse("visits:now_serving", kwargs={"hub": hub.slug})
    template = "visits/now_serving.html#board" if request.htmx else "visits/now_serving.html"
    return render(request, template, _board_context(hub, url))


@never_cache
@public
def screen(request: HttpRequest, token: str) -> HttpResponse:
    """The same lobby screen for a display that is not logged in: its own secret URL."""
    hub = hub_for_display_token(token)
    if hub is None:
        raise Http404
    url = reverse("visits:screen", kwargs={"token": token})
    template = "visits/now_serving.html#board" if request.htmx else "visits/now_serving.html"
    return render(request, template, _board_context(hub, url))


@hub_permission_required(Perm.HUB_MANAGE)
def kiosk_settings(request: HttpRequest, hub: Hub) -> HttpResponse:
    form = KioskSettingsForm(
        request.POST if request.method == "POST" else None, initial={"enabled": hub.kiosk_enabled}
    )
    if request.method == "POST":
        if "rotate" in request.POST:
            hub_kiosk_update(hub=hub, rotate=True)
            messages.success(
                request,
                _("New secret addresses made. The old kiosk and screen addresses no longer work."),
            )
            return redirect("visits:kiosk_settings", hub=hub.slug)
        if form.is_valid():
            hub_kiosk_update(hub=hub, enabled=form.cleaned_data["enabled"])
            if hub.kiosk_enabled:
                messages.success(request, _("The kiosk is on."))
            else:
                messages.success(request, _("The kiosk is off."))
            return redirect("visits:kiosk_settings", hub=hub.slug)
    kiosk_url = request.build_absolute_uri(
        reverse("visits:kiosk", kwargs={"token": hub.kiosk_token})
    )
    screen_url = request.build_absolute_uri(
        reverse("visits:screen", kwargs={"token": display_token(hub)})
    )
    return render(
        request,
        "visits/kiosk_settings.html",
        {
            "hub": hub,
            "form": form,
            "kiosk_url": kiosk_url,
            "kiosk_qr": segno.make(kiosk_url, error="m").svg_data_uri(scale=4),
            "screen_url": screen_url,
            "screen_qr": segno.make(screen_url, error="m").svg_data_uri(scale=4),
        },
    )
