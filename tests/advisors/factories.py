"""Factories for the advisors' tests. Cases are ``visits.Case`` rows created directly here."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from advisors.models import (
    AdvisorLanguage,
    AdvisorProfile,
    Assignment,
    ExpertProfile,
    Shift,
)
from tests.factories import HubFactory, language
from visits.models import Case


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    hub = factory.SubFactory(HubFactory)
    summary = factory.Sequence(lambda n: f"Needs help with a form ({n})")

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.topics.set(extracted)

    @factory.post_generation
    def languages(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.languages.set(extracted)


class AdvisorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdvisorProfile
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Advisor {n}")
    stage = "active"

    @factory.post_generation
    def hubs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.hubs.set(extracted)

    @factory.post_generation
    def speaks(obj, create, extracted, **kwargs):
        """``speaks=["ar", "fi"]``"""
        if create and extracted:
            for code in extracted:
                AdvisorLanguage.objects.create(advisor=obj, language=language(code))

    @factory.post_generation
    def skills(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.topics.set(extracted)


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    hub = factory.SubFactory(HubFactory)
    title = "Front desk help"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=4))
    capacity = 2


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertProfile
        skip_postgeneration_save = True

    cohort = "Minä Suomessa 2024"

    @factory.post_generation
    def hubs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.hubs.set(extracted)

    @factory.post_generation
    def speaks(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.languages.set([language(code) for code in extracted])

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    hub = factory.SubFactory(HubFactory)
    kind = Assignment.Kind.SCHOOL
    title = factory.Sequence(lambda n: f"School visit {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    place = "Hervannan koulu"
    audience = "Pupils of grade 8"
    language = factory.LazyFunction(lambda: language("fi"))

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)


def ensure_reference_data() -> None:
    """Transactional tests flush the database, reference rows seeded by migrations included; put
    them back when a reused test database lost them."""
    from advisors.models import Training
    from advisors.reference_data import seed_trainings
    from kototori.models import Language, Topic
    from kototori.reference_data import seed_reference_data

    if not Topic.objects.exists():
        seed_reference_data(Topic, Language)
    if not Training.objects.exists():
        seed_trainings(Training)


def visitor(hub, **fields):
    """A consented visitor record (``visits.Visitor``), made directly."""
    from visits.models import Visitor

    languages = fields.pop("languages", [])
    record = Visitor.objects.create(hub=hub, **{"first_name": "Samira", **fields})
    record.languages.set(languages)
    return record
