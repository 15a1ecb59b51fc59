"""factory_boy factories for events."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from events.models import Event, Feedback, Kind, Registration, Status
from tests.factories import HubFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    hub = factory.SubFactory(HubFactory)
    kind = Kind.CAFE
    title_fi = factory.Sequence(lambda n: f"Kahvila {n}")
    title_en = factory.Sequence(lambda n: f"Café {n}")
    summary_fi = "Tervetuloa juttelemaan."
    summary_en = "Come and chat."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = 20
    status = Status.PUBLISHED


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Visitor {n}")
    party_size = 1
    language = "fi"
    status = Registration.Status.CONFIRMED


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    event = factory.SubFactory(EventFactory)
    enjoyed = 3
    met_people = 2
    come_again = 3
    language = "fi"
