"""Factories for the front desk's records."""

from __future__ import annotations

import factory
from django.utils import timezone

from tests.factories import HubFactory, PartnerFactory, UserFactory
from visits.models import Consent, QueueEntry, Referral, Visit, Visitor


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit
        skip_postgeneration_save = True

    hub = factory.SubFactory(HubFactory)
    visited_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.topics.set(extracted)


class VisitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visitor
        skip_postgeneration_save = True

    hub = factory.SubFactory(HubFactory)
    first_name = factory.Sequence(lambda n: f"Visitor{n}")
    phone = factory.Sequence(lambda n: f"+358 40 {n:07d}")

    @factory.post_generation
    def consent(obj, create, extracted, **kwargs):
        if create:
            Consent.objects.create(visitor=obj, scope=Consent.Scope.RECORD, language="fi")


class QueueEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QueueEntry

    hub = factory.SubFactory(HubFactory)
    day = factory.LazyFunction(timezone.localdate)
    number = factory.Sequence(lambda n: n + 1)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    hub = factory.SubFactory(HubFactory)
    partner = factory.SubFactory(PartnerFactory)
    created_by = factory.SubFactory(UserFactory)
