"""Events over the years and the next two months, in several languages, with sign-ups that keep
to capacity (a waiting list that moves up when someone cancels, as ``events.services`` does),
attendance and feedback; and the advisors' shifts, hours and trainings."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from advisors.models import (
    HoursEntry,
    Shift,
    ShiftSignup,
    Training,
    TrainingCompletion,
)
from events.demo import SEASON
from events.models import Audience, Event, Feedback, Kind, Registration, Status
from kototori.models import Role

from .copy import utc
from .core import FIRST_NAMES

if TYPE_CHECKING:
    from .copy import Table
    from .core import World

DAY = 86400
AHEAD = timedelta(days=60)
VISITOR_LANGUAGE_WEIGHTS = {"fi": 30, "ar": 15, "so": 8, "ru": 8, "uk": 10, "fa": 5, "prs": 3,
                            "ckb": 3, "ti": 2, "en": 10, "sv": 6}  # fmt: skip
CONTACT_DAYS = 30  # events.services.CONTACT_RETENTION_DAYS: contacts erased after the event


def generate_events(
    world: World, *, events: int, registrations: int, tables: dict[str, Table]
) -> int:
    """Events by the ORM (their translated fields go through modeltranslation), sign-ups by COPY."""
    rng = world.rng
    tz = ZoneInfo(settings.TIME_ZONE)
    first = datetime.combine(world.start, datetime.min.time(), tz)
    span = (world.end + AHEAD - first).total_seconds()
    weights = [h.weight for h in world.hubs]
    rows, spoken, partners, organisers = [], [], [], []
    for _ in range(events):
        hub = rng.choices(world.hubs, weights)[0]
        kind, _week, _weekday, hour, hours, capacity, languages, texts = rng.choice(SEASON)
        day = (first + timedelta(seconds=rng.uniform(0, span))).date()
        starts = datetime(day.year, day.month, day.day, hour, rng.choice((0, 30)), tzinfo=tz)
        upcoming = starts > world.end
        status = rng.choices((Status.PUBLISHED, Status.CANCELLED, Status.DRAFT), (92, 4, 4))[0]
        if status == Status.DRAFT and not upcoming:
            status = Status.PUBLISHED
        if capacity is not None:
            capacity = max(5, round(capacity * rng.uniform(0.6, 1.6)))
        published = starts - timedelta(days=rng.randint(7, 40))
        fields = {
            "hub": hub.hub,
            "kind": kind,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=hours),
            "capacity": capacity,
            "audience": Audience.PROFESSIONALS
            if kind == Kind.LEARNING_CAFE
            else (Audience.ADVISORS if rng.random() < 0.03 else Audience.EVERYONE),
            "registration_required": capacity is not None,
            "status": status,
            "published_at": None if status == Status.DRAFT else published,
            "cancelled_at": published + timedelta(days=3) if status == Status.CANCELLED else None,
        }
        for code, (title, summary) in texts.items():
            fields[f"title_{code}"] = title
            fields[f"summary_{code}"] = summary
        if capacity is None and not upcoming and status == Status.PUBLISHED:
            fields["head_count_newcomers"] = rng.randint(5, 40)
            fields["head_count_residents"] = rng.randint(3, 30)
        rows.append(Event(**fields))
        spoken.append([world.languages[c] for c in languages if c in world.languages])
        partners.append([p for p, _services in rng.sample(hub.partners, min(2, len(hub.partners)))])
        organisers.append(hub.staff[Role.COORDINATOR][:1])
    created = Event.objects.bulk_create(rows, batch_size=1000)
    for through, attr, values in (
        (Event.languages.through, "language_id", spoken),
        (Event.partners.through, "partnerorganisation_id", partners),
        (Event.organisers.through, "user_id", organisers),
    ):
        through.objects.bulk_create(
            (
                through(event_id=e.pk, **{attr: v})
                for e, vs in zip(created, values, strict=True)
                for v in vs
            ),
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        # Created and last edited before they were published, not at load time.
        cursor.execute(
            "UPDATE events_event SET created_at = COALESCE(published_at, starts_at) - interval '2 days',"
            " updated_at = COALESCE(cancelled_at, published_at, starts_at - interval '2 days')"
        )
    _registrations(world, created, registrations, tables)
    return len(created)


def _registrations(world: World, events: list[Event], total: int, tables: dict[str, Table]) -> None:
    rng = world.rng
    now = world.end
    open_events = [
        e
        for e in events
        if e.registration_required and e.status != Status.DRAFT and e.published_at < now
    ]
    demand = [e.capacity * rng.uniform(0.3, 1.5) for e in open_events]
    scale = total / (sum(demand) or 1)
    codes, weights = zip(*VISITOR_LANGUAGE_WEIGHTS.items(), strict=True)
    table, feedback = tables["registration"], tables["feedback"]
    for event, wanted in zip(open_events, demand, strict=True):
        window_end = min(event.starts_at, now, event.cancelled_at or event.starts_at)
        window = max((window_end - event.published_at).total_seconds(), 60)
        signups = sorted(
            event.published_at + timedelta(seconds=rng.uniform(0, window))
            for _ in range(max(1, round(wanted * scale)))
        )
        people = []  # [status, party, created, promoted, cancelled]
        for at in signups:
            party = rng.choices((1, 2, 3, 4), (80, 14, 4, 2))[0]
            taken = sum(p[1] for p in people if p[0] == "confirmed")
            status = "confirmed" if taken + party <= event.capacity else "waiting"
            people.append([status, party, at, None, None])
            if rng.random() < 0.08:  # cancels later, before the event
                cancel_at = at + (window_end - at) * rng.random()
                person = people[-1]
                person[0], person[4] = "cancelled", cancel_at
                left = event.capacity - sum(p[1] for p in people if p[0] == "confirmed")
                for waiting in people:  # first come first served; a big party may be skipped
                    if waiting[0] == "waiting" and waiting[1] <= left:
                        waiting[0], waiting[3] = "confirmed", cancel_at
                        left -= waiting[1]
        past = event.ends_at < now
        erased = event.ends_at < now - timedelta(days=CONTACT_DAYS)
        came = 0
        for status, party, at, promoted, cancelled in people:
            language = rng.choices(codes, weights)[0]
            contact = rng.random()
            email = (
                f"r{rng.getrandbits(40):x}@example.invalid" if contact < 0.4 and not erased else ""
            )
            phone = f"050 {rng.randrange(10**7):07d}" if 0.4 <= contact < 0.8 and not erased else ""
            attendance, checked_in = "unknown", None
            if past and status == "confirmed" and event.status == Status.PUBLISHED:
                attendance = "came" if rng.random() < 0.85 else "no_show"
                if attendance == "came":
                    checked_in = utc(event.starts_at.timestamp() + rng.randrange(-600, 1200))
                    came += party
            table.add(
                event.pk,
                f"{rng.choice(FIRST_NAMES)} {chr(65 + rng.randrange(26))}.",
                party,
                phone,
                email,
                language,
                bool(email or phone) and rng.random() < 0.5,
                "resident"
                if language in ("fi", "sv")
                else rng.choice(("newcomer", "newcomer", "unknown")),
                status,
                attendance,
                False,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                utc(at.timestamp()),
                utc(promoted.timestamp()) if promoted else None,
                utc(cancelled.timestamp()) if cancelled else None,
                checked_in,
            )
        for _ in range(round(came * 0.3) if past else 0):
            feedback.add(
                event.pk,
                rng.choice((2, 3, 3, 3)),
                rng.choice((1, 2, 3, 3)),
                rng.choice((2, 3, 3)),
                rng.choices(codes, weights)[0],
                uuid.UUID(int=rng.getrandbits(128), version=4),
                utc(event.ends_at.timestamp() + rng.randrange(600, 3 * DAY)),
            )


def generate_volunteering(world: World) -> int:
    """Shifts of the last year and the next month with advisors signed up (within capacity),
    hours logged by hand, and trainings completed."""
    rng = world.rng
    tz = ZoneInfo(settings.TIME_ZONE)
    trainings = list(Training.objects.values_list("pk", flat=True))
    day = (world.end - timedelta(days=365)).astimezone(tz).date()
    last = (world.end + timedelta(days=30)).astimezone(tz).date()
    shifts, signups = [], []
    while day <= last:
        for hub in world.hubs:
            hours = hub.opening(day)
            if not hours or not hub.advisors:
                continue
            starts = datetime(day.year, day.month, day.day, hours[0], tzinfo=tz)
            shift = Shift(
                hub=hub.hub,
                starts_at=starts,
                ends_at=starts + timedelta(hours=3),
                title="Front desk help",
                capacity=2,
                created_by_id=hub.staff[Role.COORDINATOR][0],
            )
            shifts.append(shift)
            signups.append(
                (shift, rng.sample(sorted(hub.advisors), min(len(hub.advisors), rng.randint(0, 2))))
            )
        day += timedelta(days=1)
    Shift.objects.bulk_create(shifts, batch_size=2000)
    ShiftSignup.objects.bulk_create(
        (
            ShiftSignup(shift=s, user_id=u, created_at=s.starts_at - timedelta(days=7))
            for s, users in signups
            for u in users
        ),
        batch_size=5000,
    )
    hours, completions = [], []
    for hub in world.hubs:
        for user in hub.advisors:
            for month in range(12):
                on = (world.end - timedelta(days=30 * month + rng.randrange(28))).date()
                hours.append(
                    HoursEntry(
                        user_id=user,
                        hub=hub.hub,
                        on=on,
                        hours=Decimal(rng.choice(("1.0", "2.0", "2.5"))),
                        description="Phone help",
                    )
                )
            for training in rng.sample(trainings, min(len(trainings), rng.randint(1, 4))):
                on = world.start + timedelta(
                    days=rng.randrange(max((world.end.date() - world.start).days, 1))
                )
                completions.append(
                    TrainingCompletion(user_id=user, training_id=training, completed_on=on)
                )
    HoursEntry.objects.bulk_create(hours, batch_size=5000)
    TrainingCompletion.objects.bulk_create(completions, batch_size=5000, ignore_conflicts=True)
    return len(shifts)


EVENT_TABLES = {
    "registration": (
        Registration,
        ["event", "name", "party_size", "phone", "email", "language", "remind", "group", "status",
         "attendance", "walk_in", "token", "created_at", "promoted_at", "cancelled_at", "checked_in_at"],
    ),
    "feedback": (Feedback, ["event", "enjoyed", "met_people", "come_again", "language", "token", "created_at"]),
}  # fmt: skip
