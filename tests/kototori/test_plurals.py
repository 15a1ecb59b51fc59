"""Numbers next to nouns read right: "1 asia" and "2 asiaa", not "1 asiaa"."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from events.services import SignUp, cancel_token, registration_create
from kototori.models import Role
from tests.events.factories import EventFactory, FeedbackFactory, RegistrationFactory
from tests.kototori.test_django_strings import compiled_locale, translated  # noqa: F401
from tests.visits.factories import QueueEntryFactory, VisitFactory
from visits.models import VisitOutcome

# Catalogues compiled from locale/ as they are now (see test_translations.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("translated")]


def desk(client, hub) -> str:
    response = client.get(reverse("visits:desk", kwargs={"hub": hub.slug}))
    assert response.status_code == 200
    return response.content.decode()


def stat(number: int, noun: str) -> str:
    return f'<span class="stat">{number}</span> {noun}'


def test_the_desk_counts_one_case_in_the_singular_in_finnish(client_for, hub):
    VisitFactory(hub=hub, outcome=VisitOutcome.CASE)
    QueueEntryFactory(hub=hub)
    html = desk(client_for(Role.FRONT_DESK, hub, preferred_language="fi"), hub)
    assert stat(1, "käynti<") in html
    assert stat(1, "asia<") in html
    assert stat(1, "odottaa") in html
    assert "asiaa" not in html and "käyntiä" not in html


def test_the_desk_counts_two_cases_in_the_plural_in_finnish(client_for, hub):
    VisitFactory(hub=hub, outcome=VisitOutcome.CASE)
    VisitFactory(hub=hub, outcome=VisitOutcome.CASE)
    html = desk(client_for(Role.FRONT_DESK, hub, preferred_language="fi"), hub)
    assert stat(2, "käyntiä") in html
    assert stat(2, "asiaa") in html
    assert stat(0, "ohjattua") in html


def test_the_desk_counts_in_swedish_and_english_too(client_for, hub):
    VisitFactory(hub=hub, outcome=VisitOutcome.REFERRED)
    swedish = desk(client_for(Role.FRONT_DESK, hub, preferred_language="sv"), hub)
    assert stat(1, "hänvisad<") in swedish
    assert stat(0, "ärenden") in swedish
    english = desk(client_for(Role.FRONT_DESK, hub, preferred_language="en"), hub)
    assert stat(1, "visit<") in english
    assert stat(0, "cases") in english


@pytest.mark.parametrize(("answers", "text"), [(1, "1 vastaus:"), (2, "2 vastausta:")])
def test_the_event_page_counts_feedback_answers(client_for, hub, answers, text):
    event = EventFactory(hub=hub)
    FeedbackFactory.create_batch(answers, event=event)
    coordinator = client_for(Role.COORDINATOR, hub, preferred_language="fi")
    url = reverse("events:detail", kwargs={"hub": hub.slug, "pk": event.pk})
    assert text in coordinator.get(url).content.decode()


@pytest.mark.parametrize(
    ("people", "text"),
    [
        (1, "Tapahtuma on peruttu. 1 henkilö saa viestin."),
        (2, "Tapahtuma on peruttu. 2 henkilöä saa viestin."),
    ],
)
def test_cancelling_an_event_tells_how_many_people_get_a_message(client_for, hub, people, text):
    event = EventFactory(hub=hub)
    for n in range(people):
        registration_create(event=event, signup=SignUp(name=f"A{n}", email=f"a{n}@example.org"))
    coordinator = client_for(Role.COORDINATOR, hub, preferred_language="fi")
    response = coordinator.post(reverse("events:cancel", kwargs={"hub": hub.slug, "pk": event.pk}))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [text]


@pytest.mark.parametrize(
    ("contact", "ending"),
    [
        (
            {"email": "a@example.org"},
            "Jos paikka vapautuu, saat sen. Lähetämme sinulle silloin viestin.",
        ),
        ({}, "Jos paikka vapautuu, saat sen.</p>"),
    ],
)
def test_the_waiting_list_sentence_is_one_whole_sentence(client, hub, contact, ending):
    event = EventFactory(hub=hub, capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waiting", name="Amina", **contact)
    url = reverse("events:registration", kwargs={"signed": cancel_token(waiting)})
    html = client.get(f"{url}?lang=fi").content.decode()
    assert "Amina, tapahtuma on nyt täynnä. Olet jonossa numero 1." in html
    assert ending in html
