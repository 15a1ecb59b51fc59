"""The people and places of the large data set: an organisation, its hubs with their opening hours
and language mixes, staff in every role, advisors with languages and topic skills, experience
experts and partner organisations. A few thousand rows at most, so the ORM's ``bulk_create``."""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate

from django.contrib.auth.hashers import make_password

from advisors.models import (
    AdvisorLanguage,
    AdvisorProfile,
    ExpertProfile,
    LanguageLevel,
    PathwayStep,
    Stage,
)
from kototori.models import (
    Hub,
    Language,
    Membership,
    Organisation,
    PartnerContact,
    PartnerKind,
    PartnerOrganisation,
    PartnerService,
    Role,
    Topic,
    User,
)

PASSWORD = "kototori-large"  # noqa: S105 (documented login of a scratch benchmark database)
DOMAIN = "large.kototori.invalid"

HUB_NAMES = [
    "Hervanta",
    "Kontula",
    "Itäkeskus",
    "Myllypuro",
    "Tesoma",
    "Varissuo",
    "Lähderanta",
    "Kaukajärvi",
    "Vuosaari",
    "Hakunila",
    "Rajakylä",
    "Peltosaari",
]
# Opening hours by weekday (Monday 0): (opens, closes) in local hours, or absent when closed.
OPENING_PATTERNS: list[tuple[dict[int, tuple[int, int]], dict[str, str]]] = [
    (
        {0: (10, 16), 1: (10, 16), 2: (10, 16), 3: (10, 16), 4: (10, 14)},
        {"fi": "ma–to 10–16, pe 10–14", "sv": "mån–tors 10–16, fre 10–14", "en": "Mon–Thu 10–16, Fri 10–14"},
    ),
    (
        dict.fromkeys(range(5), (9, 15)),
        {"fi": "ma–pe 9–15", "sv": "mån–fre 9–15", "en": "Mon–Fri 9–15"},
    ),
    (
        {**dict.fromkeys(range(5), (9, 17)), 5: (10, 14)},
        {"fi": "ma–pe 9–17, la 10–14", "sv": "mån–fre 9–17, lör 10–14", "en": "Mon–Fri 9–17, Sat 10–14"},
    ),
    (
        {0: (12, 20), 1: (9, 15), 2: (12, 20), 3: (9, 15), 4: (9, 15)},
        {"fi": "ma ja ke 12–20, ti, to ja pe 9–15", "sv": "mån och ons 12–20, tis, tors och fre 9–15", "en": "Mon and Wed 12–20, Tue, Thu and Fri 9–15"},
    ),
]  # fmt: skip
# Closed on these public holidays (month, day) whatever the weekday.
HOLIDAYS = {(1, 1), (1, 6), (5, 1), (12, 6), (12, 24), (12, 25), (12, 26)}
# How often each language is heard at a typical hub; each hub shuffles the tail.
LANGUAGE_WEIGHTS = {
    "fi": 22, "ar": 16, "so": 9, "ru": 9, "uk": 10, "fa": 5, "prs": 4, "ckb": 4, "en": 6,
    "ti": 2, "kmr": 2, "tr": 2, "et": 2, "sq": 1, "fr": 1, "es": 1, "th": 1, "vi": 1, "zh": 1,
    "sv": 1,
}  # fmt: skip
TOPIC_WEIGHTS = {
    "housing": 14, "residence_permit": 12, "social_insurance": 13, "employment": 11,
    "education": 8, "health": 6, "citizenship": 4, "legal_aid": 3, "income_support": 7,
    "family_reunification": 4, "mental_health": 3, "daily_life": 9, "child_welfare": 1,
    "safety": 1, "other": 3,
}  # fmt: skip
FIRST_NAMES = (  # noqa: SIM905 (a list of names reads better as one string)
    "Amina Ahmed Hodan Abdi Olena Ivan Fatemeh Reza Zainab Omar Leila Yusuf Nasrin Dawit Selam "
    "Mariam Hassan Anna Olga Dmytro Sara Ali Khadija Mohamed Hamid Shirin Tesfaye Ayan Farah "
    "Layla Karim Natalia Sergei Iryna Mustafa Noor Samir Aisha Bilal Hana Jamal Rana Tariq Yasmin "
    "Zahra Nadia Kamal Rahel Senait Goli Parisa Hiwa Soran Maryam Alina Viktor Oksana Liban Nimco"
).split()
STAFF_PER_HUB = {
    Role.FRONT_DESK: 4,
    Role.PROFESSIONAL: 2,
    Role.COORDINATOR: 1,
    Role.MANAGER: 1,
    Role.EXPERT: 2,
}


