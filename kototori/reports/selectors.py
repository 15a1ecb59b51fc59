"""Figures for the outcome report: one function per section, SQL aggregation only.

Each function receives the hub ids and a period and returns ``Figures``; it never loops over rows in
Python (only over the handful of groups a GROUP BY returns).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, DurationField, F, FloatField, Func, IntegerField, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kototori.db import read_connection

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


@section("visits", gettext_lazy("Visits"), order=10)
def visits_section(hub_ids: list[int], period: Period) -> list[Figures]:
    """Counts of visits and visitors come from ``base.py``; here only the waiting time."""
    from visits.models import QueueEntry

    queue = QueueEntry.objects.filter(
        hub_id__in=hub_ids, day__gte=period.start, day__lte=period.end
    )
    return [
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
    """Referrals by partner and by result come from ``base.py``."""
    return []


@section("cases", gettext_lazy("Follow-up cases"), order=30)
def cases_section(hub_ids: list[int], period: Period) -> list[Figures]:
    """The flow of cases and their outcomes come from ``base.py``; here the time to claim."""
    from visits.models import Case

    claimed_in_period = Case.objects.filter(
        hub_id__in=hub_ids,
        first_claimed_at__gte=period.start_dt,
        first_claimed_at__lt=period.end_dt,
    )
    return [
        _median_figure(
            "time_to_claim",
            _("Time to claim"),
            _("Median time from opening to claim, minutes"),
            claimed_in_period,
            "created_at",
            "first_claimed_at",
        ),
    ]


def _hours(value) -> float:
    """A sum of hours (Decimal) or of durations (timedelta) as hours with one decimal."""
    if value is None:
        return 0.0
    if hasattr(value, "total_seconds"):
        return round(value.total_seconds() / 3600, 1)
    return round(float(value), 1)


@section("advisors", gettext_lazy("Community advisors"), order=40)
def advisors_section(hub_ids: list[int], period: Period) -> list[Figures]:
    """Advisors by stage, trainings and pathway outcomes come from ``base.py``; here the hours."""
    from advisors.models import HoursEntry, ShiftSignup

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
    ]


@section("experts", gettext_lazy("Experience experts"), order=50)
def experts_section(hub_ids: list[int], period: Period) -> list[Figures]:
    """Assignments and hours; the people reached come from ``base.py``."""
    from advisors.models import Assignment

    done = Assignment.objects.filter(
        hub_id__in=hub_ids,
        status=Assignment.Status.DONE,
        starts_at__gte=period.start_dt,
        starts_at__lt=period.end_dt,
    )
    totals = done.aggregate(n=Count("pk"), hours=Sum("hours"))
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
            key="expert_hours",
            title=_("Hours of speaking"),
            values=[("hours", _("Hours of speaking"), _hours(totals["hours"]))],
            counts_people=False,
            unit="h",
            chart="none",
        ),
    ]


@section("events", gettext_lazy("Events"), order=60)
def events_section(hub_ids: list[int], period: Period) -> list[Figures]:
    from django.db.models import Avg

    from events.models import Event, Feedback, Kind
    from events.models import Status as EventStatus

    held = Event.objects.filter(
        hub_id__in=hub_ids,
        status=EventStatus.PUBLISHED,
        starts_at__gte=period.start_dt,
        starts_at__lt=period.end_dt,
    )
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
