"""A coordinator publishes in Finnish and Arabic; a visitor signs up on the Arabic page on a phone;
a full event puts the next person on the waiting list, and a cancellation promotes them."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import Event, Registration
from events.services import SignUp, cancel_token, registration_create
from kototori.models import Language, OutboundMessage, Role, Topic
from kototori.reference_data import seed_reference_data
from tests.events.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    if not Language.objects.exists():
        seed_reference_data(Topic, Language)


def test_a_coordinator_publishes_an_event_in_finnish_and_arabic(
    page, login, live_server, make_member, hub
):
    coordinator = make_member(Role.COORDINATOR, hub, preferred_language="fi")
    login(page, coordinator)
    page.goto(f"{live_server.url}/h/{hub.slug}/events/new/")
    page.select_option("select[name=kind]", "language_cafe")
    page.fill("input[name=starts_at]", "2031-03-04T17:00")
    page.fill("input[name=ends_at]", "2031-03-04T19:00")
    page.fill("input[name=capacity]", "15")
    page.fill("input[name=title_fi]", "Kielikahvila")
    page.fill("input[name=summary_fi]", "Puhutaan suomea yhdessä.")
    arabic = page.locator("details[data-lang=ar]")
    expect(arabic.locator("summary .badge.warn")).to_be_visible()  # missing, before typing
    arabic.locator("summary").click()
    page.fill("input[name=title_ar]", "مقهى اللغة")
    page.fill("input[name=summary_ar]", "نتحدث الفنلندية معًا.")
    page.locator("form.stack button[type=submit].primary").click()
    page.wait_for_load_state()
    event = Event.objects.get()
    assert event.status == "draft"
    page.locator(f"form[action$='/events/{event.pk}/publish/'] button").click()
    page.wait_for_load_state()
    event.refresh_from_db()
    assert event.status == "published"
    # The WhatsApp share text is ready, in Finnish and Arabic.
    share = page.locator("#share-text")
    expect(share).to_contain_text("Kielikahvila")
    expect(share).to_contain_text("مقهى اللغة")
    href = page.get_by_role("link", name="WhatsApp").get_attribute("href") or ""
    assert href.startswith("https://wa.me/?text=")

    visitor = page.context.browser.new_page()
    visitor.goto(f"{live_server.url}/e/{hub.slug}/?lang=ar")
    expect(visitor.locator("html")).to_have_attribute("dir", "rtl")
    expect(visitor.get_by_role("link", name="مقهى اللغة")).to_be_visible()
    visitor.close()


def test_a_visitor_signs_up_on_the_arabic_page_on_a_phone(page, live_server, hub):
    full = EventFactory(hub=hub, title_ar="رحلة", capacity=1)
    registration_create(event=full, signup=SignUp(name="Full"))
    event = EventFactory(hub=hub, title_fi="Kielikahvila", title_ar="مقهى اللغة", capacity=10)
    page.set_viewport_size(PHONE)
    for shown in (full, event):  # a full event's page carries the longer waiting-list note
        page.goto(f"{live_server.url}{shown.get_absolute_url()}?lang=ar")
        # Nothing spills sideways on a phone (right-to-left overflow goes off the left edge).
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # Elements hidden off-screen on purpose (honeypot, skip link) lie wholly outside.
        cut = page.evaluate(
            "[...document.querySelectorAll('body *')].map(e => e.getBoundingClientRect())"
            ".filter(r => r.width > 0 && r.right > 0 && r.left < innerWidth)"
            ".filter(r => r.left < -1 || r.right > innerWidth + 1).length"
        )
        assert cut == 0
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("مقهى اللغة")
    # A missing name is refused with a message, and what was typed stays.
    page.fill("input[name=email]", "amina@example.org")
    page.locator(".signup-form button[type=submit]").click()
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(page.locator("input[name=email]")).to_have_value("amina@example.org")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.fill("input[name=name]", "أمينة")
    page.fill("input[name=party_size]", "2")
    page.check("input[name=remind]")
    page.locator(".signup-form button[type=submit]").click()
    expect(page.locator(".registration-status")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    registration = Registration.objects.get(name="أمينة")
    assert registration.status == "confirmed"
    assert registration.language == "ar"
    assert registration.party_size == 2
    assert registration.remind
    assert [m.to for m in mail.outbox] == [["amina@example.org"]]  # the confirmation


def test_a_full_event_waits_and_a_cancellation_promotes_with_one_message(page, live_server, hub):
    event = EventFactory(hub=hub, title_fi="Retki", title_en="Trip", capacity=1)
    page.goto(f"{live_server.url}{event.get_absolute_url()}?lang=en")
    page.fill("input[name=name]", "First")
    page.locator(".signup-form button[type=submit]").click()
    expect(page.locator(".registration-status h2")).to_have_text("You are signed up. Welcome!")

    second = page.context.browser.new_page()
    second.goto(f"{live_server.url}{event.get_absolute_url()}?lang=en")
    second.fill("input[name=name]", "Second")
    second.fill("input[name=phone]", "+358 40 123 4567")
    second.locator(".signup-form button[type=submit]").click()
    expect(second.locator(".registration-status h2")).to_have_text("You are on the waiting list")
    expect(second.locator(".registration-status")).to_contain_text("number 1")
    second.close()

    first = Registration.objects.get(name="First")
    page.goto(f"{live_server.url}/e/cancel/{cancel_token(first)}/?lang=en")
    page.get_by_role("button", name="Yes, cancel my sign-up").click()
    expect(page.locator(".registration-status h2")).to_have_text("Your sign-up is cancelled")

    waiting = Registration.objects.get(name="Second")
    assert waiting.status == "confirmed"
    assert OutboundMessage.objects.filter(key=f"event-promoted:{waiting.pk}").count() == 1
    from kototori.sms import LocmemBackend

    promoted_sms = [m for m in LocmemBackend.outbox if "place became free" in m["text"]]
    assert len(promoted_sms) == 1
    assert promoted_sms[0]["to"] == "+358401234567"
