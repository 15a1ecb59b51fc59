"""A visitor's language in a real browser: the switcher leaves a language a link chose, and a link
from a message opens in the language the message was written in, whatever the browser asks for."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from events.services import SignUp, registration_create
from kototori.models import Language, OutboundMessage, Topic
from kototori.reference_data import seed_reference_data
from tests.events.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    if not Language.objects.exists():
        seed_reference_data(Topic, Language)


def test_the_arabic_data_request_page_switches_to_finnish_and_back(browser, live_server, hub):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/my-data/{hub.slug}/?lang=ar")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")

    page.locator("#language-switch-main").select_option("fi")  # submits itself
    expect(html).to_have_attribute("lang", "fi")
    expect(html).to_have_attribute("dir", "ltr")
    assert page.url == f"{live_server.url}/my-data/{hub.slug}/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Sinun tietosi")
    page.reload()  # the choice sticks
    expect(html).to_have_attribute("lang", "fi")

    page.locator("#language-switch-main").select_option("ar")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    context.close()


def test_a_message_link_opens_in_the_recipients_language_in_an_english_browser(
    browser, live_server, hub, settings
):
    settings.SITE_URL = live_server.url
    event = EventFactory(hub=hub, title_fi="Kielikahvila", title_ar="مقهى اللغة", capacity=5)
    registration, _ = registration_create(
        event=event, signup=SignUp(name="Amina", email="amina@example.org", language="ar")
    )
    body = OutboundMessage.objects.get(key=f"event-confirmed:{registration.pk}").body
    cancel_link = next(link for link in re.findall(r"https?://\S+", body) if "/cancel/" in link)

    context = browser.new_context(locale="en-US")  # the phone's browser asks for English
    page = context.new_page()
    page.goto(cancel_link)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator("main")).to_contain_text("Amina")
    expect(page.locator("main")).to_contain_text("مقهى اللغة")
    page.locator("main form button[type=submit]").click()
    expect(html).to_have_attribute("lang", "ar")  # the next page stays in Arabic
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    context.close()