@dataclass
class HubWorld:
    hub: Hub
    index: int
    hours: dict[int, tuple[int, int]]
    weight: float
    languages: list[int]
    language_cum: list[float]
    staff: dict[str, list[int]] = field(default_factory=dict)  # role value -> user ids
    # Active advisors: user id -> language ids they speak.
    advisors: dict[int, set[int]] = field(default_factory=dict)
    partners: list[tuple[int, list[int]]] = field(default_factory=list)  # (partner, services)

    def opening(self, day: date) -> tuple[int, int] | None:
        if (day.month, day.day) in HOLIDAYS:
            return None
        return self.hours.get(day.weekday())

    def language(self, rng: random.Random) -> int:
        return self.languages[bisect(self.language_cum, rng.random() * self.language_cum[-1])]

    @property
    def desk_users(self) -> list[int]:
        """Who logs visits (Perm.VISIT_LOG): mostly the front desk, sometimes a professional."""
        return self.staff[Role.FRONT_DESK] * 4 + self.staff[Role.PROFESSIONAL]


@dataclass
class World:
    rng: random.Random
    start: date
    end: datetime  # aware: nothing happens after it but planned events
    organisation: Organisation
    hubs: list[HubWorld]
    topics: list[int]
    topic_cum: list[float]
    topic_keys: dict[int, str]
    languages: dict[str, int]  # code -> id
    finnish: int
    funder: int

    def topics_for_visit(self) -> list[int]:
        n = self.rng.choices((1, 2, 3), (60, 30, 10))[0]
        picked: set[int] = set()
        while len(picked) < n:
            picked.add(self.topics[bisect(self.topic_cum, self.rng.random() * self.topic_cum[-1])])
        return sorted(picked)


def _email(local: str, hub: str) -> str:
    return f"{local}@{hub}.{DOMAIN}"


def build_world(
    *, rng: random.Random, hubs: int, start: date, end: datetime, advisors: int
) -> World:
    """Create the organisation, hubs, staff, advisors, experts and partners."""
    password = make_password(PASSWORD)
    organisation = Organisation.objects.create(slug="large", name="Kototori large data set")
    languages = {lang.code: lang.pk for lang in Language.objects.all()}
    topics = {t.key: t.pk for t in Topic.objects.filter(is_active=True)}
    worlds: list[HubWorld] = []
    for i in range(hubs):
        name = HUB_NAMES[i] if i < len(HUB_NAMES) else f"Hub {i + 1}"
        slug = name.lower().replace("ä", "a").replace("ö", "o")
        hours, texts = OPENING_PATTERNS[i % len(OPENING_PATTERNS)]
        hub = Hub.objects.create(
            organisation=organisation,
            slug=slug,
            name=f"Kototori {name}",
            name_fi=f"Kototori {name}",
            name_sv=f"Kototori {name}",
            name_en=f"Kototori {name}",
            opening_hours_fi=texts["fi"],
            opening_hours_sv=texts["sv"],
            opening_hours_en=texts["en"],
            address=f"{name}nkatu {i + 1}",
            email=_email("info", slug),
            kiosk_enabled=True,
        )
        codes = [c for c in LANGUAGE_WEIGHTS if c in languages]
        head, tail = codes[:6], codes[6:]
        rng.shuffle(tail)
        mix = head + tail
        weights = [LANGUAGE_WEIGHTS[c] * rng.uniform(0.5, 1.5) for c in mix]
        hub.languages_offered.set([languages[c] for c in mix[:10]])
        worlds.append(
            HubWorld(
                hub=hub,
                index=i,
                hours=hours,
                weight=rng.uniform(0.5, 1.6),
                languages=[languages[c] for c in mix],
                language_cum=list(accumulate(weights)),
            )
        )
    funder = _staff(worlds, password, rng)
    _advisors(worlds, advisors, password, rng, languages, list(topics.values()), start)
    _partners(worlds, organisation, rng)
    keys = [k for k in TOPIC_WEIGHTS if k in topics]
    return World(
        rng=rng,
        start=start,
        end=end,
        organisation=organisation,
        hubs=worlds,
        topics=[topics[k] for k in keys],
        topic_cum=list(accumulate(TOPIC_WEIGHTS[k] for k in keys)),
        topic_keys={pk: key for key, pk in topics.items()},
        languages=languages,
        finnish=languages["fi"],
        funder=funder,
    )


def _staff(worlds: list[HubWorld], password: str, rng: random.Random) -> int:
    users, memberships, experts = [], [], []
    for world in worlds:
        slug = world.hub.slug
        for role, count in STAFF_PER_HUB.items():
            for n in range(1, count + 1):
                local = role.value if n == 1 else f"{role.value}{n}"
                users.append(
                    User(
                        email=_email(local, slug),
                        full_name=f"{rng.choice(FIRST_NAMES)} {role.value.title()} {slug.title()} {n}",
                        password=password,
                        preferred_language="fi",
                    )
                )
                memberships.append((world, role, len(users) - 1))
    users.append(User(email=f"funder@{DOMAIN}", full_name="Funder", password=password))
    created = User.objects.bulk_create(users)
    rows = []
    for world, role, index in memberships:
        user = created[index]
        world.staff.setdefault(role.value, []).append(user.pk)
        rows.append(Membership(user=user, hub=world.hub, role=role))
        if role == Role.EXPERT:
            experts.append((user, world))
    funder = created[-1]
    rows += [Membership(user=funder, hub=w.hub, role=Role.FUNDER) for w in worlds]
    Membership.objects.bulk_create(rows)
    for user, world in experts:
        profile = ExpertProfile.objects.create(user=user, cohort="Minä Suomessa 2024")
        profile.hubs.set([world.hub])
    return funder.pk


