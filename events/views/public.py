"""The visitor's side: no login, in the visitor's language, cheap to serve.

The calendar and the event text are cached as template fragments keyed by hub, language, filters
and the hub's calendar version (bumped on every save of an event or a registration), so a busy
calendar costs one query per request.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby
from typing import TYPE_CHECKING, Any

import segno
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kototori.access import public
from kototori.i18n import visitor_language
from kototori.models import Hub, Language
from kototori.ratelimit import rate_limit

from ..forms import CalendarFilterForm, FeedbackForm, SignUpForm
from ..ical import event_calendar, hub_calendar
from ..models import Event, Registration, Status, calendar_version
from ..services import (
    RegistrationClosed,
    cancel_token,
    feedback_create,
    registration_cancel,
    registration_create,
    registration_from_cancel_token,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

CALENDAR_CACHE_SECONDS = 300
SIGNUP_RATE = "10/10m"
FEEDBACK_RATE = "20/10m"


def _hub(slug: str) -> Hub:
    return get_object_or_404(Hub, slug=slug, is_active=True)


def _public_event(hub_slug: str, pk: int) -> Event:
    event = (
        Event.objects.public()
        .select_related("hub")
        .filter(pk=pk, hub__slug=hub_slug, hub__is_active=True)
        .first()
    )
    if event is None:
        raise Http404
    return event


def _weeks(events) -> list[dict]:
    """Group events by ISO week (Monday first, as in Finland)."""
    weeks = []
    for (_year, _week), items in groupby(
        events, key=lambda e: timezone.localtime(e.starts_at).isocalendar()[:2]
    ):
        items = list(items)
        start = timezone.localtime(items[0].starts_at).date()
        monday = start - timedelta(days=start.weekday())
        weeks.append({"monday": monday, "sunday": monday + timedelta(days=6), "events": items})
    return weeks


@transaction.non_atomic_requests  # read-only: no transaction, no savepoints
@public
@visitor_language
def calendar(request: HttpRequest, hub: str) -> HttpResponse:
    hub_obj = _hub(hub)
    version = calendar_version(hub_obj.pk)
    languages = cache.get_or_set(
        f"events:calendar-languages:{hub_obj.pk}:{version}",
        lambda: list(
            Language.objects.filter(events__hub=hub_obj).distinct().order_by("order", "code")
        ),
        CALENDAR_CACHE_SECONDS,
    )
    form = CalendarFilterForm(request.GET or None, languages=languages)
    kind = language = ""
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        language = form.cleaned_data["language"]

    def weeks() -> list[dict]:
        # Called only when the cached fragment is missing.
        events = (
            Event.objects.public()
            .upcoming()
            .filter(hub=hub_obj)
            .with_counts()
            # translation_reviews: the draft-translation mark (translations app), no query per event
            .prefetch_related("languages", "translation_reviews")
        )
        if kind:
            events = events.filter(kind=kind)
        if language:
            events = events.filter(languages__code=language)
        return _weeks(events[:200])

    context = {
        "hub": hub_obj,
        "form": form,
        "weeks": weeks,
        "kind": kind,
        "event_language": language,
        "version": version,
        "cache_seconds": CALENDAR_CACHE_SECONDS,
    }
    template = (
        "events/public/calendar.html#results" if request.htmx else "events/public/calendar.html"
    )
    return render(request, template, context)


def _event_context(request: HttpRequest, event: Event, **extra: Any) -> dict:
    return {
        "event": event,
        "hub": event.hub,
        "version": calendar_version(event.hub_id),
        "cache_seconds": CALENDAR_CACHE_SECONDS,
        "absolute_url": event.public_url(),
        **extra,
    }


@transaction.non_atomic_requests  # read-only: no transaction, no savepoints
@public
@visitor_language
def event_page(request: HttpRequest, hub: str, pk: int) -> HttpResponse:
    event = _public_event(hub, pk)
    form = SignUpForm() if event.accepts_registrations else None
    feedback_open = event.is_published and event.starts_at <= timezone.now()
    return render(
        request,
        "events/public/event.html",
        _event_context(request, event, form=form, feedback_open=feedback_open),
    )


@public
@visitor_language
@rate_limit(
    "event-signup", "EVENT_SIGNUP_RATE_LIMIT", per="pk", overall="EVENT_SIGNUP_ADDRESS_RATE_LIMIT"
)
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, hub: str, pk: int) -> HttpResponse:
    event = _public_event(hub, pk)
    if not event.accepts_registrations:
        return redirect(event.get_absolute_url())
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration, _created = registration_create(
                event=event, signup=form.signup(), token=form.cleaned_data["token"]
            )
        except RegistrationClosed:
            messages.error(request, _("Sorry, this event no longer takes sign-ups."))
            return redirect(event.get_absolute_url())
        return redirect("events:registration", signed=cancel_token(registration))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "events/public/register.html",
        _event_context(request, event, form=form),
        status=status,
    )


def _event_over(request: HttpRequest, event: Event) -> HttpResponse:
    """What a sign-up's links show once the event has ended: that it is over, and no longer who
    signed up (a message can be forwarded, a phone passed on, long after the event)."""
    return render(
        request,
        "events/public/event_over.html",
        {
            "event": event,
            "hub": event.hub,
            "feedback_open": event.is_published,
        },
        status=410,
    )


@transaction.non_atomic_requests  # read-only: no transaction, no savepoints
@public
@never_cache  # shows the person's name: no browser or proxy may keep it (a shared computer)
@visitor_language
def registration_status(request: HttpRequest, signed: str) -> HttpResponse:
    registration = registration_from_cancel_token(signed)
    if registration is None:
        raise Http404
    if registration.event.is_past:
        return _event_over(request, registration.event)
    position = None
    if registration.status == Registration.Status.WAITING:
        position = registration.event.registrations.filter(
            status=Registration.Status.WAITING, created_at__lte=registration.created_at
        ).count()
    return render(
        request,
        "events/public/registration.html",
        {
            "registration": registration,
            "event": registration.event,
            "hub": registration.event.hub,
            "position": position,
            "signed": signed,
        },
    )


@public
@never_cache
@visitor_language
@require_http_methods(["GET", "POST"])
def cancel_registration(request: HttpRequest, signed: str) -> HttpResponse:
    registration = registration_from_cancel_token(signed)
    if registration is None:
        raise Http404
    if registration.event.is_past:
        return _event_over(request, registration.event)
    if request.method == "POST":
        registration_cancel(registration=registration)
        messages.success(request, _("Your sign-up is cancelled. Thank you for letting us know."))
        return redirect("events:registration", signed=signed)
    return render(
        request,
        "events/public/cancel.html",
        {"registration": registration, "event": registration.event, "hub": registration.event.hub},
    )


@transaction.non_atomic_requests  # read-only: no transaction, no savepoints
@public
@visitor_language
def poster(request: HttpRequest, hub: str, pk: int) -> HttpResponse:
    event = _public_event(hub, pk)
    url = f"{event.public_url()}?lang={translation.get_language()}"
    qr = segno.make(url, error="m")
    return render(
        request,
        "events/public/poster.html",
        _event_context(request, event, qr_data_uri=qr.svg_data_uri(scale=8, border=2), qr_url=url),
    )


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@transaction.non_atomic_requests  # read-only: no transaction, no savepoints
@public
@visitor_language
def hub_feed(request: HttpRequest, hub: str) -> HttpResponse:
    hub_obj = _hub(hub)
    key = f"events:feed:{hub_obj.pk}:{translation.get_language()}:{calendar_version(hub_obj.pk)}"
    body = cache.get(key)
    if body is None:
        body = hub_calendar(hub_obj).to_ical()
        cache.set(key, body, CALENDAR_CACHE_SECONDS)
    return _ics_response(body, f"{hub_obj.slug}.ics")


@transaction.non_atomic_requests  # read-only: no transaction, no savepoints
@public
@visitor_language
def event_ics(request: HttpRequest, hub: str, pk: int) -> HttpResponse:
    event = _public_event(hub, pk)
    return _ics_response(event_calendar(event).to_ical(), f"event-{event.pk}.ics")


@public
@visitor_language
@rate_limit(
    "event-feedback",
    "EVENT_FEEDBACK_RATE_LIMIT",
    per="pk",
    overall="EVENT_FEEDBACK_ADDRESS_RATE_LIMIT",
)
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, hub: str, pk: int) -> HttpResponse:
    event = _public_event(hub, pk)
    if event.status != Status.PUBLISHED or event.starts_at > timezone.now():
        return render(
            request, "events/public/feedback_closed.html", {"event": event, "hub": event.hub}
        )
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        feedback_create(
            event=event,
            enjoyed=data["enjoyed"],
            met_people=data["met_people"],
            come_again=data["come_again"],
            language=translation.get_language(),
            token=data["token"],
        )
        return render(
            request, "events/public/feedback_thanks.html", {"event": event, "hub": event.hub}
        )
    return render(
        request,
        "events/public/feedback.html",
        {"event": event, "hub": event.hub, "form": form},
        status=400 if request.method == "POST" else 200,
    )
