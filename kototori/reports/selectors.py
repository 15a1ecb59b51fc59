"""Figures for the outcome report: one function per section, SQL aggregation only.

Each function receives the hub ids and a period and returns ``Figures``; it never loops over rows in
Python (only over the handful of groups a GROUP BY returns).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count, F, FloatField, Func, IntegerField, Q, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kototori.models import Language, PartnerOrganisation, Topic

from .builder import Figures, section

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
    minutes = Func(
        Func(
            F(end) - F(start),
            template="EXTRACT(EPOCH FROM %(expressions)s)",
            output_field=FloatField(),
        )
        / 60.0,
        function="FLOOR",
        output_field=IntegerField(),
    )
    if connection.vendor != "postgresql":  # SQLite stores datetimes as text: the embedded run only
        minutes = Cast(
            (Func(F(end), function="julianday") - Func(F(start), function="julianday")) * 1440,
            IntegerField(),
        )
    histogram = list(
        qs.filter(**{f"{start}__isnull": False, f"{end}__isnull": False})
        .annotate(minutes=minutes)
        .values_list("minutes")
        .annotate(n=Count("pk"))
        .order_by("minutes")
    )
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
    totals = visits.aggregate(total=Count("pk"), unique=Count("visitor", distinct=True))
    total = totals["total"]
    anonymous = counts["visitor"][None]
    new_visitors = Visitor.objects.filter(
        hub_id__in=hub_ids, created_at__gte=period.start_dt, created_at__lt=period.end_dt
    ).count()
    topic_counts = dict(
        Visit.topics.through.objects.filter(
            visit__hub_id__in=hub_ids, visit__day__gte=period.start, visit__day__lte=period.end
        )
        .values_list("topic_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
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
                ("unique", _("Different registered visitors who visited"), totals["unique"]),
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
