"""Load demo data: an organisation with two hubs, partners and one login per role.

Idempotent: running it again changes nothing that is already there. Each app may add its own demo
data in ``<app>/demo.py`` with a ``seed(ctx: DemoContext)`` function, called in app order.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from datetime import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from kototori.models import (
    Hub,
    Language,
    Membership,
    Organisation,
    PartnerContact,
    PartnerOrganisation,
    PartnerService,
    Role,
    Topic,
    User,
)
from kototori.reference_data import seed_reference_data

DEMO_PASSWORD = "kototori-demo"  # noqa: S105 (documented demo login, local runs only)
DEMO_DOMAIN = "demo.kototori.fi"
DEMO_APPS = ("visits", "advisors", "events", "translations")

ROLE_LOGINS = {
    Role.FRONT_DESK: ("frontdesk", "Fatima Front-Desk"),
    Role.ADVISOR: ("advisor", "Ahmed Advisor"),
    Role.EXPERT: ("expert", "Eeva Expert"),
    Role.PROFESSIONAL: ("professional", "Paula Professional"),
    Role.COORDINATOR: ("coordinator", "Kalle Coordinator"),
    Role.MANAGER: ("manager", "Maija Manager"),
    Role.FUNDER: ("funder", "Frank Funder"),
    Role.REVIEWER: ("reviewer", "Rahel Reviewer"),
}

HUBS = [
    {
        "slug": "hervanta",
        "name_fi": "Kototori Hervanta",
        "name_sv": "Kototori Hervanta",
        "name_en": "Kototori Hervanta",
        "address": "Insinöörinkatu 38, 33720 Tampere",
        "opening_hours_fi": "ma–to 10–16, pe 10–14",
        "opening_hours_sv": "mån–tors 10–16, fre 10–14",
        "opening_hours_en": "Mon–Thu 10–16, Fri 10–14",
        "phone": "+358 40 000 0001",
        "email": "hervanta@demo.kototori.fi",
        "languages": ["fi", "en", "ar", "so", "ru", "uk", "fa", "prs", "ckb", "ti"],
    },
    {
        "slug": "kontula",
        "name_fi": "Kototori Kontula",
        "name_sv": "Kototori Gårdsbacka",
        "name_en": "Kototori Kontula",
        "address": "Kontulankaari 1, 00940 Helsinki",
        "opening_hours_fi": "ma–pe 9–15",
        "opening_hours_sv": "mån–fre 9–15",
        "opening_hours_en": "Mon–Fri 9–15",
        "phone": "+358 40 000 0002",
        "email": "kontula@demo.kototori.fi",
        "languages": ["fi", "sv", "en", "ar", "so", "ru", "et"],
    },
]

PARTNERS = [
    (
        "Kela, Tampereen palvelupiste",
        "social_insurance",
        ["Maahanmuuttajien etuusneuvonta", "Ajanvaraus"],
        ["hervanta"],
    ),
    (
        "Työllisyyspalvelut",
        "employment",
        ["Työnhaun neuvonta", "Kotoutumissuunnitelma"],
        ["hervanta", "kontula"],
    ),
    ("Hervannan terveysasema", "health", ["Terveysneuvonta"], ["hervanta"]),
    ("Maahanmuuttovirasto", "authority", ["Oleskelulupaneuvonta"], ["hervanta", "kontula"]),
    ("Hervannan seurakunta", "parish", ["Diakoniatyö", "Ruoka-apu"], ["hervanta"]),
    ("Vuokrataloyhtiö Koti Oy", "housing", ["Asumisneuvonta"], ["hervanta", "kontula"]),
    ("Punainen Risti, Tampereen osasto", "ngo", ["Ystävätoiminta", "Läksyhelppi"], ["hervanta"]),
    (
        "Aikuisopisto",
        "education",
        ["Suomen kielen kurssit", "Opintoneuvonta"],
        ["hervanta", "kontula"],
    ),
    ("Kontulan monikulttuurinen yhdistys", "ngo", ["Vertaistuki", "Naisten ryhmä"], ["kontula"]),
]


@dataclass
class DemoContext:
    organisation: Organisation
    hubs: dict[str, Hub]
    users: dict[str, User]  # by role value, plus "frontdesk_kontula"
    partners: list[PartnerOrganisation]
    topics: list[Topic]
    languages: dict[str, Language]
    now: datetime = field(default_factory=timezone.now)
    rng: random.Random = field(default_factory=lambda: random.Random(20191))


def _user(local_part: str, name: str, language: str = "fi") -> User:
    user, created = User.objects.get_or_create(
        email=f"{local_part}@{DEMO_DOMAIN}",
        defaults={"full_name": name, "preferred_language": language},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed_core() -> DemoContext:
    seed_reference_data(Topic, Language)
    organisation, _ = Organisation.objects.get_or_create(
        slug="demo", defaults={"name": "Kototori-demokaupunki"}
    )
    languages = {lang.code: lang for lang in Language.objects.all()}
    hubs: dict[str, Hub] = {}
    for spec in HUBS:
        spec = dict(spec)
        codes = spec.pop("languages")
        hub, created = Hub.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "organisation": organisation,
                "name": spec["name_fi"],
                "kiosk_enabled": True,
                **spec,
            },
        )
        if created:
            hub.languages_offered.set([languages[c] for c in codes])
        hubs[hub.slug] = hub

    users: dict[str, User] = {}
    for role, (local_part, name) in ROLE_LOGINS.items():
        user = _user(local_part, name, "en" if role == Role.FUNDER else "fi")
        hub_slugs = ["hervanta", "kontula"] if role in (Role.FUNDER,) else ["hervanta"]
        for slug in hub_slugs:
            Membership.objects.get_or_create(user=user, hub=hubs[slug], role=role)
        users[role.value] = user
    kontula_desk = _user("frontdesk.kontula", "Kaisa Kontula")
    Membership.objects.get_or_create(user=kontula_desk, hub=hubs["kontula"], role=Role.FRONT_DESK)
    users["frontdesk_kontula"] = kontula_desk

    partners = []
    for name, kind, services, hub_slugs in PARTNERS:
        partner, created = PartnerOrganisation.objects.get_or_create(
            name=name,
            organisation=organisation,
            defaults={
                "kind": kind,
                "email": f"info@{kind}.demo.kototori.fi",
                "phone": "+358 40 000 1000",
            },
        )
        if created:
            partner.hubs_served.set([hubs[s] for s in hub_slugs])
            for service in services:
                PartnerService.objects.create(partner=partner, name=service)
            PartnerContact.objects.create(
                partner=partner, name="Yhteyshenkilö " + name.split()[0], email=partner.email
            )
        partners.append(partner)

    return DemoContext(
        organisation=organisation,
        hubs=hubs,
        users=users,
        partners=partners,
        topics=list(Topic.objects.filter(is_active=True)),
        languages=languages,
    )


class Command(BaseCommand):
    help = "Create demo data (idempotent): two hubs, partners, one login per role, and app data."

    def handle(self, *args, **options) -> None:
        ctx = seed_core()
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(ctx)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data is ready. Logins (password: {DEMO_PASSWORD}):")
        )
        for role, (local_part, _name) in ROLE_LOGINS.items():
            self.stdout.write(f"  {role.label:<20} {local_part}@{DEMO_DOMAIN}")
        self.stdout.write(f"  {'Front desk, Kontula':<20} frontdesk.kontula@{DEMO_DOMAIN}")
