"""factory_boy factories for the core. App factories live in ``tests/<app>/factories.py``."""

from __future__ import annotations

import factory

from kototori.models import (
    Hub,
    Language,
    Membership,
    Organisation,
    PartnerOrganisation,
    PartnerService,
    Role,
    Topic,
    User,
)

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = "Test city"
    slug = "test-city"


class HubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hub

    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"hub-{n}")
    name = factory.Sequence(lambda n: f"Hub {n}")
    kiosk_enabled = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    preferred_language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    hub = factory.SubFactory(HubFactory)
    role = Role.FRONT_DESK


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = "ngo"

    @factory.post_generation
    def hubs_served(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.hubs_served.set(extracted)


class PartnerServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerService

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Service {n}")


def topic(key: str) -> Topic:
    """Topics are seeded by a migration; tests look them up by key."""
    return Topic.objects.get(key=key)


def language(code: str) -> Language:
    return Language.objects.get(code=code)
