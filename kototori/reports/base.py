"""The report's counts of people, per hub and per time bin, from a fixed set of grouped queries.

Every table that counts people is read here at its finest grain: one hub, one bin (a calendar month
for suppressed reports, the report's two periods for full ones). A report of several hubs, a quarter
or a year is the sum of these cells, so what a suppressed report withholds can be derived from the
cells it adds up (see ``protection.py``). The number of queries is fixed whatever the number of
hubs, bins or rows.

A variable is named ``"<table>:<row>"`` for a row and ``"=<name>"`` for a total that several tables
share (all visits, all referrals, closed cases): a shared total is one figure, withheld everywhere or
nowhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kototori.db import read_connection
from kototori.models import Language, PartnerOrganisation, Topic

if TYPE_CHECKING:
    from django.db.models import QuerySet


@dataclass
class Spec:
    """A table of the report built from the base cells."""

    key: str
    section: str
    position: int  # where it goes among the section's tables
    title: str
    total: str = ""  # the shared total's variable ("=visits"), or "" for none
    total_label: str = ""
    additive: bool = False  # the rows add up to the total
    stock: bool = False  # a state at the end of the period (not a sum over time)
    distinct: tuple[str, ...] = ()  # rows that count different people: not a sum over time
    aliases: dict[str, str] = field(default_factory=dict)  # row key → shared variable


SPECS: list[Spec] = [
    Spec(
        "visits_overview",
        "visits",
        0,
        gettext_lazy("Visits and visitors"),
        "=visits",
        gettext_lazy("All visits"),
        additive=True,
    ),
    Spec(
        "visitors",
        "visits",
        1,
        gettext_lazy("Registered visitors"),
        distinct=("unique",),
    ),
    Spec(
        "visit_channels",
        "visits",
        2,
        gettext_lazy("Visits by channel"),
        "=visits",
        gettext_lazy("All visits"),
        additive=True,
    ),
    Spec(
        "visit_outcomes",
        "visits",
        3,
        gettext_lazy("Outcomes of visits"),
        "=visits",
        gettext_lazy("All visits"),
        additive=True,
    ),
    Spec("visit_topics", "visits", 4, gettext_lazy("Topics (a visit may have several)")),
    Spec(
        "visit_languages",
        "visits",
        5,
        gettext_lazy("Languages used"),
        "=visits",
        gettext_lazy("All visits"),
        additive=True,
    ),
    Spec(
        "referrals_by_partner",
        "referrals",
        0,
        gettext_lazy("Referrals by partner"),
        "=referrals",
        gettext_lazy("All referrals"),
        additive=True,
    ),
    Spec(
        "referral_results",
        "referrals",
        1,
        gettext_lazy("Results of referrals"),
        "=referrals",
        gettext_lazy("All referrals"),
        additive=True,
    ),
    Spec(
        "case_flow",
        "cases",
        0,
        gettext_lazy("Cases opened, claimed, escalated and closed"),
        aliases={"closed": "=cases_closed"},
    ),
    Spec(
        "case_outcomes",
        "cases",
        1,
        gettext_lazy("Outcomes of closed cases"),
        "=cases_closed",
        gettext_lazy("All closed cases"),
        additive=True,
    ),
    Spec(
        "advisors_by_stage",
        "advisors",
        0,
        gettext_lazy("Advisors by pathway stage at the end of the period"),
        "=advisors",
        gettext_lazy("All advisors"),
        additive=True,
        stock=True,
    ),
    Spec("trainings_completed", "advisors", 1, gettext_lazy("Trainings completed")),
    Spec(
        "pathway_outcomes",
        "advisors",
        3,
        gettext_lazy("Pathway outcomes started"),
        "=pathway_outcomes",
        gettext_lazy("All outcomes"),
        additive=True,
    ),
    Spec("expert_audience", "experts", 1, gettext_lazy("People reached by experience experts")),
    Spec(
        "event_participants",
        "events",
        1,
        gettext_lazy("Participants: newcomers and long-term residents"),
        "=participants",
        gettext_lazy("All participants"),
        additive=True,
    ),
]
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}
# Tables whose rows are whatever occurred (languages, topics, partners, trainings): a row that is zero
# in both periods is left out.
DYNAMIC = {"visit_topics", "visit_languages", "referrals_by_partner", "trainings_completed"}
TREND_TITLE = gettext_lazy("Visits per month")


OTHER = "_other"


def variable(table: str, row: str) -> str:
    spec = SPEC_BY_KEY[table]
    return spec.aliases.get(row, f"{table}:{row}")


@dataclass
class Base:
    """Cells per (hub id, bin index): {variable: count}; row labels per table, in order."""

    bins: list[tuple[date, date]]
    cells: dict[tuple[int, int], dict[str, int]]
    labels: dict[str, dict[str, str]]

    def value(self, hub_id: int, bin_index: int, var: str) -> int:
        return self.cells.get((hub_id, bin_index), {}).get(var, 0)


class _Binner:
    """Puts each row into a bin: by ``date_trunc('month')`` when every bin is a calendar month (the
    cheap case), by a CASE over the bins' bounds otherwise."""

    def __init__(self, bins: list[tuple[date, date]]):
        self.bins = bins
        self.monthly = all(
            start.day == 1 and end == (start + timedelta(days=32)).replace(day=1) - timedelta(1)
            for start, end in bins
        )
        self.by_month = {start: i for i, (start, _end) in enumerate(bins)}
        self.first = min(start for start, _end in bins)
        self.last = max(end for _start, end in bins)

    def range(self, field_name: str, *, is_datetime: bool) -> Q:
        if is_datetime:
            return Q(**{f"{field_name}__gte": _aware(self.first)}) & Q(
                **{f"{field_name}__lt": _aware(self.last + timedelta(days=1))}
            )
        return Q(**{f"{field_name}__gte": self.first, f"{field_name}__lte": self.last})

    def expression(self, field_name: str, *, is_datetime: bool):
        if self.monthly:
            return TruncMonth(field_name)
        whens = []
        for i, (start, end) in enumerate(self.bins):
            if is_datetime:
                lookup = {
                    f"{field_name}__gte": _aware(start),
                    f"{field_name}__lt": _aware(end + timedelta(days=1)),
                }
            else:
                lookup = {f"{field_name}__gte": start, f"{field_name}__lte": end}
            whens.append(When(then=Value(i), **lookup))
        return Case(*whens, default=Value(-1), output_field=IntegerField())

    def index(self, raw) -> int | None:
        if raw is None:
            return None
        if self.monthly:
            if isinstance(raw, datetime):
                raw = timezone.localtime(raw).date()
            return self.by_month.get(raw)
        return raw if raw >= 0 else None


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def fetch(hub_ids: list[int], bins: list[tuple[date, date]]) -> Base:
    """Every base table for ``hub_ids`` over ``bins`` (non-overlapping, each inclusive)."""
    binner = _Binner(bins)
    cells: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    labels: dict[str, dict[str, str]] = {spec.key: {} for spec in SPECS}
    for reader in (_visits, _topics, _referrals, _cases, _advisors, _experts, _events):
        reader(hub_ids, binner, cells, labels)
    # The first table with a shared total defines it; a later one whose rows fall short of it (a
    # record with no value for that field) gets a "Not recorded" row, so its rows add up too.
    defined: set[str] = set()
    for spec in SPECS:
        if not spec.additive:
            continue
        rows = [variable(spec.key, row) for row in labels[spec.key]]
        for values in cells.values():
            counted = sum(values.get(var, 0) for var in rows)
            if spec.total not in defined:
                values[spec.total] = counted
            elif values.get(spec.total, 0) != counted:
                values[f"{spec.key}:{OTHER}"] += values.get(spec.total, 0) - counted
                labels[spec.key][OTHER] = _("Not recorded")
        defined.add(spec.total)
    return Base(bins=bins, cells={k: dict(v) for k, v in cells.items()}, labels=labels)


