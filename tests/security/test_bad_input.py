"""Hostile input into the main public and staff forms and query parameters: never a server error,
never a half-saved row, and a refused form keeps what was typed.

Values: NUL, 10,000 characters, right-to-left and zero-width marks, Arabic and Ethiopic script,
emoji, markup, SQL-looking text, impossible dates and phone numbers. A form that is refused must
leave every row count as it was.
"""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.models import Feedback, Registration
from kototori.models import PartnerOrganisation, Role
from tests.events.factories import EventFactory
from tests.factories import HubFactory, MembershipFactory, UserFactory
from visits.models import CaseNote, DataRequest, QueueEntry, Visitor

pytestmark = pytest.mark.django_db

HOSTILE = st.sampled_from(
    [
        "\x00",
        "Aino\x00Virtanen",
        "x" * 10_000,
        "\u202eevil\u202c",
        "zero\u200bwidth\u200d",
        "مرحبا بكم",
        "ሰላም ለዓለም",
        "🙂👨‍👩‍👧",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "'; DROP TABLE visits_visitor; --",
        "1 OR 1=1",
        "2026-02-30",
        "31.13.2026",
        "+358 40 ABC",
        "0" * 40,
        "-1",
        "99999999999999999999",
        "",
        " ",
    ]
) | st.text(min_size=1, max_size=60)

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def place(db, settings):
    settings.KIOSK_RATE_LIMIT = "100000/1m"
    hub = HubFactory(slug="hervanta", name="Hervanta")
    users = {}
    for role in (Role.FRONT_DESK, Role.MANAGER, Role.PROFESSIONAL, Role.COORDINATOR):
        user = UserFactory()
        MembershipFactory(user=user, hub=hub, role=role)
        client = Client()
        client.force_login(user)
        users[role] = client
    return hub, users


def _counts() -> tuple:
    return (
        Visitor.objects.count(),
        Registration.objects.count(),
        Feedback.objects.count(),
        PartnerOrganisation.objects.count(),
        CaseNote.objects.count(),
        QueueEntry.objects.count(),
        DataRequest.objects.count(),
    )


def _check(response, before) -> None:
    assert response.status_code < 500
    if response.status_code not in (302, 303):
        assert _counts() == before, "a refused form saved something"


@SETTINGS
@given(value=HOSTILE, number=HOSTILE)
def test_event_sign_up_survives_hostile_input_and_keeps_it(place, value, number):
    from django.core.cache import cache

    cache.clear()  # the per-IP limit would otherwise stop the examples
    hub, _users = place
    event = EventFactory(hub=hub, capacity=5)
    before = _counts()
    response = Client().post(
        reverse("events:register", kwargs={"hub": hub.slug, "pk": event.pk}),
        {
            "name": value,
            "party_size": number,
            "phone": value,
            "email": value,
            "language": value,
            "token": value,
        },
    )
    _check(response, before)
    if response.status_code == 400 and "\x00" not in value and 0 < len(value.strip()) <= 100:
        shown = response.content.decode()
        assert html.escape(" ".join(value.split())) in shown or html.escape(value) in shown


@SETTINGS
@given(value=HOSTILE)
def test_feedback_and_kiosk_survive_hostile_input(place, value):
    from django.core.cache import cache

    cache.clear()
    hub, _users = place
    before = _counts()
    past = EventFactory(hub=hub)
    response = Client().post(
        reverse("events:feedback_form", kwargs={"hub": hub.slug, "pk": past.pk}),
        {"enjoyed": value, "met_people": value, "come_again": value, "token": value},
    )
    assert response.status_code < 500
    assert Feedback.objects.count() == before[2]
    response = Client().post(
        reverse("visits:kiosk_checkin", kwargs={"token": hub.kiosk_token, "lang": "ar"}),
        {"topics": value, "first_name": value, "key": value},
    )
    assert response.status_code < 500


@SETTINGS
@given(value=HOSTILE, kind=HOSTILE)
def test_data_request_form_survives_hostile_input_and_keeps_it(place, value, kind):
    from django.core.cache import cache

    cache.clear()
    hub, _users = place
    before = _counts()
    response = Client().post(
        reverse("visits:data_request", kwargs={"hub": hub.slug}),
        {"kind": kind, "name": value, "phone": value, "email": value, "message": value},
    )
    _check(response, before)
    if response.status_code == 400 and "\x00" not in value and 0 < len(value.strip()) <= 100:
        shown = response.content.decode()
        assert html.escape(value) in shown or html.escape(" ".join(value.split())) in shown


@SETTINGS
@given(value=HOSTILE, year=HOSTILE)
def test_visitor_create_survives_hostile_input(place, value, year):
    hub, users = place
    before = _counts()
    response = users[Role.FRONT_DESK].post(
        reverse("visits:visitor_create", kwargs={"hub": hub.slug}),
        {
            "visitor-first_name": value,
            "visitor-phone": value,
            "visitor-email": value,
            "visitor-birth_year": year,
            "visitor-arrival_year": year,
            "visitor-municipality": value,
            "visitor-message_language": value,
            "consent-scopes": value,
            "consent-language": value,
        },
    )
    _check(response, before)


@SETTINGS
@given(value=HOSTILE)
def test_partner_create_survives_hostile_input(place, value):
    _hub, users = place
    before = _counts()
    response = users[Role.COORDINATOR].post(
        reverse("partners:create"),
        {
            "name": value,
            "kind": value,
            "description": value,
            "website": value,
            "email": value,
            "phone": value,
            "address": value,
            "hubs_served": value,
        },
    )
    _check(response, before)


@SETTINGS
@given(value=HOSTILE)
def test_query_parameters_of_reports_and_calendars_survive_hostile_input(place, value):
    hub, users = place
    for client, url, params in (
        (users[Role.MANAGER], reverse("reports:report"), {"period": value, "hub": value}),
        (users[Role.MANAGER], reverse("reports:export", kwargs={"fmt": "csv"}), {"period": value}),
        (
            Client(),
            reverse("events:calendar", kwargs={"hub": hub.slug}),
            {"kind": value, "language": value},
        ),
        (Client(), reverse("events:feed", kwargs={"hub": hub.slug}), {"kind": value}),
        (
            users[Role.FRONT_DESK],
            reverse("visits:visitors", kwargs={"hub": hub.slug}),
            {"q": value},
        ),
        (users[Role.FRONT_DESK], reverse("partners:list"), {"q": value, "kind": value}),
    ):
        response = client.get(url, params)
        assert response.status_code < 500, (url, value)