def _advisors(
    worlds: list[HubWorld],
    count: int,
    password: str,
    rng: random.Random,
    languages: dict[str, int],
    topics: list[int],
    start: date,
) -> None:
    """Advisors spread over the hubs by size; each speaks Finnish and one or two of the hub's
    languages, and most are active (only active advisors claim cases)."""
    total_weight = sum(w.weight for w in worlds)
    homes = []
    for world in worlds:
        homes += [world] * max(2, round(count * world.weight / total_weight))
    homes = homes[:count] if len(homes) > count else homes
    users = User.objects.bulk_create(
        User(
            email=_email(f"advisor{n}", home.hub.slug),
            full_name=f"{rng.choice(FIRST_NAMES)} Advisor {n}",
            password=password,
            preferred_language="fi",
        )
        for n, home in enumerate(homes, start=1)
    )
    stages = rng.choices(
        [Stage.ACTIVE, Stage.PAUSED, Stage.ALUMNI, Stage.ORIENTED, Stage.INTERESTED],
        [80, 6, 6, 4, 4],
        k=len(users),
    )
    profiles = AdvisorProfile.objects.bulk_create(
        AdvisorProfile(
            user=user,
            name=user.full_name,
            stage=stage,
            stage_since=start + timedelta(days=rng.randrange(200)),
        )
        for user, stage in zip(users, stages, strict=True)
    )
    hub_links, topic_links, spoken, steps, memberships = [], [], [], [], []
    HubLink = AdvisorProfile.hubs.through
    TopicLink = AdvisorProfile.topics.through
    for profile, home, stage in zip(profiles, homes, stages, strict=True):
        served = [home] + ([rng.choice(worlds)] if rng.random() < 0.1 else [])
        served = list({w.hub.pk: w for w in served}.values())
        codes = {languages["fi"]} | {home.language(rng) for _ in range(rng.choice((1, 2, 2, 3)))}
        for world in served:
            hub_links.append(HubLink(advisorprofile_id=profile.pk, hub_id=world.hub.pk))
            if stage in (Stage.ACTIVE, Stage.PAUSED, Stage.ORIENTED):
                memberships.append(
                    Membership(user_id=profile.user_id, hub=world.hub, role=Role.ADVISOR)
                )
            if stage == Stage.ACTIVE:
                world.advisors[profile.user_id] = codes
        for pk in rng.sample(topics, rng.randint(2, 5)):
            topic_links.append(TopicLink(advisorprofile_id=profile.pk, topic_id=pk))
        for pk in codes:
            level = LanguageLevel.FLUENT if pk == languages["fi"] else LanguageLevel.NATIVE
            spoken.append(AdvisorLanguage(advisor=profile, language_id=pk, level=level))
        path = [Stage.INTERESTED, Stage.INTERVIEWED, Stage.ORIENTED, Stage.ACTIVE]
        if stage in (Stage.PAUSED, Stage.ALUMNI):
            path.append(stage)
        path = path[: path.index(stage) + 1]
        on = profile.stage_since - timedelta(days=30 * (len(path) - 1))
        previous = ""
        for moved_to in path:
            steps.append(PathwayStep(advisor=profile, from_stage=previous, stage=moved_to, on=on))
            previous, on = moved_to, on + timedelta(days=30)
    HubLink.objects.bulk_create(hub_links)
    TopicLink.objects.bulk_create(topic_links)
    AdvisorLanguage.objects.bulk_create(spoken)
    PathwayStep.objects.bulk_create(steps)
    Membership.objects.bulk_create(memberships)


def _partners(worlds: list[HubWorld], organisation: Organisation, rng: random.Random) -> None:
    kinds = list(PartnerKind.values)
    partners = PartnerOrganisation.objects.bulk_create(
        PartnerOrganisation(
            organisation=organisation,
            name=f"Partner {n:02d} ({kinds[n % len(kinds)]})",
            kind=kinds[n % len(kinds)],
            email=f"partner{n}@{DOMAIN}",
        )
        for n in range(4 * len(worlds))
    )
    services = PartnerService.objects.bulk_create(
        PartnerService(partner=p, name=f"Service {s + 1} of {p.name}")
        for p in partners
        for s in range(rng.randint(1, 3))
    )
    by_partner: dict[int, list[int]] = {}
    for service in services:
        by_partner.setdefault(service.partner_id, []).append(service.pk)
    PartnerContact.objects.bulk_create(
        PartnerContact(partner=p, name=f"Contact of {p.name}", email=p.email) for p in partners
    )
    Served = PartnerOrganisation.hubs_served.through
    links = []
    for n, partner in enumerate(partners):
        # Every hub has at least four partners; some partners serve several hubs.
        served = {n % len(worlds)} | set(rng.sample(range(len(worlds)), rng.randint(0, 2)))
        for world in (worlds[i] for i in sorted(served)):
            links.append(Served(partnerorganisation_id=partner.pk, hub_id=world.hub.pk))
            world.partners.append((partner.pk, by_partner[partner.pk]))
    Served.objects.bulk_create(links)
