"""Demo data for events: a season (six weeks back, eight ahead) for both hubs, in several
languages, with sign-ups, a waiting list, attendance and feedback. Idempotent: an event is found by
hub and Finnish title before it is created, and only a new event gets registrations."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from .models import Audience, Event, Feedback, Group, Kind, Registration, Status

if TYPE_CHECKING:
    from kototori.management.commands.demo import DemoContext

# kind, week offset, weekday, hour, hours, capacity, languages spoken, texts by language
SEASON: list[tuple[str, int, int, int, int, int | None, list[str], dict[str, tuple[str, str]]]] = [
    (
        Kind.LANGUAGE_CAFE,
        -5,
        1,
        17,
        2,
        20,
        ["fi"],
        {
            "fi": ("Kielikahvila", "Harjoitellaan suomea rennosti kahvin äärellä."),
            "en": ("Language café", "Practise Finnish over a cup of coffee."),
            "ar": ("مقهى اللغة", "نتدرب على اللغة الفنلندية مع فنجان قهوة."),
            "so": ("Makhaayadda luqadda", "Ku celceli af-Finnishka adigoo koob kafee ah cabaya."),
            "uk": ("Мовне кафе", "Практикуємо фінську за чашкою кави."),
        },
    ),
    (
        Kind.COOKING,
        -3,
        3,
        16,
        3,
        12,
        ["fi", "ar", "ckb"],
        {
            "fi": ("Ruokaryhmä: syyrialaiset mezet", "Kokataan yhdessä ja syödään yhdessä."),
            "en": ("Cooking group: Syrian mezze", "We cook together and eat together."),
            "ar": ("مجموعة الطبخ: مقبلات سورية", "نطبخ معًا ونأكل معًا."),
        },
    ),
    (
        Kind.HOUSING_INFO,
        -2,
        2,
        13,
        2,
        30,
        ["fi", "so", "ar"],
        {
            "fi": ("Asuntoinfo: näin vuokra-asunto toimii", "Sauna, pyykkitupa, lajittelu."),
            "en": ("Housing info: how a rental flat works", "Sauna, laundry room, recycling."),
            "so": ("Macluumaad guri", "Qolka maydhashada, dharka, qashinka."),
        },
    ),
    (
        Kind.COMMUNITY,
        -1,
        5,
        12,
        4,
        None,
        ["fi", "en"],
        {
            "fi": ("Naapuruston kevätjuhla", "Musiikkia, ruokaa ja tutustumista kaikille."),
            "en": ("Neighbourhood spring party", "Music, food and meeting people, for everyone."),
            "ru": ("Весенний праздник района", "Музыка, еда и знакомства для всех."),
        },
    ),
    (
        Kind.LANGUAGE_CAFE,
        0,
        1,
        17,
        2,
        20,
        ["fi"],
        {
            "fi": ("Kielikahvila, kevät", "Harjoitellaan suomea rennosti kahvin äärellä."),
            "en": ("Language café, spring", "Practise Finnish over a cup of coffee."),
            "ar": ("مقهى اللغة، الربيع", "نتدرب على اللغة الفنلندية مع فنجان قهوة."),
            "fa": ("کافه زبان، بهار", "فنلاندی را با یک فنجان قهوه تمرین کنیم."),
        },
    ),
    (
        Kind.EXCURSION,
        1,
        5,
        10,
        6,
        3,
        ["fi", "en"],
        {
            "fi": ("Retki kansallispuistoon", "Kävelyretki ja eväät nuotiolla. Bussi hubilta."),
            "en": ("Trip to a national park", "A walk and a picnic by the fire. Bus from the hub."),
            "uk": ("Поїздка до національного парку", "Прогулянка й пікнік біля багаття."),
        },
    ),
    (
        Kind.LEARNING_CAFE,
        2,
        2,
        9,
        2,
        25,
        ["fi"],
        {
            "fi": ("Oppimiskahvila ammattilaisille: selkokieli", "Selkokieli asiakastyössä."),
            "en": ("Learning café for professionals: plain language", "Plain language at work."),
        },
    ),
    (
        Kind.NGO_BAZAAR,
        3,
        6,
        11,
        4,
        None,
        ["fi", "en", "ar", "so", "ru"],
        {
            "fi": ("Järjestötori", "Tutustu alueen järjestöihin ja harrastuksiin."),
            "en": ("NGO bazaar", "Meet the local associations and hobby groups."),
            "ar": ("سوق الجمعيات", "تعرّف على جمعيات الحي وأنشطتها."),
            "ti": ("ዕዳጋ ማሕበራት", "ምስ ማሕበራት ከባቢ ተላለዩ።"),
        },
    ),
    (
        Kind.CAFE,
        4,
        4,
        14,
        2,
        15,
        ["fi", "ti", "prs"],
        {
            "fi": ("Naisten kahvila", "Kahvia, käsitöitä ja juttelua naisille."),
            "en": ("Women's café", "Coffee, crafts and a chat, for women."),
            "prs": ("کافه زنان", "قهوه، صنایع دستی و گفتگو برای زنان."),
        },
    ),
    (
        Kind.SEMINAR,
        6,
        3,
        13,
        3,
        60,
        ["fi", "en"],
        {
            "fi": (
                "Seminaari: kaksisuuntainen kotoutuminen",
                "Tutkijat ja asukkaat keskustelevat.",
            ),
            "en": ("Seminar: two-way integration", "Researchers and residents in conversation."),
        },
    ),
]

NAMES = ["Amina", "Hassan", "Olena", "Liisa", "Matti", "Fatuma", "Reza", "Sara", "Juha", "Dawit"]
LANGS = ["ar", "so", "uk", "fi", "fi", "so", "fa", "ar", "fi", "ti"]


def _at(now: datetime, weeks: int, weekday: int, hour: int) -> datetime:
    today = timezone.localdate(now)
    monday = today - timedelta(days=today.weekday())
    day = monday + timedelta(weeks=weeks, days=weekday)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed(ctx: DemoContext) -> None:
    coordinator = ctx.users.get("coordinator")
    for hub_slug, hub in ctx.hubs.items():
        partners = [p for p in ctx.partners if hub in p.hubs_served.all()][:2]
        for kind, weeks, weekday, hour, hours, capacity, spoken, texts in SEASON:
            title_fi = texts["fi"][0]
            starts_at = _at(ctx.now, weeks, weekday, hour)
            fields = {
                "kind": kind,
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(hours=hours),
                "capacity": capacity,
                "audience": Audience.PROFESSIONALS
                if kind == Kind.LEARNING_CAFE
                else Audience.EVERYONE,
                "registration_required": capacity is not None,
                "status": Status.PUBLISHED,
                "published_at": ctx.now,
                "place": "" if kind != Kind.EXCURSION else "Bussi hubin edestä",
            }
            for code, (title, summary) in texts.items():
                fields[f"title_{code}"] = title
                fields[f"summary_{code}"] = summary
            event, created = Event.objects.get_or_create(
                hub=hub, title_fi=title_fi, defaults=fields
            )
            if not created:
                continue
            event.languages.set([ctx.languages[c] for c in spoken if c in ctx.languages])
            event.partners.set(partners)
            if coordinator and hub_slug == "hervanta":
                event.organisers.set([coordinator])
            _registrations(ctx, event)
        _draft(ctx, hub)
        _pop_up(ctx, hub)


def _registrations(ctx: DemoContext, event: Event) -> None:
    if not event.registration_required:
        if event.is_past:
            event.head_count_newcomers = ctx.rng.randint(15, 40)
            event.head_count_residents = ctx.rng.randint(10, 30)
            event.save(update_fields=["head_count_newcomers", "head_count_residents"])
            _feedback(ctx, event, 12)
        return
    taken = 0
    wanted = min((event.capacity or 10) + 2, len(NAMES))
    for i in range(wanted):
        party = 2 if i % 4 == 3 else 1
        fits = taken + party <= event.capacity
        taken += party if fits else 0
        status = Registration.Status.CONFIRMED if fits else Registration.Status.WAITING
        attendance = Registration.Attendance.UNKNOWN
        if event.is_past and status == Registration.Status.CONFIRMED:
            attendance = (
                Registration.Attendance.NO_SHOW
                if ctx.rng.random() < 0.15
                else Registration.Attendance.CAME
            )
        Registration.objects.create(
            event=event,
            name=NAMES[i],
            party_size=party,
            language=LANGS[i],
            group=Group.NEWCOMER if LANGS[i] != "fi" else Group.RESIDENT,
            email=f"{NAMES[i].lower()}@example.invalid" if i % 3 == 0 else "",
            remind=i % 3 == 0,
            status=status,
            attendance=attendance,
            created_at=event.starts_at - timedelta(days=10 - i % 7),
            checked_in_at=event.starts_at if attendance == Registration.Attendance.CAME else None,
        )
    if event.is_past:
        _feedback(ctx, event, 6)


def _feedback(ctx: DemoContext, event: Event, count: int) -> None:
    for i in range(count):
        Feedback.objects.create(
            event=event,
            enjoyed=ctx.rng.choice([2, 3, 3, 3]),
            met_people=ctx.rng.choice([1, 2, 3, 3]),
            come_again=ctx.rng.choice([2, 3, 3]),
            language=LANGS[i % len(LANGS)],
        )


def _draft(ctx: DemoContext, hub) -> None:
    """One draft with only Finnish, to show the coordinator what is missing."""
    starts_at = _at(ctx.now, 5, 1, 18)
    Event.objects.get_or_create(
        hub=hub,
        title_fi="Lautapeli-ilta (luonnos)",
        defaults={
            "kind": Kind.COMMUNITY,
            "summary_fi": "Pelataan lautapelejä ja tutustutaan.",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=3),
            "capacity": 16,
            "status": Status.DRAFT,
        },
    )


def _pop_up(ctx: DemoContext, hub) -> None:
    """Outreach in a housing company's clubroom, going on when the demo is loaded, where the
    network is unreliable: the front desk checks people in with the offline app (/offline/)."""
    local = timezone.localtime(ctx.now)
    starts_at = local.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    texts = {
        "fi": ("Neuvontaa kerhohuoneella", "Kysy asumisesta, Kelasta ja työstä omalla kielelläsi."),
        "en": ("Advice in the clubroom", "Ask about housing, Kela and work in your own language."),
        "ar": ("استشارة في غرفة النادي", "اسأل عن السكن وكيلا والعمل بلغتك."),
        "so": ("Talo-bixin qolka naadiga", "Weydii guriyeynta, Kela iyo shaqada luqaddaada."),
    }
    fields = {
        "kind": Kind.COMMUNITY,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=4),
        "capacity": 15,
        "status": Status.PUBLISHED,
        "published_at": ctx.now,
        "place": "Kerhohuone, Vuokrakotien talo B",
    }
    for code, (title, summary) in texts.items():
        fields[f"title_{code}"] = title
        fields[f"summary_{code}"] = summary
    event, created = Event.objects.get_or_create(hub=hub, title_fi=texts["fi"][0], defaults=fields)
    if not created:
        return
    for i, name in enumerate(NAMES[:6]):
        Registration.objects.create(
            event=event,
            name=name,
            party_size=2 if i == 2 else 1,
            language=LANGS[i],
            group=Group.NEWCOMER if LANGS[i] != "fi" else Group.RESIDENT,
            status=Registration.Status.CONFIRMED,
            created_at=ctx.now - timedelta(days=2),
        )
