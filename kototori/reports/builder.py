"""Build the outcome report: figures from SQL for two periods, merged, suppressed, charted.

Counts of people come from ``base.py`` (per hub and month, or per hub and period for a full report);
the other figures (medians, hours, averages) from the sections registered by ``@section(...)`` in
``selectors.py``. A suppressed report protects each hub's months (``suppression.protect_month``) and
withholds every figure that adds up a withheld cell; see docs/reports.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connections, transaction
from django.utils import timezone

from kototori.db import reading_from_replica

from . import base as base_cells
from . import charts
from .participation import DIMENSIONS
from .periods import Period, month_end, month_starts
from .suppression import WITHHELD, Cell, Relation, Row, Table, protect_month


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
        return charts.trend_chart(self.title, self.points)


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
    if current.counts_people:
        # Every count of people is read per hub and month in base.py, where it is protected.
        raise ValueError(f"{current.key}: counts of people belong in reports/base.py")
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
    return Table(
        key=current.key,
        title=current.title,
        rows=rows,
        total=total,
        additive=current.additive,
        counts_people=people,
        unit=current.unit,
        chart=current.chart,
    )


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


def relations(base: base_cells.Base, cells: dict[str, int]) -> list[Relation]:
    """The additive tables of one hub's month as sums of variables."""
    result = []
    for spec in base_cells.SPECS:
        if spec.additive:
            rows = tuple(
                var for var in cells if var.startswith(f"{spec.key}:") and var != spec.total
            )
            result.append(Relation(spec.total, rows))
    return result


@dataclass
class _Cube:
    """The base cells of a report, and (for a suppressed one) what each hub's month withholds."""

    base: base_cells.Base
    hidden: dict[tuple[int, int], dict[str, str]]
    suppress: bool
    distinct: base_cells.Base | None = None

    def bins(self, period: Period) -> list[int]:
        return [
            i
            for i, (start, end) in enumerate(self.base.bins)
            if start >= period.start and end <= period.end
        ]

    def cell(self, hub_ids: list[int], bins: list[int], var: str, *, distinct_bin=None) -> Cell:
        if distinct_bin is not None and self.distinct is not None:
            value = sum(self.distinct.value(h, distinct_bin, var) for h in hub_ids)
        else:
            value = sum(self.base.value(h, b, var) for h in hub_ids for b in bins)
        if not self.suppress:
            return Cell(value)
        reasons = [self.hidden.get((h, b), {}).get(var) for h in hub_ids for b in bins]
        reasons = [r for r in reasons if r]
        if not reasons and not 0 < value < 5:
            return Cell(value)
        # One hub's month says why; any sum over several cells is only "withheld".
        single = len(hub_ids) == 1 and len(bins) == 1 and reasons
        return Cell(value, reason=reasons[0] if single else WITHHELD)


def _base_tables(cube: _Cube, hub_ids: list[int], period: Period, previous: Period) -> dict:
    tables = {}
    periods = ((period, cube.bins(period), 1), (previous, cube.bins(previous), 0))
    for spec in base_cells.SPECS:
        labels = cube.base.labels.get(spec.key, {})

        def pair(var: str, spec=spec) -> tuple[Cell, Cell]:
            cells = []
            for _p, bins, slot in periods:
                use = bins[-1:] if spec.stock else bins
                row_key = var.split(":", 1)[-1]
                distinct = slot if row_key in spec.distinct and len(use) > 1 else None
                cells.append(cube.cell(hub_ids, use, var, distinct_bin=distinct))
            return cells[0], cells[1]

        rows = []
        for row_key, label in labels.items():
            current, before = pair(base_cells.variable(spec.key, row_key))
            if (
                (spec.key in base_cells.DYNAMIC or row_key == base_cells.OTHER)
                and not current.value
                and not before.value
            ):
                continue
            rows.append(Row(key=row_key, label=str(label), current=current, previous=before))
        total = None
        if spec.total:
            current, before = pair(spec.total)
            total = Row(key="", label=str(spec.total_label), current=current, previous=before)
        tables[spec.key] = Table(
            key=spec.key, title=str(spec.title), rows=rows, total=total, additive=spec.additive
        )
    return tables