def _grouped(
    qs: QuerySet, binner: _Binner, field_name: str, *extra: str, is_datetime: bool, hub: str
) -> QuerySet:
    """``qs`` within the bins, grouped by hub, bin (``_bin``) and ``extra``: annotate to count."""
    return (
        qs.filter(binner.range(field_name, is_datetime=is_datetime))
        .annotate(_bin=binner.expression(field_name, is_datetime=is_datetime))
        .values(hub, "_bin", *extra)
    )


def _visits(hub_ids, binner, cells, labels) -> None:
    from visits.models import Visit, VisitChannel, Visitor, VisitOutcome

    languages = {lang.pk: lang.name for lang in Language.objects.all()}
    channels, outcomes = list(VisitChannel.choices), list(VisitOutcome.choices)
    aggregates = {
        "n": Count("pk"),
        "anonymous": Count("pk", filter=Q(visitor__isnull=True)),
        "help": Count("pk", filter=Q(language_help=True)),
    }
    for i, (key, _label) in enumerate(channels):
        aggregates[f"c{i}"] = Count("pk", filter=Q(channel=key))
    for i, (key, _label) in enumerate(outcomes):
        aggregates[f"o{i}"] = Count("pk", filter=Q(outcome=key))
    language_keys = [*languages, None]
    for i, pk in enumerate(language_keys):
        condition = Q(language__isnull=True) if pk is None else Q(language_id=pk)
        aggregates[f"l{i}"] = Count("pk", filter=condition)
    visits = Visit.objects.filter(hub_id__in=hub_ids)
    rows = _grouped(visits, binner, "day", is_datetime=False, hub="hub_id").annotate(**aggregates)
    labels["visits_overview"] = {
        "anonymous": _("Anonymous visits"),
        "identified": _("Visits of a registered visitor"),
    }
    labels["visit_channels"] = {key: str(label) for key, label in channels}
    labels["visit_outcomes"] = {key: str(label) for key, label in outcomes}
    used_languages: dict[int | None, int] = defaultdict(int)
    for row in rows.order_by():
        index = binner.index(row["_bin"])
        if index is None:
            continue
        values = cells[row["hub_id"], index]
        values["visits_overview:anonymous"] += row["anonymous"]
        values["visits_overview:identified"] += row["n"] - row["anonymous"]
        values["visitors:language_help"] += row["help"]
        for i, (key, _label) in enumerate(channels):
            values[f"visit_channels:{key}"] += row[f"c{i}"]
        for i, (key, _label) in enumerate(outcomes):
            values[f"visit_outcomes:{key}"] += row[f"o{i}"]
        for i, pk in enumerate(language_keys):
            if row[f"l{i}"]:
                used_languages[pk] += row[f"l{i}"]
                values[f"visit_languages:{pk}"] += row[f"l{i}"]
    labels["visit_languages"] = {
        str(pk): str(languages.get(pk) or _("Not recorded"))
        for pk in sorted(used_languages, key=lambda pk: -used_languages[pk])
    }
    new = _grouped(
        Visitor.objects.filter(hub_id__in=hub_ids),
        binner,
        "created_at",
        is_datetime=True,
        hub="hub_id",
    ).annotate(n=Count("pk"))
    _unique(hub_ids, binner, cells)
    _add(cells, binner, new, "hub_id", "visitors:new")
    labels["visitors"] = {
        "unique": _("Different registered visitors who visited"),
        "new": _("New visitors registered"),
        "language_help": _("Visits that needed language help"),
    }


