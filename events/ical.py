"""iCalendar (RFC 5545) for a hub's calendar and a single event, in Europe/Helsinki time."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from .models import Event, Status

if TYPE_CHECKING:
    from kototori.models import Hub

TZ = ZoneInfo("Europe/Helsinki")
FEED_PAST_DAYS = 30


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Kototori//Events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Helsinki")
    return cal


def _vevent(event: Event) -> VEvent:
    vevent = VEvent()
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    vevent.add("uid", f"event-{event.pk}@{host}")
    vevent.add("dtstamp", event.updated_at.astimezone(TZ))
    vevent.add("dtstart", event.starts_at.astimezone(TZ))
    vevent.add("dtend", event.ends_at.astimezone(TZ))
    vevent.add("summary", event.title)
    description = "\n\n".join(text for text in (event.summary, event.description) if text)
    if description:
        vevent.add("description", description)
    location = ", ".join(p for p in (event.place, event.hub.name, event.hub.address) if p)
    vevent.add("location", location)
    vevent.add("url", event.public_url())
    vevent.add("status", "CANCELLED" if event.status == Status.CANCELLED else "CONFIRMED")
    vevent.add("sequence", int(event.updated_at.timestamp()) % 2_000_000_000)
    return vevent


def hub_calendar(hub: Hub) -> Calendar:
    cal = _calendar(hub.name)
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    events = Event.objects.public().filter(hub=hub, ends_at__gte=since).select_related("hub")
    for event in events.order_by("starts_at", "pk"):
        cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return cal


def event_calendar(event: Event) -> Calendar:
    cal = _calendar(event.hub.name)
    cal.add("method", "PUBLISH")
    cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return cal
