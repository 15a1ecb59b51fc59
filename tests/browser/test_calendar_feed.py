"""The public calendar filters on a phone, and its iCalendar feed parses."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from events.models import Kind
from kototori.models import Language, Topic
from kototori.reference_data import seed_reference_data
from tests.events.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    if not Language.objects.exists():
        seed_reference_data(Topic, Language)


def test_the_calendar_filters_by_kind_and_the_feed_parses(page, live_server, hub):
    EventFactory(hub=hub, title_en="Language café", kind=Kind.LANGUAGE_CAFE)
    EventFactory(hub=hub, title_en="Cooking group", kind=Kind.COOKING)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/e/{hub.slug}/?lang=en")
    expect(page.get_by_role("link", name="Language café")).to_be_visible()
    page.select_option("select[name=kind]", "cooking")
    expect(page.get_by_role("link", name="Language café")).to_have_count(0)
    expect(page.get_by_role("link", name="Cooking group")).to_be_visible()

    response = page.request.get(f"{live_server.url}/e/{hub.slug}/feed.ics?lang=en")
    assert response.ok
    cal = Calendar.from_ical(response.body())
    summaries = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    assert summaries == ["Cooking group", "Language café"]
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Helsinki"
