"""The front desk's years: consented visitors, visits inside opening hours with their topics, the
queue tickets they came through, the cases and referrals that followed, and the access log.

Everything is generated day by day and hub by hub, in time order, so the rules hold by
construction: a ticket is numbered in order of arrival, arrived ≤ called ≤ served ≤ done, a visit
falls inside its hub's opening hours, a visitor's visits are at their own hub and after they were
recorded, a case is claimed by an active advisor of its hub who speaks its language, and a referral
goes to a partner that serves the hub. The data is a snapshot after the retention jobs ran: no
visitor record inactive past 24 months, no free text on cases closed or visits older than 12 months,
no access-log row older than 24 months.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings

from kototori.models import AccessLog, Role
from visits.models import (
    CONSENT_TEXT_VERSION,
    Case,
    CaseNote,
    Consent,
    QueueEntry,
    Referral,
    Visit,
    Visitor,
)

from .copy import NULL, Table, reserve_ids, utc
from .core import FIRST_NAMES

if TYPE_CHECKING:
    from .core import HubWorld, World

DAY = 86400
MONTH = 31 * DAY
WEEKDAY_FACTOR = (1.2, 1.1, 1.0, 1.0, 0.8, 0.6, 0.0)
MONTH_FACTOR = (1.0, 1.1, 1.1, 1.0, 1.0, 0.8, 0.5, 0.8, 1.1, 1.1, 1.0, 0.8)
CASE_NOTES = [
    "Called the visitor; documents to bring next time.",
    "Helped to fill in the application online.",
    "Booked a time at the service together.",
    "Visitor came by; waiting for the decision.",
    "Checked the letter together and explained it.",
]
VISIT_NOTES = ["Came back with the letter", "Needs an interpreter next time", "Form printed"]
UI_LANGUAGES = {code for code, _name in settings.LANGUAGES}


@dataclass
class Followup:
    """A visit whose outcome needs a row elsewhere (a case or a referral)."""

    visit: int
    hub: HubWorld
    at: int
    language: int | None
    topics: list[int]
    visitor: int | None
    by: int


@dataclass
class VisitorPlan:
    pk: int
    hub: HubWorld
    days: list[int]  # indexes into the hub's opening days
    first_at: int = 0
    first_by: int = 0
    first_language: int | None = None


@dataclass
class Outcome:
    visits: int = 0
    queue: int = 0
    visitors: list[VisitorPlan] = field(default_factory=list)
    cases: list[Followup] = field(default_factory=list)
    referrals: list[Followup] = field(default_factory=list)


def _opening_days(world: World, hub: HubWorld, tz: ZoneInfo) -> list[tuple[date, int, int, int]]:
    """(day, local midnight as UNIX time, opening second, closing second) of every open day."""
    days = []
    day, last = world.start, world.end.astimezone(tz).date()
    now = world.end.timestamp()
    while day <= last:
        hours = hub.opening(day)
        if hours:
            midnight = int(datetime(day.year, day.month, day.day, tzinfo=tz).timestamp())
            close = min(hours[1] * 3600, int(now) - midnight)
            if close - hours[0] * 3600 > 1800:
                days.append((day, midnight, hours[0] * 3600, close))
        day += timedelta(days=1)
    return days


def _daily_counts(world: World, days: dict[int, list], total: int) -> dict[int, list[int]]:
    """Visits per open day per hub, adding up to exactly ``total``: busier hubs, Mondays and
    autumns, quieter Julys, and a network that grows over the years."""
    rng = world.rng
    span = max((world.end.date() - world.start).days, 1)
    expected = []
    for hub in world.hubs:
        for day, _midnight, opens, closes in days[hub.index]:
            growth = 0.8 + 0.4 * (day - world.start).days / span
            hours = (closes - opens) / 3600
            expected.append(
                hub.weight
                * WEEKDAY_FACTOR[day.weekday()]
                * MONTH_FACTOR[day.month - 1]
                * growth
                * hours
                * rng.uniform(0.8, 1.2)
            )
    scale = total / (sum(expected) or 1)
    counts: dict[int, list[int]] = {}
    running, given, i = 0.0, 0, 0
    for hub in world.hubs:
        counts[hub.index] = []
        for _ in days[hub.index]:
            running += expected[i] * scale
            n = round(running) - given
            counts[hub.index].append(n)
            given += n
            i += 1
    return counts


def _visitor_plans(
    world: World, days: dict[int, list], count: int, first_pk: int
) -> list[VisitorPlan]:
    """Who comes back when: each visitor's visits fall in a window of their own hub's open days,
    and the last one is recent enough that retention has kept the record."""
    rng = world.rng
    cutoff = (world.end - timedelta(days=23 * 31)).date()
    weights = [h.weight for h in world.hubs]
    plans = []
    for n in range(count):
        hub = rng.choices(world.hubs, weights)[0]
        open_days = days[hub.index]
        if not open_days:
            continue
        last_index = len(open_days) - 1
        recent = bisect_left([d[0] for d in open_days], cutoff)
        visits = rng.choices((1, 2, 3, 4, 5, 7, 10, 15), (25, 20, 15, 12, 10, 8, 6, 4))[0]
        for _attempt in range(20):
            first = rng.randrange(len(open_days))
            last = min(last_index, first + rng.randrange(1, 400))  # "now" may cut the window
            if last >= recent:
                break
        else:
            first, last = rng.randint(recent, last_index), last_index
        chosen = {first} | {rng.randint(first, last) for _ in range(visits - 1)}
        if max(chosen) < recent:
            chosen.add(rng.randint(recent, last))
        plans.append(VisitorPlan(pk=first_pk + n, hub=hub, days=sorted(chosen)))
    return plans


def generate_visits(
    world: World, *, visits: int, visitors: int, cases: int, tables: dict[str, Table]
) -> Outcome:
    """Write visitors, visits, their topics and queue tickets; return what later steps need."""
    rng = world.rng
    tz = ZoneInfo(settings.TIME_ZONE)
    days = {hub.index: _opening_days(world, hub, tz) for hub in world.hubs}
    counts = _daily_counts(world, days, visits)
    first_visitor = reserve_ids(Visitor, visitors)
    plans = _visitor_plans(world, days, visitors, first_visitor)
    scheduled: dict[tuple[int, int], list[VisitorPlan]] = {}
    for plan in plans:
        for index in plan.days:
            scheduled.setdefault((plan.hub.index, index), []).append(plan)
    # A day with more returning visitors than visits gets them all; later days make up for it.
    carry = 0
    for h, per_day in counts.items():
        for i, n in enumerate(per_day):
            planned = len(scheduled.get((h, i), ()))
            per_day[i] = max(n - carry, planned)
            carry += per_day[i] - n
    total = sum(sum(per_day) for per_day in counts.values())
    identified = sum(len(p.days) for p in plans) or 1
    p_case = min(cases / identified, 0.6)
    visit_id = reserve_ids(Visit, total)
    queue_id = reserve_ids(QueueEntry, total)
    out = Outcome(visitors=plans)
    now = int(world.end.timestamp())
    text_cutoff = now - 12 * MONTH
    visit_rows, topic_rows = tables["visit"], tables["visit_topic"]
    queue_rows, queue_topic_rows = tables["queue"], tables["queue_topic"]
    for hub in world.hubs:
        desk = hub.desk_users
        for index, (day, midnight, opens, closes) in enumerate(days[hub.index]):
            planned = scheduled.get((hub.index, index), [])
            n = counts[hub.index][index]
            day_text = day.isoformat()
            tickets = []
            for j in range(n):
                plan = planned[j] if j < len(planned) else None
                at = midnight + rng.randrange(opens, max(closes - 1500, opens + 1))
                channel = rng.choices(("walk_in", "phone", "outreach", "partner"), (70, 18, 5, 7))[
                    0
                ]
                if plan is not None and rng.random() < p_case:
                    outcome = "case"
                elif rng.random() < 0.09:
                    outcome = "referred"
                elif channel == "walk_in" and rng.random() < 0.05:
                    outcome = "left"
                else:
                    outcome = "advice"
                language = hub.language(rng) if rng.random() > 0.05 else None
                help_needed = (
                    language is not None and language != world.finnish and rng.random() < 0.35
                )
                by = rng.choice(desk)
                topics = world.topics_for_visit()
                pk = visit_id
                visit_id += 1
                logged = at + 60
                if channel == "walk_in" and rng.random() < 0.8:
                    waited = rng.randrange(0, min(45 * 60, at - midnight - opens) + 1)
                    arrived = at - waited
                    open_ticket = arrived > now - 20 * 60 and outcome != "left"
                    tickets.append((arrived, at, pk, outcome, language, by, topics, open_ticket))
                    if open_ticket:
                        continue  # still in the queue: no visit yet
                    if outcome != "left":
                        logged = at + rng.randrange(300, 1500)
                visitor = NULL
                if plan is not None:
                    visitor = str(plan.pk)
                    if not plan.first_at:
                        plan.first_at, plan.first_by, plan.first_language = at, by, language
                note = rng.choice(VISIT_NOTES) if at > text_cutoff and rng.random() < 0.04 else ""
                visit_rows.add_raw(
                    f"{pk}\t{hub.hub.pk}\t{utc(at)}\t{day_text}\t{channel}\t"
                    f"{language if language else NULL}\t{'t' if help_needed else 'f'}\t{outcome}\t"
                    f"{by}\t{note}\t{visitor}\t{by}\t{utc(min(logged, now))}"
                )
                for topic in topics:
                    topic_rows.add_raw(f"{pk}\t{topic}")
                out.visits += 1
                if outcome in ("case", "referred"):
                    followup = Followup(pk, hub, at, language, topics, plan and plan.pk, by)
                    (out.cases if outcome == "case" else out.referrals).append(followup)
            tickets.sort()
            for number, (arrived, at, pk, outcome, language, by, topics, is_open) in enumerate(
                tickets, start=1
            ):
                kiosk = rng.random() < 0.3
                called = at - min(at - arrived, rng.randrange(30, 120))
                if outcome == "left":
                    status, times, visit = "left", (NULL, NULL, NULL, utc(at)), str(pk)
                elif is_open:
                    status = "waiting" if arrived > now - 8 * 60 else "serving"
                    served = (utc(called), utc(at), NULL, NULL) if status == "serving" else None
                    times, visit = served or (NULL, NULL, NULL, NULL), NULL
                else:
                    done = min(at + rng.randrange(300, 1500), now)
                    status, visit = "done", str(pk)
                    times = (utc(called), utc(at), utc(done), NULL)
                name = rng.choice(FIRST_NAMES) if kiosk and is_open else ""
                queue_rows.add_raw(
                    f"{queue_id}\t{hub.hub.pk}\t{day_text}\t{number}\t{status}\t"
                    f"{'kiosk' if kiosk else 'desk'}\t{language if language else NULL}\t{name}\t"
                    f"{utc(arrived)}\t"
                    + "\t".join(times)
                    + f"\t{by if status in ('done', 'serving') else NULL}\t{visit}"
                )
                if kiosk:
                    for topic in topics:
                        queue_topic_rows.add_raw(f"{queue_id}\t{topic}")
                queue_id += 1
                out.queue += 1
    _visitors(world, plans, tables, now)
    return out


def _visitors(world: World, plans: list[VisitorPlan], tables: dict[str, Table], now: int) -> None:
    """The records, written after their visits so each is recorded at its first visit, by the
    person who served it, with the consents given then."""
    rng = world.rng
    codes = {pk: code for code, pk in world.languages.items()}
    for plan in plans:
        if not plan.first_at:  # every planned visit fell on a full day: no record either
            plan.first_at = now - rng.randrange(DAY, 30 * DAY)
            plan.first_by = rng.choice(plan.hub.desk_users)
        created = plan.first_at + 600
        spoken = codes.get(plan.first_language, "fi")
        message_language = spoken if spoken in UI_LANGUAGES else rng.choice(("fi", "en"))
        digits = f"040{rng.randrange(10**7):07d}"
        email = f"visitor{plan.pk}@example.invalid" if rng.random() < 0.3 else ""
        tables["visitor"].add(
            plan.pk,
            plan.hub.hub.pk,
            rng.choice(FIRST_NAMES),
            f"040 {digits[3:6]} {digits[6:]}",
            digits,
            email,
            message_language,
            rng.choice((None, rng.randrange(1950, 2006))),
            rng.choice(("", "woman", "man", "unsaid")),
            rng.choice(("", "permanent", "temporary", "asylum", "protection", "citizen")),
            rng.choice((None, rng.randrange(1995, 2027))),
            rng.choice(("", "Tampere", "Helsinki", "Vantaa", "Turku")),
            utc(created),
            plan.first_by,
        )
        languages = {plan.first_language} if plan.first_language else set()
        if rng.random() < 0.4:
            languages.add(plan.hub.language(rng))
        for language in languages:
            tables["visitor_language"].add_raw(f"{plan.pk}\t{language}")
        for scope, share in (("record", 1.0), ("reminders", 0.55), ("reporting", 0.6)):
            if rng.random() >= share:
                continue
            withdrawn = None
            # Consents withdrawn more than 30 days ago have been deleted by retention.
            if scope != "record" and rng.random() < 0.03 and created < now - DAY:
                withdrawn = utc(max(created + 60, now - rng.randrange(60, 30 * DAY)))
            tables["consent"].add(
                plan.pk,
                scope,
                utc(created),
                plan.first_by,
                message_language,
                CONSENT_TEXT_VERSION,
                withdrawn,
                plan.first_by if withdrawn else None,
            )


def generate_cases(world: World, followups: list[Followup], tables: dict[str, Table]) -> int:
    """A case from each visit that opened one; its fate depends on its age."""
    rng = world.rng
    now = int(world.end.timestamp())
    text_cutoff = now - 12 * MONTH
    first = reserve_ids(Case, len(followups))
    notes = tables["case_note"]
    for offset, visit in enumerate(followups):
        pk = first + offset
        hub = visit.hub
        created = min(visit.at + 600, now)
        age = (now - created) / DAY
        language = visit.language if visit.language not in (None, world.finnish) else None
        speakers = [
            u for u, spoken in hub.advisors.items() if language is None or language in spoken
        ]
        if age < 3:
            weights = (70, 30, 0, 0)
        elif age < 14:
            weights = (30, 55, 5, 10)
        elif age < 60:
            weights = (10, 35, 10, 45)
        else:
            weights = (2, 3, 5, 90)
        status = rng.choices(("open", "claimed", "escalated", "closed"), weights)[0]
        if not speakers:
            status = "open"  # nobody of the hub speaks the language: it waits in the pool
        advisor = rng.choice(speakers) if speakers else None
        claimed = escalated = closed = None
        last = created
        timeline = [("opened", created, visit.by, "")]
        if status != "open":
            claimed = min(created + rng.randrange(3600, 3 * DAY), now)
            timeline.append(("claimed", claimed, advisor, ""))
            last = claimed
            for _ in range(rng.randrange(0, 4)):
                last = min(last + rng.randrange(3600, 5 * DAY), now)
                timeline.append(("note", last, advisor, rng.choice(CASE_NOTES)))
        if status == "escalated" or (status == "closed" and rng.random() < 0.08):
            escalated = min(last + rng.randrange(3600, 2 * DAY), now)
            last = escalated
            timeline.append(("escalated", escalated, advisor, "Needs a professional"))
        if status == "claimed":
            # Claimed cases see activity at least every two weeks, or they return to the pool.
            last = max(last, now - rng.randrange(3600, 13 * DAY))
            timeline.append(("note", last, advisor, rng.choice(CASE_NOTES)))
        closer = None
        if status == "closed":
            closed = min(last + rng.randrange(DAY, 30 * DAY), now)
            last = closed
            closer = rng.choice(hub.staff[Role.PROFESSIONAL]) if escalated else advisor
            timeline.append(("closed", closed, closer, ""))
        wiped = closed is not None and closed < text_cutoff
        tables["case"].add(
            pk,
            hub.hub.pk,
            rng.choices(("low", "normal", "high"), (20, 65, 15))[0],
            "" if wiped else "Help with " + ", ".join(world.topic_keys[t] for t in visit.topics),
            status,
            visit.by,
            utc(created),
            advisor if claimed else None,
            utc(claimed) if claimed else None,
            utc(claimed) if claimed else None,
            (world.end.date() + timedelta(days=rng.randrange(1, 14)))
            if status == "claimed"
            else None,
            utc(last),
            utc(escalated) if escalated else None,
            "" if wiped or not escalated else "Beyond a volunteer's scope",
            utc(closed) if closed else None,
            closer,
            rng.choice(("resolved", "referred", "professional", "no_contact", "withdrawn"))
            if closed
            else "",
            visit.visit,
            visit.visitor,
        )
        for topic in visit.topics[: rng.randint(1, 2)]:
            tables["case_topic"].add_raw(f"{pk}\t{topic}")
        if language:
            tables["case_language"].add_raw(f"{pk}\t{language}")
        for kind, at, author, note in timeline:
            notes.add(pk, author, kind, "" if wiped else note, utc(at))
    return len(followups)


def generate_referrals(world: World, followups: list[Followup], tables: dict[str, Table]) -> int:
    rng = world.rng
    now = int(world.end.timestamp())
    for visit in followups:
        partner, services = rng.choice(visit.hub.partners)
        age = (now - visit.at) / DAY
        if age < 3:
            status = "sent"
        elif age < 30:
            status = rng.choices(("sent", "accepted", "completed", "no_show"), (30, 40, 20, 10))[0]
        else:
            status = rng.choices(("sent", "accepted", "completed", "no_show"), (10, 5, 65, 20))[0]
        accepted = closed = None
        if status != "sent":
            accepted = min(visit.at + rng.randrange(3600, 5 * DAY), now)
        if status in ("completed", "no_show"):
            closed = min(accepted + rng.randrange(DAY, 30 * DAY), now)
        tables["referral"].add(
            visit.hub.hub.pk,
            partner,
            rng.choice([*services, None]),
            visit.visit,
            visit.visitor,
            visit.language,
            "",
            status,
            "",
            f"{rng.getrandbits(72):018x}",
            visit.by,
            utc(visit.at + 300),
            utc(accepted) if accepted else None,
            utc(closed) if closed else None,
            utc(closed or accepted) if accepted and rng.random() < 0.7 else None,
        )
    return len(followups)


def generate_access_log(world: World, plans: list[VisitorPlan], count: int, table: Table) -> int:
    """Staff opening visitor records of their own hub, within the 24 months the log is kept."""
    rng = world.rng
    now = int(world.end.timestamp())
    kept_from = now - 23 * MONTH
    for _ in range(count if plans else 0):
        plan = rng.choice(plans)
        staff = plan.hub.staff
        readers = [
            (user, role)
            for role in (Role.FRONT_DESK, Role.PROFESSIONAL, Role.MANAGER)
            for user in staff[role]
        ]
        user, role = rng.choice(readers)
        since = max(plan.first_at + 600, kept_from)
        at = rng.randrange(since, now) if since < now else now
        table.add(
            utc(at),
            user,
            plan.hub.hub.pk,
            "visits.visitor",
            plan.pk,
            "visits:visitor_detail",
            "record",
            str(role),
        )
    return count if plans else 0


VISIT_TABLES = {
    "visitor": (
        Visitor,
        [
            "id", "hub", "first_name", "phone", "phone_digits", "email", "message_language",
            "birth_year", "gender", "residence_status", "arrival_year", "municipality",
            "created_at", "created_by",
        ],
    ),
    "visitor_language": (Visitor.languages.through, ["visitor", "language"]),
    "consent": (
        Consent,
        ["visitor", "scope", "given_at", "recorded_by", "language", "text_version", "withdrawn_at", "withdrawn_by"],
    ),
    "visit": (
        Visit,
        [
            "id", "hub", "visited_at", "day", "channel", "language", "language_help", "outcome",
            "served_by", "note", "visitor", "created_by", "created_at",
        ],
    ),
    "visit_topic": (Visit.topics.through, ["visit", "topic"]),
    "queue": (
        QueueEntry,
        [
            "id", "hub", "day", "number", "status", "source", "language", "first_name",
            "created_at", "called_at", "served_at", "done_at", "left_at", "served_by", "visit",
        ],
    ),
    "queue_topic": (QueueEntry.topics.through, ["queueentry", "topic"]),
    "case": (
        Case,
        [
            "id", "hub", "urgency", "summary", "status", "opened_by", "created_at", "claimed_by",
            "claimed_at", "first_claimed_at", "next_follow_up", "last_activity_at",
            "escalated_at", "escalation_reason", "closed_at", "closed_by", "outcome", "visit",
            "visitor",
        ],
    ),
    "case_topic": (Case.topics.through, ["case", "topic"]),
    "case_language": (Case.languages.through, ["case", "language"]),
    "case_note": (CaseNote, ["case", "author", "kind", "text", "created_at"]),
    "referral": (
        Referral,
        [
            "hub", "partner", "service", "visit", "visitor", "language", "note", "status",
            "partner_feedback", "link_key", "created_by", "created_at", "accepted_at",
            "closed_at", "updated_by_partner_at",
        ],
    ),
    "access_log": (
        AccessLog, ["at", "user", "hub", "subject_type", "subject_id", "view", "purpose", "roles"]
    ),
}  # fmt: skip
