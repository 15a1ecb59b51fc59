from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from events.models import Audience, Status
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")


def parse(response):
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_the_hub_feed_is_valid_icalendar_in_helsinki_time(client, hub, other_hub):
    start = datetime(2031, 6, 20, 18, 0, tzinfo=HELSINKI)
    EventFactory(
        hub=hub, title_fi="Juhannusjuhla", starts_at=start, ends_at=start + timedelta(hours=3)
    )
    EventFactory(hub=hub, title_fi="Peruttu", status=Status.CANCELLED)
    EventFactory(hub=hub, title_fi="Luonnos", status=Status.DRAFT)
    EventFactory(hub=hub, title_fi="Neuvojat", audience=Audience.ADVISORS)
    EventFactory(hub=other_hub, title_fi="Kontula")
    cal = parse(client.get(reverse("events:feed", kwargs={"hub": hub.slug}) + "?lang=fi"))
    assert str(cal["VERSION"]) == "2.0"
    assert cal["PRODID"]
    timezones = cal.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Helsinki"]
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Juhannusjuhla", "Peruttu"}
    midsummer = events["Juhannusjuhla"]
    assert midsummer["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert midsummer.decoded("DTSTART") == start
    assert midsummer.decoded("DTEND") == start + timedelta(hours=3)
    assert str(midsummer["UID"]).startswith("event-")
    assert midsummer["DTSTAMP"]
    assert str(events["Peruttu"]["STATUS"]) == "CANCELLED"


def test_the_feed_speaks_the_chosen_language(client, hub):
    EventFactory(hub=hub, title_fi="Kahvila", title_ar="مقهى")
    cal = parse(client.get(reverse("events:feed", kwargs={"hub": hub.slug}) + "?lang=ar"))
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["مقهى"]


def test_a_single_event_downloads_as_an_ics_file(client, hub):
    event = EventFactory(hub=hub, title_fi="Retki", place="Pyynikki")
    response = client.get(reverse("events:event_ics", kwargs={"hub": hub.slug, "pk": event.pk}))
    cal = parse(response)
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) in ("Retki", event.title_en)
    assert "Pyynikki" in str(vevent["LOCATION"])
    assert str(vevent["URL"]).endswith(event.get_absolute_url())
    assert cal.walk("VTIMEZONE")


def test_a_draft_has_no_ics(client, hub):
    event = EventFactory(hub=hub, status=Status.DRAFT)
    response = client.get(reverse("events:event_ics", kwargs={"hub": hub.slug, "pk": event.pk}))
    assert response.status_code == 404
