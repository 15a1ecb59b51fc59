"""The coordinator's and the front desk's side of events: plan, publish, share, check people in."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.db.models import Avg, Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kototori.access import Perm, has_perm, hub_permission_required
from kototori.audit import log_person_access
from kototori.reports.charts import simple_bars
from kototori.text import strip_bidi_controls

from ..forms import (
    AdvisorAttendeeForm,
    AttendanceForm,
    EventForm,
    HeadCountForm,
    ShareForm,
    WalkInForm,
    now_local_input,
)
from ..models import QUESTIONS, Event, Feedback, Kind, Registration, Status
from ..services import (
    RegistrationClosed,
    SignUp,
    attendance_split,
    event_cancel,
    event_head_count_set,
    event_no_shows_mark,
    event_publish,
    event_save,
    registration_attendance_set,
    registration_cancel,
    registration_create,
    share_text,
    whatsapp_url,
)

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from kototori.models import Hub


def _get_event_for_user(request: HttpRequest, hub: Hub, pk: int) -> Event:
    """The decorator already checked the hub; the event must belong to it."""
    event = Event.objects.filter(hub=hub, pk=pk).select_related("hub").first()
    if event is None:
        raise Http404
    return event


def _get_registration(event: Event, pk: int) -> Registration:
    registration = event.registrations.filter(pk=pk).first()
    if registration is None:
        raise Http404
    return registration


def feedback_summary(events) -> dict[int, dict]:
    """Average smiley per question (1–3) and the number of answers, per event id."""
    rows = (
        Feedback.objects.filter(event__in=events)
        .values("event_id")
        .annotate(n=Count("id"), **{q: Avg(q) for q in QUESTIONS})
    )
    return {row["event_id"]: row for row in rows}


@hub_permission_required(Perm.EVENT_MANAGE)
def dashboard(request: HttpRequest, hub: Hub) -> HttpResponse:
    now = timezone.now()
    events = Event.objects.filter(hub=hub).with_counts().prefetch_related("languages")
    upcoming = list(events.upcoming(now).exclude(status=Status.CANCELLED)[:50])
    recent = list(events.past(now).filter(status=Status.PUBLISHED)[:10])
    feedback = feedback_summary(recent)
    for event in recent:
        event.feedback_row = feedback.get(event.pk)
        event.split = attendance_split(event)
    fill = [
        # A chart's label is SVG text: no <bdi> there, so no direction controls either.
        (strip_bidi_controls(event.title), round(100 * event.places_taken / event.capacity))
        for event in upcoming[:12]
        if event.capacity and event.status == Status.PUBLISHED
    ]
    return render(
        request,
        "events/staff/dashboard.html",
        {
            "hub": hub,
            "upcoming": upcoming,
            "recent": recent,
            "fill_chart": simple_bars("fill", _("Places taken, % of capacity"), fill)
            if fill
            else "",
        },
    )


@hub_permission_required(Perm.EVENT_MANAGE)
def event_edit(request: HttpRequest, hub: Hub, pk: int | None = None) -> HttpResponse:
    event = _get_event_for_user(request, hub, pk) if pk else Event(hub=hub)
    if request.method == "POST":
        form = EventForm(request.POST, instance=event, hub=hub)
        if form.is_valid():
            saved = event_save(
                event=form.save(commit=False),
                partners=form.cleaned_data["partners"],
                languages=form.cleaned_data["languages"],
                organisers=form.cleaned_data["organisers"],
            )
            messages.success(request, _("Event saved."))
            return redirect("events:detail", hub=hub.slug, pk=saved.pk)
        messages.error(request, _("Please correct the errors below."))
    else:
        initial = {} if pk else {"starts_at": now_local_input(), "ends_at": now_local_input()}
        form = EventForm(instance=event, hub=hub, initial=initial)
    return render(
        request,
        "events/staff/edit.html",
        {"hub": hub, "event": event, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@hub_permission_required(Perm.EVENT_MANAGE)
def event_detail(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    event = _get_event_for_user(request, hub, pk)
    registrations = list(event.registrations.exclude(status=Registration.Status.CANCELLED))
    log_person_access(request, hub=hub, subjects=registrations, purpose="event registrations")
    missing = event.missing_languages()
    share_form = ShareForm(request.GET or None)
    chosen = share_form.cleaned_data["languages"] if share_form.is_valid() else []
    if not chosen:  # default: every language the event is written in, Finnish first, at most 3
        chosen = [code for code, _n in settings.LANGUAGES if code not in missing][:3]
    if not share_form.is_bound:
        share_form = ShareForm(initial={"languages": chosen})
    text = share_text(event, chosen) if event.is_published else ""
    feedback = feedback_summary([event]).get(event.pk)
    return render(
        request,
        "events/staff/detail.html",
        {
            "hub": hub,
            "event": event,
            "confirmed": [r for r in registrations if r.status == Registration.Status.CONFIRMED],
            "waiting": [r for r in registrations if r.status == Registration.Status.WAITING],
            "places_taken": event.places_taken_now(),
            "missing": missing,
            "share_form": share_form,
            "share_text": text,
            "whatsapp_url": whatsapp_url(text) if text else "",
            "feedback": feedback,
            "split": attendance_split(event),
            "can_checkin": has_perm(request, Perm.EVENT_CHECKIN, hub),
        },
    )


@require_POST
@hub_permission_required(Perm.EVENT_MANAGE)
def event_publish_view(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    event = _get_event_for_user(request, hub, pk)
    event_publish(event=event)
    messages.success(request, _("The event is published on the public calendar."))
    return redirect("events:detail", hub=hub.slug, pk=pk)


@require_POST
@hub_permission_required(Perm.EVENT_MANAGE)
def event_cancel_view(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    event = _get_event_for_user(request, hub, pk)
    notified = event_cancel(event=event)
    messages.success(
        request,
        ngettext(
            "The event is cancelled. %(count)s person will get a message.",
            "The event is cancelled. %(count)s people will get a message.",
            notified,
        )
        % {"count": notified},
    )
    return redirect("events:detail", hub=hub.slug, pk=pk)


@require_POST
@hub_permission_required(Perm.EVENT_MANAGE)
def registration_cancel_view(request: HttpRequest, hub: Hub, pk: int, rid: int) -> HttpResponse:
    event = _get_event_for_user(request, hub, pk)
    promoted = registration_cancel(registration=_get_registration(event, rid))
    messages.success(
        request,
        ngettext(
            "Sign-up cancelled. %(count)s person moved up from the waiting list.",
            "Sign-up cancelled. %(count)s people moved up from the waiting list.",
            len(promoted),
        )
        % {"count": len(promoted)},
    )
    return redirect("events:detail", hub=hub.slug, pk=pk)


# Check-in (front desk too)


@hub_permission_required(Perm.EVENT_CHECKIN)
def checkin_events(request: HttpRequest, hub: Hub) -> HttpResponse:
    """Today's and the coming week's events, to open the check-in list."""
    now = timezone.now()
    events = (
        Event.objects.filter(hub=hub, status=Status.PUBLISHED)
        .filter(ends_at__gte=now - timedelta(hours=12), starts_at__lte=now + timedelta(days=7))
        .with_counts()
        .order_by("starts_at")
    )
    return render(request, "events/staff/checkin_events.html", {"hub": hub, "events": events})


def _checkin_context(request: HttpRequest, hub: Hub, event: Event, **extra) -> dict:
    registrations = list(
        event.registrations.filter(status=Registration.Status.CONFIRMED).order_by("name", "pk")
    )
    log_person_access(request, hub=hub, subjects=registrations, purpose="event check-in")
    return {
        "hub": hub,
        "event": event,
        "registrations": registrations,
        "split": attendance_split(event),
        "walk_in_form": extra.pop("walk_in_form", None) or WalkInForm(),
        "advisor_form": extra.pop("advisor_form", None)
        or (AdvisorAttendeeForm(hub=hub) if event.training_id else None),
        "head_count_form": extra.pop("head_count_form", None)
        or HeadCountForm(
            initial={
                "newcomers": event.head_count_newcomers,
                "residents": event.head_count_residents,
            }
        ),
        **extra,
    }


@hub_permission_required(Perm.EVENT_CHECKIN)
def checkin(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    event = _get_event_for_user(request, hub, pk)
    return render(request, "events/staff/checkin.html", _checkin_context(request, hub, event))


@require_POST
@hub_permission_required(Perm.EVENT_CHECKIN)
def checkin_mark(request: HttpRequest, hub: Hub, pk: int, rid: int) -> HttpResponse:
    event = _get_event_for_user(request, hub, pk)
    registration = _get_registration(event, rid)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        registration = registration_attendance_set(
            registration=registration, attendance=form.cleaned_data["attendance"]
        )
    if request.htmx:
        log_person_access(request, hub=hub, subjects=[registration], purpose="event check-in")
        return render(
            request,
            "events/staff/checkin.html#row",
            {"hub": hub, "event": event, "registration": registration},
        )
    return redirect("events:checkin", hub=hub.slug, pk=pk)


@require_POST
@hub_permission_required(Perm.EVENT_CHECKIN)
def walk_in(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    event = _get_event_for_user(request, hub, pk)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            registration_create(
                event=event, signup=form.signup(translation.get_language()), walk_in=True
            )
        except RegistrationClosed:
            messages.error(request, _("This event is cancelled."))
        else:
            messages.success(request, _("Walk-in added and checked in."))
        return redirect("events:checkin", hub=hub.slug, pk=pk)
    return render(
        request,
        "events/staff/checkin.html",
        _checkin_context(request, hub, event, walk_in_form=form),
        status=400,
    )


@require_POST
@hub_permission_required(Perm.EVENT_CHECKIN)
def advisor_attended(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    """A training event: an advisor of the hub came; their training completion is recorded."""
    event = _get_event_for_user(request, hub, pk)
    form = AdvisorAttendeeForm(request.POST, hub=hub)
    if event.training_id and form.is_valid():
        user = form.cleaned_data["user"]
        existing = event.registrations.filter(user=user).first()
        if existing is not None:
            registration_attendance_set(
                registration=existing, attendance=Registration.Attendance.CAME
            )
        else:
            registration_create(
                event=event,
                signup=SignUp(name=user.get_full_name(), language=user.preferred_language),
                walk_in=True,
                user=user,
            )
        messages.success(request, _("Checked in; the training is recorded as completed."))
        return redirect("events:checkin", hub=hub.slug, pk=pk)
    return render(
        request,
        "events/staff/checkin.html",
        _checkin_context(request, hub, event, advisor_form=form),
        status=400,
    )


@require_POST
@hub_permission_required(Perm.EVENT_CHECKIN)
def head_count(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    event = _get_event_for_user(request, hub, pk)
    form = HeadCountForm(request.POST)
    if form.is_valid():
        event_head_count_set(
            event=event,
            newcomers=form.cleaned_data["newcomers"],
            residents=form.cleaned_data["residents"],
        )
        messages.success(request, _("Head count saved."))
        return redirect("events:checkin", hub=hub.slug, pk=pk)
    return render(
        request,
        "events/staff/checkin.html",
        _checkin_context(request, hub, event, head_count_form=form),
        status=400,
    )


@require_POST
@hub_permission_required(Perm.EVENT_CHECKIN)
def no_shows(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    event = _get_event_for_user(request, hub, pk)
    count = event_no_shows_mark(event=event)
    messages.success(
        request,
        ngettext(
            "%(count)s sign-up marked as not come.", "%(count)s sign-ups marked as not come.", count
        )
        % {"count": count},
    )
    return redirect("events:checkin", hub=hub.slug, pk=pk)


@hub_permission_required(Perm.EVENT_MANAGE)
def feedback_report(request: HttpRequest, hub: Hub) -> HttpResponse:
    """Feedback per kind of event: where do people feel welcome, meet others, want to come back."""
    rows = (
        Feedback.objects.filter(event__hub=hub)
        .values("event__kind")
        .annotate(
            n=Count("id"),
            events=Count("event", distinct=True),
            **{q: Avg(q) for q in QUESTIONS},
        )
        .order_by("event__kind")
    )
    labels = dict(Kind.choices)
    kinds = [{**row, "label": labels.get(row["event__kind"], row["event__kind"])} for row in rows]
    return render(request, "events/staff/feedback.html", {"hub": hub, "kinds": kinds})