def build_report(*, hub_ids: list[int], period: Period, suppress: bool, scope: str = "") -> Report:
    """The whole report for ``hub_ids``; with ``suppress``, every small count is withheld, and so is
    every figure that would let a reader work one out (also across reports: docs/reports.md)."""
    from . import selectors  # noqa: F401 (registers the sections)

    previous = period.previous()
    sections = []
    # A report may be a few seconds behind: it reads from the replica when there is one.
    with reading_from_replica() as alias, transaction.atomic(using=alias):
        if connections[alias].vendor == "postgresql":
            with connections[alias].cursor() as cursor:
                # Room for the hash joins and aggregates of a year of visits without spilling.
                cursor.execute("SET LOCAL work_mem = '64MB'")
        cube = _cube(hub_ids, period, previous, suppress)
        sections = _build_sections(cube, hub_ids, period, previous)
        report = Report(
            scope=scope,
            hub_ids=hub_ids,
            period=period,
            previous=previous,
            suppressed=suppress,
            sections=sections,
            dimensions=_dimensions(sections),
        )
        if suppress:
            report.trends = [_protected_trend(cube, report)]
        else:
            report.trends = [_trend(spec, report) for spec in TRENDS.values()]
    return report


def _trend_months(period: Period) -> list[date]:
    """The 12 months up to the end of the period (more when the period is longer, at most 24)."""
    last = period.end
    twelve_months = (last.replace(day=1) - timedelta(days=335)).replace(day=1)
    first = min(period.start.replace(day=1), twelve_months)
    first = max(first, (last.replace(day=1) - timedelta(days=730)).replace(day=1))
    return month_starts(first, last)


def _cube(hub_ids: list[int], period: Period, previous: Period, suppress: bool) -> _Cube:
    if not suppress:
        bins = [(previous.start, previous.end), (period.start, period.end)]
        return _Cube(base_cells.fetch(hub_ids, bins), {}, suppress=False)
    # Suppressed reports are built from whole months only (the views refuse other periods).
    first = min(previous.start, _trend_months(period)[0])
    bins = [(m, month_end(m)) for m in month_starts(first, period.end)]
    base = base_cells.fetch(hub_ids, bins)
    hidden = {}
    for key, cells in base.cells.items():
        hidden[key] = protect_month(cells, relations(base, cells))
    distinct = None
    if period.kind != "month" or previous.kind != "month":
        distinct = base_cells.fetch_distinct(
            hub_ids, [(previous.start, previous.end), (period.start, period.end)]
        )
    return _Cube(base, hidden, suppress=True, distinct=distinct)


def _protected_trend(cube: _Cube, report: Report) -> Trend:
    title, points = base_cells.TREND_TITLE, []
    for month in _trend_months(report.period):
        index = cube.base.bins.index((month, month_end(month)))
        points.append((month, cube.cell(report.hub_ids, [index], "=visits")))
    return Trend(key="visits_per_month", title=str(title), points=points)


def _trend(spec: TrendSpec, report: Report) -> Trend:
    months = _trend_months(report.period)
    counts = spec.provider(report.hub_ids, months[0], report.period.end)
    points = [(month, Cell(counts.get(month, 0))) for month in months]
    return Trend(key=spec.key, title=str(spec.title), points=points)


def _build_sections(
    cube: _Cube, hub_ids: list[int], period: Period, previous: Period
) -> list[Section]:
    from_base = _base_tables(cube, hub_ids, period, previous)
    sections = []
    for spec in sorted(SECTIONS.values(), key=lambda s: s.order):
        current = spec.provider(hub_ids, period)
        before = {f.key: f for f in spec.provider(hub_ids, previous)}
        others = iter([_merge(figures, before.get(figures.key)) for figures in current])
        placed = {b.position: from_base[b.key] for b in base_cells.SPECS if b.section == spec.key}
        tables = []
        for position in range(len(placed) + len(current)):
            table = placed.get(position) or next(others, None)
            if table is not None:
                tables.append(table)
        sections.append(Section(key=spec.key, title=str(spec.title), tables=tables))
    return sections