def _unique(hub_ids: list[int], binner: _Binner, cells) -> None:
    """Different registered visitors per hub and bin (a distinct count: bins do not add up)."""
    from visits.models import Visit

    visits = Visit.objects.filter(hub_id__in=hub_ids, visitor__isnull=False)
    rows = _grouped(visits, binner, "day", is_datetime=False, hub="hub_id")
    _add(
        cells, binner, rows.annotate(n=Count("visitor", distinct=True)), "hub_id", "visitors:unique"
    )


def fetch_distinct(hub_ids: list[int], bins: list[tuple[date, date]]) -> Base:
    """Only the distinct counts (``Spec.distinct`` rows), for periods longer than a bin."""
    binner = _Binner(bins)
    cells: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    _unique(hub_ids, binner, cells)
    return Base(bins=bins, cells={k: dict(v) for k, v in cells.items()}, labels={})


def _add(cells, binner, rows, hub: str, var: str, *, key: str = "", value: str = "n") -> None:
    for row in rows.order_by():
        index = binner.index(row["_bin"])
        if index is not None and row[value]:
            name = var.format(key=row[key]) if key else var
            cells[row[hub], index][name] += row[value]


def _topics(hub_ids, binner, cells, labels) -> None:
    from visits.models import Visit

    through = Visit.topics.through.objects.filter(visit__hub_id__in=hub_ids)
    rows = _grouped(
        through, binner, "visit__day", "topic_id", is_datetime=False, hub="visit__hub_id"
    ).annotate(n=Count("pk"))
    connection = read_connection()  # the replica while a report is built, if there is one
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            # Measured on a year of 1,000,000 visits: a merge join over the two primary-key-ordered
            # indexes takes about half the time of the hash join the planner picks.
            cursor.execute("SET LOCAL enable_hashjoin = off")
            try:
                rows = list(rows.order_by())
            finally:
                cursor.execute("SET LOCAL enable_hashjoin = on")
    topics = {t.pk: t for t in Topic.objects.all()}
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        index = binner.index(row["_bin"])
        topic = topics.get(row["topic_id"])
        if index is not None and topic is not None:
            cells[row["visit__hub_id"], index][f"visit_topics:{topic.key}"] += row["n"]
            totals[topic.key] += row["n"]
    names = {t.key: t.name for t in topics.values()}
    labels["visit_topics"] = {
        key: str(names[key]) for key in sorted(totals, key=lambda key: -totals[key])
    }


