"""Reads for the pool and the dashboards, each a bounded number of queries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from visits.models import Case, Urgency

from .models import AdvisorLanguage, AdvisorProfile, HoursEntry, ShiftSignup

if TYPE_CHECKING:
    from kototori.models import Hub, User

CaseLanguage = Case.languages.through
CaseTopic = Case.topics.through
AdvisorTopic = AdvisorProfile.topics.through


def pool_for(*, hub: Hub, user: User):
    """The hub's open cases, ranked for ``user``: cases in a language they speak first (a case that
    names no language suits anyone), then urgent before normal before "can wait", then by how many
    of its topics they are skilled in, then oldest first. One query, plus two prefetches.

    Urgency ranks below language because an advisor who can't talk with the client can't help
    however urgent the case is, and above topic skills because an urgent case shouldn't wait for
    a better-skilled advisor (escalation covers what needs a professional)."""
    my_languages = AdvisorLanguage.objects.filter(advisor__user=user).values("language_id")
    my_topics = AdvisorTopic.objects.filter(advisorprofile__user=user).values("topic_id")
    topic_matches = (
        CaseTopic.objects.filter(case_id=OuterRef("pk"), topic_id__in=my_topics)
        .order_by()
        .values("case_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        Case.objects.in_pool()
        .filter(hub=hub)
        .annotate(
            language_match=CaseWhen(
                When(~Exists(CaseLanguage.objects.filter(case_id=OuterRef("pk"))), then=Value(1)),
                When(
                    Exists(
                        CaseLanguage.objects.filter(
                            case_id=OuterRef("pk"), language_id__in=my_languages
                        )
                    ),
                    then=Value(1),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
            urgency_rank=CaseWhen(
                When(urgency=Urgency.HIGH, then=Value(2)),
                When(urgency=Urgency.NORMAL, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            topic_matches=Coalesce(Subquery(topic_matches, output_field=IntegerField()), 0),
        )
        .order_by("-language_match", "-urgency_rank", "-topic_matches", "created_at", "pk")
        .prefetch_related("topics", "languages")
    )


def pool_stats(hub: Hub) -> dict:
    since = timezone.now() - timedelta(days=90)
    in_pool = Case.objects.in_pool().filter(hub=hub).count()
    claim_time = Case.objects.filter(hub=hub, first_claimed_at__gte=since).aggregate(
        avg=Avg(
            ExpressionWrapper(F("first_claimed_at") - F("created_at"), output_field=DurationField())
        )
    )["avg"]
    hours = round(claim_time.total_seconds() / 3600, 1) if claim_time is not None else None
    return {"in_pool": in_pool, "time_to_claim_hours": hours}


def stale_claims(hub: Hub, days: int):
    return (
        Case.objects.filter(
            hub=hub,
            status=Case.Status.CLAIMED,
            last_activity_at__lte=timezone.now() - timedelta(days=days),
        )
        .select_related("claimed_by")
        .order_by("last_activity_at")
    )


def _month_start(day: date) -> date:
    return day.replace(day=1)


def hours_by_month(*, user: User, hub: Hub | None = None, months: int = 12) -> list[dict]:
    """Volunteer hours per month: past shifts signed up for plus hours logged by hand. Two
    queries."""
    today = timezone.localdate()
    first = _month_start(today - timedelta(days=31 * (months - 1)))
    manual = HoursEntry.objects.filter(user=user, on__gte=first)
    shifts = ShiftSignup.objects.filter(
        user=user, shift__starts_at__date__gte=first, shift__ends_at__lte=timezone.now()
    )
    if hub is not None:
        manual = manual.filter(hub=hub)
        shifts = shifts.filter(shift__hub=hub)
    totals: dict[date, dict] = {}

    def bucket(month) -> dict:
        key = month.date() if hasattr(month, "date") else month
        return totals.setdefault(
            key, {"month": key, "shift_hours": Decimal(0), "manual_hours": Decimal(0)}
        )

    for row in manual.annotate(month=TruncMonth("on")).values("month").annotate(h=Sum("hours")):
        bucket(row["month"])["manual_hours"] += row["h"] or 0
    for signup in shifts.select_related("shift"):
        bucket(_month_start(timezone.localtime(signup.shift.starts_at).date()))["shift_hours"] += (
            signup.shift.hours
        )
    rows = sorted(totals.values(), key=lambda r: r["month"], reverse=True)
    for row in rows:
        row["total"] = row["shift_hours"] + row["manual_hours"]
    return rows


def hours_this_month(*, user: User, hub: Hub | None = None) -> Decimal:
    this_month = _month_start(timezone.localdate())
    for row in hours_by_month(user=user, hub=hub, months=1):
        if row["month"] == this_month:
            return row["total"]
    return Decimal(0)


def hub_hours_this_month(hub: Hub) -> Decimal:
    """All volunteer hours of the hub this month: past shifts signed up for, plus manual entries."""
    first = _month_start(timezone.localdate())
    manual = HoursEntry.objects.filter(hub=hub, on__gte=first).aggregate(h=Sum("hours"))["h"]
    signups = ShiftSignup.objects.filter(
        shift__hub=hub, shift__starts_at__date__gte=first, shift__ends_at__lte=timezone.now()
    ).select_related("shift")
    return (manual or Decimal(0)) + sum((s.shift.hours for s in signups), Decimal(0))


def pathway_outcomes_by_kind(hub: Hub, year: int) -> list[tuple[str, int]]:
    """Pathway outcomes of the hub's advisors that started in ``year``, per kind (all kinds)."""
    from .models import PathwayOutcome

    counts = dict(
        PathwayOutcome.objects.filter(advisor__hubs=hub, started_on__year=year)
        .values_list("kind")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    return [(label, counts.get(kind, 0)) for kind, label in PathwayOutcome.Kind.choices]
