"""Build the outcome report: figures from SQL for two periods, merged, suppressed, charted.

Sections are registered by ``@section(...)`` in ``selectors.py`` (one function per section, reading
any app's models with aggregation queries only). The builder knows nothing about visits or events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connections, transaction
from django.utils import timezone

from kototori.db import reading_from_replica

from . import charts
from .participation import DIMENSIONS
from .periods import Period
from .suppression import Cell, Row, Table, suppress_all, suppress_primary, suppress_secondary


@dataclass
class Figures:
    """One breakdown for one period, straight from SQL: ``values`` are (row key, label, value)."""

    key: str
    title: str
    values: list[tuple[str, str, int | float | None]]
    total: int | float | None = None
    total_label: str = ""
    additive: bool = False
    counts_people: bool = True
    unit: str = ""
    chart: str = "bar"  # bar | none


Provider = Callable[[list[int], Period], list[Figures]]


@dataclass
class SectionSpec:
    key: str
    title: str
    provider: Provider
    order: int


SECTIONS: dict[str, SectionSpec] = {}


@dataclass
class TrendSpec:
    key: str
    title: str
    provider: Callable[[list[int], date, date], dict[date, int]]
    total_table: str  # the report table whose total the months of a period add up to


TRENDS: dict[str, TrendSpec] = {}


def trend(key: str, title: str, *, total_table: str) -> Callable:
    """Register a monthly series: ``provider(hub_ids, first_day, last_day)`` → {month start: count}."""

    def register(provider):
        TRENDS[key] = TrendSpec(key, title, provider, total_table)
        return provider

    return register


@dataclass
class Trend:
    key: str
    title: str
    points: list[tuple[date, Cell]]

    @property
    def svg(self) -> str:
        return charts.trend_chart(self.title, [(f"{d:%m/%y}", c.display) for d, c in self.points])


def section(key: str, title: str, *, order: int = 100) -> Callable[[Provider], Provider]:
    def register(provider: Provider) -> Provider:
        SECTIONS[key] = SectionSpec(key, title, provider, order)
        return provider

    return register


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table]


@dataclass
class Dimension:
    key: str
    title: str
    rows: list[Row]


@dataclass
class Report:
    scope: str
    hub_ids: list[int]
    period: Period
    previous: Period
    suppressed: bool
    sections: list[Section]
    dimensions: list[Dimension] = field(default_factory=list)
    trends: list[Trend] = field(default_factory=list)
    generated_at: datetime = field(default_factory=timezone.now)

    def table(self, key: str) -> Table | None:
        for sec in self.sections:
            for table in sec.tables:
                if table.key == key:
                    return table
        return None

    def chart_svg(self, table: Table) -> str:
        return charts.bar_chart(table) if table.rows else ""


def _merge(current: Figures, previous: Figures | None) -> Table:
    prev_values = {key: value for key, _label, value in (previous.values if previous else [])}
    labels = {key: label for key, label, _value in current.values}
    if previous:
        for key, label, _value in previous.values:
            labels.setdefault(key, label)
    cur_values = {key: value for key, _label, value in current.values}
    people = current.counts_people

    def cell(value):
        return Cell(value=value, counts_people=people)

    rows = [
        Row(
            key=key,
            label=label,
            current=cell(cur_values.get(key, 0)),
            previous=cell(prev_values.get(key, 0)),
        )
        for key, label in labels.items()
    ]
    total = None
    if current.total is not None:
        total = Row(
            key="",
            label=current.total_label,
            current=cell(current.total),
            previous=cell(previous.total if previous else 0),
        )
    table = Table(
        key=current.key,
        title=current.title,
        rows=rows,
        total=total,
        additive=current.additive,
        counts_people=people,
        unit=current.unit,
    )
    table.chart = current.chart  # type: ignore[attr-defined]
    return table


def _dimensions(sections: list[Section]) -> list[Dimension]:
    tables = {t.key: t for s in sections for t in s.tables}
    dims = []
    for key, title, indicators in DIMENSIONS:
        rows = []
        for indicator in indicators:
            table = tables.get(indicator.table_key)
            if table is None:
                continue
            source = (
                table.total
                if not indicator.row_key
                else next((r for r in table.rows if r.key == indicator.row_key), None)
            )
            if source is None:
                continue
            rows.append(
                Row(
                    key=f"{indicator.table_key}.{indicator.row_key}",
                    label=str(indicator.label),
                    current=source.current,
                    previous=source.previous,
                )
            )
        dims.append(Dimension(key=key, title=str(title), rows=rows))
    return dims


def build_report(*, hub_ids: list[int], period: Period, suppress: bool, scope: str = "") -> Report:
    """The whole report for ``hub_ids``; with ``suppress``, every small count is withheld."""
    from . import selectors  # noqa: F401 (registers the sections)

    previous = period.previous()
    sections = []
    # A report may be a few seconds behind: it reads from the replica when there is one.
    with reading_from_replica() as alias, transaction.atomic(using=alias):
        if connections[alias].vendor == "postgresql":
            with connections[alias].cursor() as cursor:
                # Room for the hash joins and aggregates of a year of visits without spilling.
                cursor.execute("SET LOCAL work_mem = '64MB'")
        sections = _build_sections(hub_ids, period, previous, suppress)
        report = Report(
            scope=scope,
            hub_ids=hub_ids,
            period=period,
            previous=previous,
            suppressed=suppress,
            sections=sections,
            dimensions=_dimensions(sections),
        )
        report.trends = [_trend(spec, report) for spec in TRENDS.values()]
    return report


def _month_starts(first: date, last: date) -> list[date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _trend(spec: TrendSpec, report: Report) -> Trend:
    """The 12 months up to the end of the period (more when the period is longer, at most 24).
    Withheld like every count
    of people; and since the months inside a period add up to that period's published total, they
    get the same secondary suppression as a table with that total."""
    last = report.period.end
    twelve_months = (last.replace(day=1) - timedelta(days=335)).replace(day=1)
    first = min(report.period.start.replace(day=1), twelve_months)
    first = max(first, (last.replace(day=1) - timedelta(days=730)).replace(day=1))
    months = _month_starts(first, last)
    counts = spec.provider(report.hub_ids, months[0], last)
    points = [(month, Cell(counts.get(month, 0))) for month in months]
    if report.suppressed:
        for _month, cell in points:
            suppress_primary(cell)
        table = report.table(spec.total_table)
        for period, column in ((report.period, "current"), (report.previous, "previous")):
            inside = [c for m, c in points if m >= period.start and _month_end(m) <= period.end]
            if table is not None and table.total is not None and len(inside) > 1:
                suppress_secondary(inside, getattr(table.total, column))
    return Trend(key=spec.key, title=str(spec.title), points=points)


def _month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _build_sections(
    hub_ids: list[int], period: Period, previous: Period, suppress: bool
) -> list[Section]:
    sections = []
    for spec in sorted(SECTIONS.values(), key=lambda s: s.order):
        current = spec.provider(hub_ids, period)
        before = {f.key: f for f in spec.provider(hub_ids, previous)}
        tables = [_merge(figures, before.get(figures.key)) for figures in current]
        if suppress:
            suppress_all(tables)
        sections.append(Section(key=spec.key, title=str(spec.title), tables=tables))
    return sections
