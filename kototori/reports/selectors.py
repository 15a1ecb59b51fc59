"""Figures for the outcome report: one function per section, SQL aggregation only.

Each function receives the hub ids and a period and returns ``Figures``; it never loops over rows in
Python (only over the handful of groups a GROUP BY returns).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, DurationField, F, FloatField, Func, IntegerField, Q, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kototori.db import read_connection
from kototori.models import Language, PartnerOrganisation, Topic

from .builder import Figures, section, trend

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .periods import Period


def _grouped(
    qs: QuerySet, field: str, labels: dict, *, order: list | None = None
) -> list[tuple[str, str, int]]:
    counts = {row[field]: row["n"] for row in qs.values(field).annotate(n=Count("pk")).order_by()}
    keys = order if order is not None else sorted(counts, key=lambda k: -counts[k])
    return [
        (str(k), str(labels.get(k, k if k is not None else _("Not recorded"))), counts.get(k, 0))
        for k in keys
    ]


def median_minutes(qs: QuerySet, start: str, end: str) -> tuple[float | None, int]:
    """Median of ``end - start`` in whole minutes over ``qs``, and how many rows it covers.

    The database groups the durations by minute (a hash aggregate over a few hundred groups, not a
    sort of every row); the median is read off that histogram.
    """
    if read_connection().vendor == "postgresql":
        # Grouping the intervals truncated to the minute is about twice as fast as computing
        # FLOOR(EXTRACT(EPOCH …)) per row.
        minutes = Func(
            F(end) - F(start),
            template="date_trunc('minute', %(expressions)s)",
            output_field=DurationField(),
        )
    else:  # SQLite stores datetimes as text: the embedded run only
        days = Func(F(end), function="julianday", output_field=FloatField()) - Func(
            F(start), function="julianday", output_field=FloatField()
        )
        minutes = Cast(days * 1440, IntegerField())
    histogram = list(
        qs.filter(**{f"{start}__isnull": False, f"{end}__isnull": False})
        .annotate(minutes=minutes)
        .values_list("minutes")
        .annotate(n=Count("pk"))
        .order_by("minutes")
    )
    histogram = [
        (int(m.total_seconds() // 60) if hasattr(m, "total_seconds") else m, count)
        for m, count in histogram
    ]
    n = sum(count for _minutes, count in histogram)
    if not n:
        return None, 0
    middle = (n - 1) / 2
    seen = 0
    low = high = None
    for value, count in histogram:
        if low is None and seen + count > int(middle):
            low = value
        if seen + count > int(middle + 0.5):
            high = value
            break
        seen += count
    return (low + high) / 2, n


def _median_figure(key: str, title: str, label: str, qs: QuerySet, start: str, end: str) -> Figures:
    value, n = median_minutes(qs, start, end)
    # A median of fewer than five people could describe one person: not published.
    shown = round(value, 1) if value is not None and n >= 5 else None
    return Figures(
        key=key,
        title=title,
        values=[("median", label, shown)],
        counts_people=False,
        unit="min",
        chart="none",
    )


def _breakdowns(qs: QuerySet, fields: dict[str, list]) -> dict[str, dict]:
    """Counts per value of several fields in ONE scan of the table (conditional aggregates), instead
    of one GROUP BY query per field."""
    aggregates = {}
    for field, values in fields.items():
        for i, value in enumerate(values):
            condition = Q(**{f"{field}__isnull": True}) if value is None else Q(**{field: value})
            aggregates[f"{field}__{i}"] = Count("pk", filter=condition)
    row = qs.aggregate(**aggregates)
    return {
        field: {value: row[f"{field}__{i}"] for i, value in enumerate(values)}
        for field, values in fields.items()
    }


def _topic_counts(hub_ids: list[int], period: Period) -> dict[int, int]:
    from visits.models import Visit

    query = (
        Visit.topics.through.objects.filter(
            visit__hub_id__in=hub_ids, visit__day__gte=period.start, visit__day__lte=period.end
        )
        .values_list("topic_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    connection = read_connection()  # the replica while a report is built, if there is one
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return dict(query)
    with connection.cursor() as cursor:
        # Measured on a year of 1,000,000 visits: a merge join over the two primary-key-ordered
        # indexes takes about half the time of the hash join the planner picks. Only for this query.
        cursor.execute("SET LOCAL enable_hashjoin = off")
        try:
            return dict(query)
        finally:
            cursor.execute("SET LOCAL enable_hashjoin = on")


@section("visits", gettext_lazy("Visits"), order=10)
def visits_section(hub_ids: list[int], period: Period) -> list[Figures]:
    from visits.models import QueueEntry, Visit, VisitChannel, Visitor, VisitOutcome

    visits = Visit.objects.filter(hub_id__in=hub_ids, day__gte=period.start, day__lte=period.end)
    languages = {lang.pk: lang.name for lang in Language.objects.all()}
    counts = _breakdowns(
        visits,
        {
            "channel": list(VisitChannel.values),
            "outcome": list(VisitOutcome.values),
            "language_id": [*languages, None],
            "visitor": [None],
            "language_help": [True],
        },
    )
    total = sum(counts["channel"].values())  # every visit has exactly one channel
    # Only visits with a visitor record can count towards unique visitors: a small, indexed set.
    unique = visits.filter(visitor__isnull=False).aggregate(n=Count("visitor", distinct=True))["n"]
    anonymous = counts["visitor"][None]
    new_visitors = Visitor.objects.filter(
        hub_id__in=hub_ids, created_at__gte=period.start_dt, created_at__lt=period.end_dt
    ).count()
    topic_counts = _topic_counts(hub_ids, period)
    topics = Topic.objects.filter(pk__in=topic_counts)
    language_rows = sorted(
        (
            (str(pk), str(languages.get(pk) or _("Not recorded")), n)
            for pk, n in counts["language_id"].items()
            if n
        ),
        key=lambda r: -r[2],
    )
    queue = QueueEntry.objects.filter(
        hub_id__in=hub_ids, day__gte=period.start, day__lte=period.end
    )
    return [
        Figures(
            key="visits_overview",
            title=_("Visits and visitors"),
            values=[
                ("anonymous", _("Anonymous visits"), anonymous),
                ("identified", _("Visits of a registered visitor"), total - anonymous),
            ],
            total=total,
            total_label=_("All visits"),
            additive=True,
        ),
        Figures(
            key="visitors",
            title=_("Registered visitors"),
            values=[
                ("unique", _("Different registered visitors who visited"), unique),
                ("new", _("New visitors registered"), new_visitors),
                (
                    "language_help",
                    _("Visits that needed language help"),
                    counts["language_help"][True],
                ),
            ],
        ),
        Figures(
            key="visit_channels",
            title=_("Visits by channel"),
            values=[(k, str(label), counts["channel"][k]) for k, label in VisitChannel.choices],
            total=total,
            total_label=_("All visits"),
            additive=True,
        ),
        Figures(
            key="visit_outcomes",
            title=_("Outcomes of visits"),
            values=[(k, str(label), counts["outcome"][k]) for k, label in VisitOutcome.choices],
            total=total,
            total_label=_("All visits"),
            additive=True,
        ),
        Figures(
            key="visit_topics",
            title=_("Topics (a visit may have several)"),
            values=sorted(
                ((t.key, t.name, topic_counts[t.pk]) for t in topics), key=lambda r: -r[2]
            ),
        ),
        Figures(
            key="visit_languages",
            title=_("Languages used"),
            values=language_rows,
            total=total,
            total_label=_("All visits"),
            additive=True,
        ),
        _median_figure(
            "waiting_time",
            _("Waiting time in the queue"),
            _("Median wait, minutes"),
            queue,
            "created_at",
            "called_at",
        ),
    ]


@section("referrals", gettext_lazy("Referrals to partners"), order=20)
def referrals_section(hub_ids: list[int], period: Period) -> list[Figures]:
    from visits.models import Referral

    referrals = Referral.objects.filter(
        hub_id__in=hub_ids, created_at__gte=period.start_dt, created_at__lt=period.end_dt
    )
    total = referrals.count()
    partners = dict(
        PartnerOrganisation.objects.filter(referrals__in=referrals)
        .values_list("pk", "name")
        .distinct()
    )
    return [
        Figures(
            key="referrals_by_partner",
            title=_("Referrals by partner"),
            values=_grouped(referrals, "partner_id", partners),
            total=total,
            total_label=_("All referrals"),
            additive=True,
        ),
        Figures(
            key="referral_results",
            title=_("Results of referrals"),
            values=_grouped(
                referrals,
                "status",
                dict(Referral.Status.choices),
                order=list(Referral.Status.values),
            ),
            total=total,
            total_label=_("All referrals"),
            additive=True,
        ),
    ]


@section("cases", gettext_lazy("Follow-up cases"), order=30)
def cases_section(hub_ids: list[int], period: Period) -> list[Figures]:
    from visits.models import Case

    cases = Case.objects.filter(hub_id__in=hub_ids)
    in_period = {"gte": period.start_dt, "lt": period.end_dt}
    flow = cases.aggregate(
        opened=Count(
            "pk", filter=Q(created_at__gte=in_period["gte"], created_at__lt=in_period["lt"])
        ),
        claimed=Count(
            "pk",
            filter=Q(first_claimed_at__gte=in_period["gte"], first_claimed_at__lt=in_period["lt"]),
        ),
        escalated=Count(
            "pk", filter=Q(escalated_at__gte=in_period["gte"], escalated_at__lt=in_period["lt"])
        ),
        closed=Count(
            "pk", filter=Q(closed_at__gte=in_period["gte"], closed_at__lt=in_period["lt"])
        ),
    )
    claimed_in_period = cases.filter(
        first_claimed_at__gte=period.start_dt, first_claimed_at__lt=period.end_dt
    )
    closed = cases.filter(closed_at__gte=period.start_dt, closed_at__lt=period.end_dt)
    return [
        Figures(
            key="case_flow",
            title=_("Cases opened, claimed, escalated and closed"),
            values=[
                ("opened", _("Opened"), flow["opened"]),
                ("claimed", _("Claimed by an advisor"), flow["claimed"]),
                ("escalated", _("Escalated to a professional"), flow["escalated"]),
                ("closed", _("Closed"), flow["closed"]),
            ],
        ),
        Figures(
            key="case_outcomes",
            title=_("Outcomes of closed cases"),
            values=_grouped(
                closed, "outcome", dict(Case.Outcome.choices), order=list(Case.Outcome.values)
            ),
            total=flow["closed"],
            total_label=_("All closed cases"),
            additive=True,
        ),
        _median_figure(
            "time_to_claim",
            _("Time to claim"),
            _("Median time from opening to claim, minutes"),
            claimed_in_period,
            "created_at",
            "first_claimed_at",
        ),
    ]


def _sum_or_zero(qs: QuerySet, field: str) -> int:
    return qs.aggregate(total=Sum(field))["total"] or 0


def _hours(value) -> float:
    """A sum of hours (Decimal) or of durations (timedelta) as hours with one decimal."""
    if value is None:
        return 0.0
    if hasattr(value, "total_seconds"):
        return round(value.total_seconds() / 3600, 1)
    return round(float(value), 1)


@section("advisors", gettext_lazy("Community advisors"), order=40)
def advisors_section(hub_ids: list[int], period: Period) -> list[Figures]:
    from django.db.models import OuterRef, Subquery

    from advisors.models import (
        AdvisorProfile,
        HoursEntry,
        PathwayOutcome,
        PathwayStep,
        ShiftSignup,
        Stage,
        TrainingCompletion,
    )

    # The stage each advisor was in at the end of the period, from the dated pathway moves.
    stage_then = Subquery(
        PathwayStep.objects.filter(advisor=OuterRef("pk"), on__lte=period.end)
        .order_by("-on", "-pk")
        .values("stage")[:1]
    )
    advisors = AdvisorProfile.objects.filter(hubs__in=hub_ids).distinct()
    by_stage = dict(
        AdvisorProfile.objects.filter(pk__in=advisors.values("pk"))
        .annotate(stage_then=stage_then)
        .exclude(stage_then=None)
        .values_list("stage_then")
        .annotate(n=Count("pk"))
        .order_by()
    )
    completions = TrainingCompletion.objects.filter(
        user__advisor_profile__hubs__in=hub_ids,
        completed_on__gte=period.start,
        completed_on__lte=period.end,
    ).distinct()
    training_names = dict(completions.values_list("training_id", "training__name").distinct())
    outcomes = PathwayOutcome.objects.filter(
        advisor__in=advisors.values("pk"), started_on__gte=period.start, started_on__lte=period.end
    )
    manual_hours = HoursEntry.objects.filter(
        hub_id__in=hub_ids, on__gte=period.start, on__lte=period.end
    ).aggregate(total=Sum("hours"))["total"]
    shift_hours = ShiftSignup.objects.filter(
        shift__hub_id__in=hub_ids,
        shift__starts_at__gte=period.start_dt,
        shift__starts_at__lt=period.end_dt,
    ).aggregate(total=Sum(F("shift__ends_at") - F("shift__starts_at")))["total"]
    hours_from_shifts, hours_by_hand = _hours(shift_hours), _hours(manual_hours)
    return [
        Figures(
            key="advisors_by_stage",
            title=_("Advisors by pathway stage at the end of the period"),
            values=[(k, str(label), by_stage.get(k, 0)) for k, label in Stage.choices],
            total=sum(by_stage.values()),
            total_label=_("All advisors"),
            additive=True,
        ),
        Figures(
            key="trainings_completed",
            title=_("Trainings completed"),
            values=_grouped(completions, "training_id", training_names),
        ),
        Figures(
            key="volunteer_hours",
            title=_("Volunteer hours"),
            values=[
                ("shifts", _("On shifts"), hours_from_shifts),
                ("manual", _("Other volunteering"), hours_by_hand),
            ],
            total=round(hours_from_shifts + hours_by_hand, 1),
            total_label=_("All hours"),
            counts_people=False,
            unit="h",
        ),
        Figures(
            key="pathway_outcomes",
            title=_("Pathway outcomes started"),
            values=_grouped(
                outcomes,
                "kind",
                dict(PathwayOutcome.Kind.choices),
                order=list(PathwayOutcome.Kind.values),
            ),
            total=outcomes.count(),
            total_label=_("All outcomes"),
            additive=True,
        ),
    ]


@section("experts", gettext_lazy("Experience experts"), order=50)
def experts_section(hub_ids: list[int], period: Period) -> list[Figures]:
    from advisors.models import Assignment

    done = Assignment.objects.filter(
        hub_id__in=hub_ids,
        status=Assignment.Status.DONE,
        starts_at__gte=period.start_dt,
        starts_at__lt=period.end_dt,
    )
    totals = done.aggregate(n=Count("pk"), audience=Sum("audience_size"), hours=Sum("hours"))
    return [
        Figures(
            key="expert_assignments",
            title=_("Assignments done, by kind"),
            values=_grouped(
                done, "kind", dict(Assignment.Kind.choices), order=list(Assignment.Kind.values)
            ),
            total=totals["n"],
            total_label=_("All assignments done"),
            counts_people=False,
        ),
        Figures(
            key="expert_audience",
            title=_("People reached by experience experts"),
            values=[("hours", _("Hours of speaking"), _hours(totals["hours"]))],
            total=totals["audience"] or 0,
            total_label=_("Audience, people"),
        ),
    ]


@section("events", gettext_lazy("Events"), order=60)
def events_section(hub_ids: list[int], period: Period) -> list[Figures]:
    from django.db.models import Avg

    from events.models import Event, Feedback, Kind, Registration
    from events.models import Status as EventStatus

    held = Event.objects.filter(
        hub_id__in=hub_ids,
        status=EventStatus.PUBLISHED,
        starts_at__gte=period.start_dt,
        starts_at__lt=period.end_dt,
    )
    came = Registration.objects.filter(event__in=held, attendance=Registration.Attendance.CAME)
    by_group = dict(came.values_list("group").annotate(n=Sum("party_size")).order_by())
    counted = held.aggregate(
        newcomers=Sum("head_count_newcomers"), residents=Sum("head_count_residents")
    )
    newcomers = (by_group.get("newcomer") or 0) + (counted["newcomers"] or 0)
    residents = (by_group.get("resident") or 0) + (counted["residents"] or 0)
    unknown = by_group.get("unknown") or 0
    feedback = Feedback.objects.filter(event__in=held).aggregate(
        n=Count("pk"),
        enjoyed=Avg("enjoyed"),
        met_people=Avg("met_people"),
        come_again=Avg("come_again"),
    )

    def score(value):
        # An average of fewer than five answers could describe one person: not published.
        return round(float(value), 2) if value is not None and feedback["n"] >= 5 else None

    return [
        Figures(
            key="events_held",
            title=_("Events held, by kind"),
            values=_grouped(held, "kind", dict(Kind.choices), order=list(Kind.values)),
            total=held.count(),
            total_label=_("All events"),
            counts_people=False,
        ),
        Figures(
            key="event_participants",
            title=_("Participants: newcomers and long-term residents"),
            values=[
                ("newcomer", _("New in Finland"), newcomers),
                ("resident", _("Long-term residents"), residents),
                ("unknown", _("Did not say"), unknown),
            ],
            total=newcomers + residents + unknown,
            total_label=_("All participants"),
            additive=True,
        ),
        Figures(
            key="event_feedback",
            title=_("Feedback, average score 1–3"),
            values=[
                ("enjoyed", _("Liked the event"), score(feedback["enjoyed"])),
                ("met_people", _("Met new people"), score(feedback["met_people"])),
                ("come_again", _("Would come again"), score(feedback["come_again"])),
            ],
            counts_people=False,
            chart="none",
        ),
    ]


@trend("visits_per_month", gettext_lazy("Visits per month"), total_table="visits_overview")
def visits_per_month(hub_ids: list[int], first: date, last: date) -> dict[date, int]:
    from django.db.models.functions import TruncMonth

    from visits.models import Visit

    rows = (
        Visit.objects.filter(hub_id__in=hub_ids, day__gte=first, day__lte=last)
        .annotate(month=TruncMonth("day"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)
