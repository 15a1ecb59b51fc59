"""How a visitor's page language is chosen and changed: ``?lang=`` (from a shared or sent link) wins
and is remembered in the cookie; the language switcher on every public page can then leave it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from events.services import SignUp, cancel_token, registration_create
from tests.events.factories import EventFactory
from tests.factories import PartnerFactory
from tests.visits.factories import ReferralFactory
from visits.services import referral_token

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"accept-language": "en-US,en;q=0.9"}


def page_language(response) -> str:
    return re.search(r'<html lang="([\w-]+)"', response.content.decode()).group(1)


def switcher_next(response) -> str:
    """Where the page's language switcher returns to after the change."""
    form = re.search(
        r'<form method="post" action="/i18n/setlang/".*?</form>', response.content.decode(), re.S
    )
    assert form, "the page has no language switcher"
    return re.search(r'name="next" value="([^"]*)"', form.group(0)).group(1).replace("&amp;", "&")


def switch(client, response, language: str):
    return client.post(
        reverse("set_language"),
        {"language": language, "next": switcher_next(response)},
        follow=True,
    )


def test_the_switcher_leaves_arabic_on_the_data_request_page_and_comes_back(client, hub):
    url = reverse("visits:data_request", kwargs={"hub": hub.slug})
    arabic = client.get(url + "?lang=ar")
    assert page_language(arabic) == "ar"
    finnish = switch(client, arabic, "fi")
    assert page_language(finnish) == "fi"
    assert finnish.request["PATH_INFO"] == url
    again = switch(client, finnish, "ar")
    assert page_language(again) == "ar"


@pytest.mark.parametrize("page", ["calendar", "event", "data_request", "registration", "partner"])
def test_every_public_page_returns_to_itself_without_its_lang_and_keeps_the_rest(client, hub, page):
    """One switcher for every public page: it drops ``?lang=`` (which would win over the new
    choice) and keeps the other query parameters (a calendar filter)."""
    event = EventFactory(hub=hub)
    registration, _ = registration_create(event=event, signup=SignUp(name="Amina"))
    urls = {
        "calendar": reverse("events:calendar", kwargs={"hub": hub.slug}),
        "event": event.get_absolute_url(),
        "data_request": reverse("visits:data_request", kwargs={"hub": hub.slug}),
        "registration": reverse(
            "events:registration", kwargs={"signed": cancel_token(registration)}
        ),
        "partner": reverse(
            "visits:partner_referral",
            args=[referral_token(ReferralFactory(hub=hub, partner=PartnerFactory()))],
        ),
    }
    url = urls[page]
    response = client.get(url + "?kind=cafe&lang=ar")
    assert page_language(response) == "ar"
    assert switcher_next(response) == url + "?kind=cafe"
    assert page_language(switch(client, response, "sv")) == "sv"


def test_a_link_that_names_no_language_follows_the_cookie_then_the_browser(client, hub):
    url = reverse("visits:data_request", kwargs={"hub": hub.slug})
    assert page_language(client.get(url, headers=ENGLISH_BROWSER)) == "en"
    client.get(url + "?lang=uk")
    assert page_language(client.get(url, headers=ENGLISH_BROWSER)) == "uk"