def _referrals(hub_ids, binner, cells, labels) -> None:
    from visits.models import Referral

    rows = list(
        _grouped(
            Referral.objects.filter(hub_id__in=hub_ids),
            binner,
            "created_at",
            "partner_id",
            "status",
            is_datetime=True,
            hub="hub_id",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals: dict[int, int] = defaultdict(int)
    for row in rows:
        index = binner.index(row["_bin"])
        if index is not None:
            values = cells[row["hub_id"], index]
            values[f"referrals_by_partner:{row['partner_id']}"] += row["n"]
            values[f"referral_results:{row['status']}"] += row["n"]
            totals[row["partner_id"]] += row["n"]
    names = dict(PartnerOrganisation.objects.filter(pk__in=totals).values_list("pk", "name"))
    labels["referrals_by_partner"] = {
        str(pk): str(names.get(pk, pk)) for pk in sorted(totals, key=lambda pk: -totals[pk])
    }
    labels["referral_results"] = {key: str(label) for key, label in Referral.Status.choices}


def _cases(hub_ids, binner, cells, labels) -> None:
    from visits.models import Case as FollowUp

    cases = FollowUp.objects.filter(hub_id__in=hub_ids)
    for row_key, stamp in (
        ("opened", "created_at"),
        ("claimed", "first_claimed_at"),
        ("escalated", "escalated_at"),
    ):
        rows = _grouped(cases, binner, stamp, is_datetime=True, hub="hub_id").annotate(
            n=Count("pk")
        )
        _add(cells, binner, rows, "hub_id", f"case_flow:{row_key}")
    closed = _grouped(
        cases, binner, "closed_at", "outcome", is_datetime=True, hub="hub_id"
    ).annotate(n=Count("pk"))
    known = set(FollowUp.Outcome.values)
    for row in closed.order_by():
        index = binner.index(row["_bin"])
        if index is not None:
            outcome = row["outcome"] if row["outcome"] in known else "not_recorded"
            cells[row["hub_id"], index][f"case_outcomes:{outcome}"] += row["n"]
    labels["case_flow"] = {
        "opened": _("Opened"),
        "claimed": _("Claimed by an advisor"),
        "escalated": _("Escalated to a professional"),
        "closed": _("Closed"),
    }
    labels["case_outcomes"] = {
        **{key: str(label) for key, label in FollowUp.Outcome.choices},
        "not_recorded": _("Not recorded"),
    }


def _advisors(hub_ids, binner, cells, labels) -> None:
    from advisors.models import AdvisorProfile, PathwayOutcome, PathwayStep, Stage
    from advisors.models import TrainingCompletion as Completion

    hubs_of: dict[int, list[int]] = defaultdict(list)
    for advisor_id, hub_id in AdvisorProfile.hubs.through.objects.filter(
        hub_id__in=hub_ids
    ).values_list("advisorprofile_id", "hub_id"):
        hubs_of[advisor_id].append(hub_id)
    # The stage each advisor was in at the end of each bin, from the dated pathway moves (a few
    # rows per advisor, read once).
    steps: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for advisor_id, on, stage in (
        PathwayStep.objects.filter(advisor_id__in=hubs_of, on__lte=binner.last)
        .order_by("advisor_id", "on", "pk")
        .values_list("advisor_id", "on", "stage")
    ):
        steps[advisor_id].append((on, stage))
    for index, (_start, end) in enumerate(binner.bins):
        for advisor_id, moves in steps.items():
            stage = next((s for on, s in reversed(moves) if on <= end), None)
            if stage is not None:
                for hub_id in hubs_of[advisor_id]:
                    cells[hub_id, index][f"advisors_by_stage:{stage}"] += 1
    labels["advisors_by_stage"] = {key: str(label) for key, label in Stage.choices}

    completions = _grouped(
        Completion.objects.filter(user__advisor_profile__in=list(hubs_of)),
        binner,
        "completed_on",
        "training_id",
        "training__name",
        is_datetime=False,
        hub="user__advisor_profile",
    ).annotate(n=Count("pk"))
    names = {}
    for row in completions.order_by():
        index = binner.index(row["_bin"])
        if index is None:
            continue
        names[row["training_id"]] = row["training__name"]
        for hub_id in hubs_of[row["user__advisor_profile"]]:
            cells[hub_id, index][f"trainings_completed:{row['training_id']}"] += row["n"]
    labels["trainings_completed"] = {str(pk): str(name) for pk, name in sorted(names.items())}

    outcomes = _grouped(
        PathwayOutcome.objects.filter(advisor_id__in=list(hubs_of)),
        binner,
        "started_on",
        "kind",
        is_datetime=False,
        hub="advisor_id",
    ).annotate(n=Count("pk"))
    for row in outcomes.order_by():
        index = binner.index(row["_bin"])
        if index is not None:
            for hub_id in hubs_of[row["advisor_id"]]:
                cells[hub_id, index][f"pathway_outcomes:{row['kind']}"] += row["n"]
    labels["pathway_outcomes"] = {key: str(label) for key, label in PathwayOutcome.Kind.choices}


def _experts(hub_ids, binner, cells, labels) -> None:
    from advisors.models import Assignment

    done = Assignment.objects.filter(hub_id__in=hub_ids, status=Assignment.Status.DONE)
    rows = _grouped(done, binner, "starts_at", is_datetime=True, hub="hub_id").annotate(
        n=Sum("audience_size")
    )
    _add(cells, binner, rows, "hub_id", "expert_audience:audience")
    labels["expert_audience"] = {"audience": _("Audience, people")}


def _events(hub_ids, binner, cells, labels) -> None:
    from events.models import Event, Group, Registration
    from events.models import Status as EventStatus

    held = Event.objects.filter(hub_id__in=hub_ids, status=EventStatus.PUBLISHED)
    counted = _grouped(held, binner, "starts_at", is_datetime=True, hub="hub_id").annotate(
        newcomers=Sum("head_count_newcomers"), residents=Sum("head_count_residents")
    )
    _add(cells, binner, counted, "hub_id", "event_participants:newcomer", value="newcomers")
    _add(cells, binner, counted, "hub_id", "event_participants:resident", value="residents")
    came = _grouped(
        Registration.objects.filter(
            event__hub_id__in=hub_ids,
            event__status=EventStatus.PUBLISHED,
            attendance=Registration.Attendance.CAME,
        ),
        binner,
        "event__starts_at",
        "group",
        is_datetime=True,
        hub="event__hub_id",
    ).annotate(n=Sum("party_size"))
    _add(cells, binner, came, "event__hub_id", "event_participants:{key}", key="group")
    labels["event_participants"] = {
        Group.NEWCOMER: _("New in Finland"),
        Group.RESIDENT: _("Long-term residents"),
        Group.UNKNOWN: _("Did not say"),
    }
