"""Demo data of the front desk: a few months of visits in both hubs, with queue tickets and their
waiting times, some consented visitors, referrals, cases and outreach sessions.

Idempotent: the visits carry ``demo-`` idempotency keys; when they exist, nothing is added.
Volume goes through ``bulk_create``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from kototori.models import PartnerService

from .models import (
    Case,
    CaseNote,
    Consent,
    DataRequest,
    OutreachSession,
    OutreachTopicCount,
    QueueEntry,
    Referral,
    Visit,
    VisitChannel,
    Visitor,
    VisitOutcome,
)

if TYPE_CHECKING:
    from kototori.management.commands.demo import DemoContext

DAYS = 100

TOPIC_WEIGHTS = {
    "housing": 14,
    "residence_permit": 12,
    "social_insurance": 13,
    "employment": 11,
    "education": 8,
    "health": 6,
    "citizenship": 4,
    "legal_aid": 3,
    "income_support": 7,
    "family_reunification": 4,
    "mental_health": 3,
    "daily_life": 9,
    "child_welfare": 1,
    "safety": 1,
    "other": 3,
}
LANGUAGE_WEIGHTS = {
    "hervanta": {
        "fi": 20,
        "ar": 18,
        "so": 10,
        "ru": 8,
        "uk": 10,
        "fa": 6,
        "prs": 5,
        "ckb": 4,
        "ti": 3,
        "en": 8,
    },
    "kontula": {"fi": 25, "ar": 10, "so": 18, "ru": 12, "et": 8, "en": 10, "sv": 3},
}
CHANNELS = [
    (VisitChannel.WALK_IN, 70),
    (VisitChannel.PHONE, 18),
    (VisitChannel.OUTREACH, 4),
    (VisitChannel.PARTNER_SESSION, 8),
]
OUTCOMES = [
    (VisitOutcome.ADVICE, 72),
    (VisitOutcome.REFERRED, 16),
    (VisitOutcome.CASE, 6),
    (VisitOutcome.LEFT, 6),
]
FIRST_NAMES = [
    "Amal", "Hodan", "Olena", "Reza", "Sara", "Ahmad", "Maryam", "Yusuf", "Iryna", "Dawit",
    "Leyla", "Omar", "Nadia", "Hamid", "Tatiana", "Abdi", "Fatuma", "Karwan", "Mehret", "Ali",
]  # fmt: skip
MUNICIPALITIES = {"hervanta": "Tampere", "kontula": "Helsinki"}
OUTREACH_PLACES = {
    "hervanta": ["VTS-kodit, Hervannan kerhohuone", "Hervannan kirjasto", "Kela, Hervanta"],
    "kontula": ["Helsingin asunnot, Kontulan kerhotila", "Kontulan ostari", "Kontulan kirjasto"],
}


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def seed(ctx: DemoContext) -> None:
    if Visit.objects.filter(idempotency_key__startswith="demo-").exists():
        return
    rng = ctx.rng
    topics = {t.key: t for t in ctx.topics}
    topic_pairs = [(topics[k], w) for k, w in TOPIC_WEIGHTS.items() if k in topics]
    today = timezone.localdate()
    for slug, hub in ctx.hubs.items():
        desk = ctx.users["frontdesk"] if slug == "hervanta" else ctx.users["frontdesk_kontula"]
        language_pairs = [
            (ctx.languages[code], w)
            for code, w in LANGUAGE_WEIGHTS[slug].items()
            if code in ctx.languages
        ]
        visits: list[Visit] = []
        tickets: list[QueueEntry] = []
        visit_topics: list[list] = []
        for offset in range(DAYS, -1, -1):
            day = today - timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            count = rng.randint(12, 30) if slug == "hervanta" else rng.randint(8, 22)
            if offset == 0:
                count = min(count, 6)
            moments = sorted(
                timezone.make_aware(
                    datetime.combine(day, time(10)) + timedelta(minutes=rng.randint(0, 359))
                )
                for _ in range(count)
            )
            number = 0
            for i, at in enumerate(moments):
                if offset == 0 and at > timezone.now():
                    at = timezone.now() - timedelta(minutes=count - i)
                channel = _weighted(rng, CHANNELS)
                outcome = _weighted(rng, OUTCOMES)
                if channel != VisitChannel.WALK_IN and outcome == VisitOutcome.LEFT:
                    outcome = VisitOutcome.ADVICE
                language = _weighted(rng, language_pairs)
                chosen = {
                    _weighted(rng, topic_pairs) for _ in range(rng.choice([1, 1, 1, 2, 2, 3]))
                }
                visit = Visit(
                    hub=hub,
                    visited_at=at,
                    day=day,
                    channel=channel,
                    language=language,
                    language_help=language.code not in ("fi", "sv", "en") and rng.random() < 0.4,
                    outcome=outcome,
                    served_by=None if outcome == VisitOutcome.LEFT else desk,
                    created_by=desk,
                    created_at=at,
                    idempotency_key=f"demo-{slug}-{day.isoformat()}-{i}",
                )
                visits.append(visit)
                visit_topics.append(sorted(chosen, key=lambda t: t.pk))
                if channel == VisitChannel.WALK_IN:
                    number += 1
                    waited = timedelta(minutes=rng.choice([1, 2, 3, 5, 8, 12, 15, 20, 25, 35]))
                    called = at + waited
                    left = outcome == VisitOutcome.LEFT
                    waiting_now = offset == 0 and i >= len(moments) - 2
                    tickets.append(
                        QueueEntry(
                            hub=hub,
                            day=day,
                            number=number,
                            status=QueueEntry.Status.WAITING
                            if waiting_now
                            else (QueueEntry.Status.LEFT if left else QueueEntry.Status.DONE),
                            source=QueueEntry.Source.KIOSK
                            if rng.random() < 0.35
                            else QueueEntry.Source.DESK,
                            language=language,
                            created_at=at,
                            called_at=None if (left or waiting_now) else called,
                            served_at=None if (left or waiting_now) else called,
                            done_at=None
                            if (left or waiting_now)
                            else called + timedelta(minutes=rng.randint(5, 30)),
                            left_at=at + waited if left and not waiting_now else None,
                            served_by=None if (left or waiting_now) else desk,
                            idempotency_key=f"demo-{slug}-{day.isoformat()}-{i}",
                        )
                    )
                    tickets[-1]._visit_index = len(visits) - 1  # type: ignore[attr-defined]
        Visit.objects.bulk_create(visits, batch_size=1000)
        Through = Visit.topics.through
        Through.objects.bulk_create(
            [
                Through(visit_id=visit.pk, topic_id=topic.pk)
                for visit, chosen in zip(visits, visit_topics, strict=True)
                for topic in chosen
            ],
            batch_size=2000,
        )
        for ticket in tickets:
            visit = visits[ticket._visit_index]  # type: ignore[attr-defined]
            if ticket.status != QueueEntry.Status.WAITING:
                ticket.visit_id = visit.pk
        QueueEntry.objects.bulk_create(tickets, batch_size=1000)
        _seed_people(ctx, slug, hub, desk, visits, visit_topics, rng)
        _seed_data_requests(hub, ctx.users["manager"])


def _seed_people(ctx, slug, hub, desk, visits, visit_topics, rng) -> None:
    """Consented visitors, referrals for referred visits, cases, outreach."""
    now = timezone.now()
    visitors = []
    for i in range(15):
        language = visits[i * 7].language
        visitor = Visitor(
            hub=hub,
            first_name=FIRST_NAMES[(i + (3 if slug == "kontula" else 0)) % len(FIRST_NAMES)],
            phone=f"+358 40 {rng.randint(1000000, 9999999)}",
            message_language=language.code
            if language
            and language.code in dict(Visitor._meta.get_field("message_language").choices)
            else "fi",
            birth_year=rng.randint(1960, 2004) if rng.random() < 0.7 else None,
            gender=rng.choice(["woman", "man", "woman", ""]),
            residence_status=rng.choice(["permanent", "temporary", "protection", "citizen", ""]),
            arrival_year=rng.randint(2010, now.year) if rng.random() < 0.6 else None,
            municipality=MUNICIPALITIES[slug],
            created_by=desk,
            created_at=visits[i * 7].visited_at,
        )
        visitor.phone_digits = "".join(ch for ch in visitor.phone if ch.isdigit())
        visitors.append(visitor)
    Visitor.objects.bulk_create(visitors)
    consents = []
    for index, visitor in enumerate(visitors):
        visitor.languages.set([visits[index * 7].language])
        scopes = ["record", "reminders"] + (["reporting"] if index % 2 else [])
        consents += [
            Consent(
                visitor=visitor,
                scope=scope,
                given_at=visitor.created_at,
                recorded_by=desk,
                language=visitor.message_language,
            )
            for scope in scopes
        ]
        for j in range(rng.randint(1, 4)):
            visit = visits[index * 7 + j * 3]
            visit.visitor = visitor
    Consent.objects.bulk_create(consents)
    Visit.objects.bulk_update([v for v in visits if v.visitor_id], ["visitor"])

    services = list(
        PartnerService.objects.filter(partner__hubs_served=hub).select_related("partner")
    )
    referrals = []
    referral_topics = []
    for visit, chosen in zip(visits, visit_topics, strict=True):
        if visit.outcome != VisitOutcome.REFERRED or not services:
            continue
        service = rng.choice(services)
        age = now - visit.visited_at
        if age > timedelta(days=30):
            status = _weighted(
                rng, [("completed", 70), ("no_show", 15), ("accepted", 10), ("sent", 5)]
            )
        elif age > timedelta(days=7):
            status = _weighted(
                rng, [("completed", 35), ("accepted", 40), ("sent", 20), ("no_show", 5)]
            )
        else:
            status = _weighted(rng, [("sent", 70), ("accepted", 30)])
        accepted = visit.visited_at + timedelta(days=rng.randint(1, 4))
        closed = accepted + timedelta(days=rng.randint(2, 20))
        referrals.append(
            Referral(
                hub=hub,
                partner=service.partner,
                service=service,
                visit=visit,
                visitor=visit.visitor,
                language=visit.language,
                status=status,
                partner_feedback="Asia hoidettu." if status == "completed" else "",
                created_by=desk,
                created_at=visit.visited_at,
                accepted_at=accepted if status in ("accepted", "completed") else None,
                closed_at=min(closed, now) if status in ("completed", "no_show") else None,
            )
        )
        referral_topics.append(chosen)
    Referral.objects.bulk_create(referrals)
    RT = Referral.topics.through
    RT.objects.bulk_create(
        [
            RT(referral_id=r.pk, topic_id=t.pk)
            for r, chosen in zip(referrals, referral_topics, strict=True)
            for t in chosen
        ]
    )

    # A few cases opened from recent visits: they wait in the pool for the advisors.
    recent_case_visits = [
        (v, c) for v, c in zip(visits, visit_topics, strict=True) if v.outcome == VisitOutcome.CASE
    ][-6:]
    for visit, chosen in recent_case_visits:
        case = Case.objects.create(
            hub=hub,
            summary="Tarvitsee apua hakemuksen täyttämisessä",
            urgency=rng.choice(["low", "normal", "normal", "high"]),
            opened_by=desk,
            created_at=visit.visited_at,
            last_activity_at=visit.visited_at,
            visit=visit,
            visitor=visit.visitor,
            next_follow_up=timezone.localdate() + timedelta(days=rng.randint(1, 10)),
        )
        case.topics.set(chosen)
        if visit.language:
            case.languages.set([visit.language])
        CaseNote.objects.create(
            case=case, author=desk, kind=CaseNote.Kind.OPENED, created_at=visit.visited_at
        )

    key_topics = [
        t
        for t in ctx.topics
        if t.key in ("housing", "employment", "social_insurance", "daily_life")
    ]
    for week in range(1, 13, 2):
        session = OutreachSession.objects.create(
            hub=hub,
            place_kind=OutreachSession.Place.HOUSING
            if week % 4 == 1
            else OutreachSession.Place.PARTNER,
            place=OUTREACH_PLACES[slug][week % len(OUTREACH_PLACES[slug])],
            date=timezone.localdate() - timedelta(weeks=week),
            head_count=0,
            created_by=desk,
        )
        session.staff.set([desk, ctx.users["advisor"]])
        counts = [
            OutreachTopicCount(session=session, topic=t, count=rng.randint(0, 6))
            for t in key_topics
        ]
        counts = [c for c in counts if c.count]
        OutreachTopicCount.objects.bulk_create(counts)
        session.head_count = sum(c.count for c in counts) or 1
        session.save(update_fields=["head_count"])


def _seed_data_requests(hub, manager) -> None:
    """Three requests through the public "my data" form: one new, one due in a few days, and one
    answered, so that the queue shows each state."""
    now = timezone.now()
    answered = DataRequest.objects.create(
        hub=hub,
        kind=DataRequest.Kind.COPY,
        name="Amina",
        phone="040 555 0101",
        language="so",
        created_at=now - timedelta(days=20),
    )
    answered.status, answered.handled_by, answered.handled_at = (
        DataRequest.Status.DONE,
        manager,
        now - timedelta(days=15),
    )
    answered.staff_note = "Kopio annettu vastaanotossa henkilöllisyyden tarkistamisen jälkeen."
    answered.save()
    DataRequest.objects.create(
        hub=hub,
        kind=DataRequest.Kind.ACCESS_LOG,
        name="Oleh",
        email="oleh@example.org",
        language="uk",
        message="Хто переглядав мої дані?",
        created_at=now - timedelta(days=26),
    )
    DataRequest.objects.create(
        hub=hub,
        kind=DataRequest.Kind.ERASE,
        name="Sara",
        phone="+358 40 555 0199",
        language="ar",
        created_at=now - timedelta(hours=3),
    )
