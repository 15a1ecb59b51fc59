"""A reader who tries to work out withheld figures from every report they may open.

The reader knows how the figures add up (each hub's month: rows of an additive table make its total,
tables that share a total share it; a quarter, a year, a run of months, all hubs: sums of hubs'
months), knows the method (a "<5" cell is 1–4; a "withheld" cell of one hub's month is 5 or more; any
other "withheld" figure is at least 1; a dynamic row left out of a table is zero in both periods),
and solves for each withheld figure the smallest and largest whole number it can be: a mixed-integer
linear programme over every hub-month cell (scipy's HiGHS), after a linear-programming pass.

Everything it reads is the published report (``Cell.display`` / ``Cell.reason`` of every row of
every table and trend), never the values behind a withheld cell.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import LinearConstraint, linprog, milp
from scipy.sparse import csr_array, vstack

from kototori.reports import base as base_cells
from kototori.reports.periods import month_end
from kototori.reports.suppression import SMALL, WITHHELD

# Tables the random data fill; the reader models these (others are all zero in the data).
TABLES = [
    "visits_overview",
    "visit_channels",
    "visit_outcomes",
    "visit_languages",
    "referrals_by_partner",
    "referral_results",
]


@dataclass
class Figure:
    """One published figure: the hub-month cells it adds up, and what it says."""

    cells: tuple[tuple[int, object, str], ...]  # (hub id, month start, variable)
    display: str
    reason: str
    value: int | float | None  # used only when published (not withheld)
    where: str


@dataclass
class Reader:
    figures: list[Figure] = field(default_factory=list)

    def read(self, report) -> None:
        """Everything ``report`` publishes about the modelled tables."""
        hubs = tuple(report.hub_ids)
        columns = (("current", report.period), ("previous", report.previous))
        for key in TABLES:
            table = report.table(key)
            spec = base_cells.SPEC_BY_KEY[key]
            for row in table.all_rows:
                var = spec.total if row is table.total else base_cells.variable(key, row.key)
                for column, period in columns:
                    months = period.months()
                    cell = getattr(row, column)
                    self._add(hubs, months, var, cell, f"{report.period.param}/{hubs}/{key}")
            # A dynamic row that is not listed is zero in both periods.
            if key in base_cells.DYNAMIC:
                listed = {row.key for row in table.rows}
                self.absent.append((hubs, key, listed, report.period, report.previous))
        for trend in report.trends:
            for month, cell in trend.points:
                self._add(hubs, [month], "=visits", cell, f"trend/{hubs}/{month}")

    def __post_init__(self):
        self.absent = []

    def _add(self, hubs, months, var, cell, where) -> None:
        cells = tuple((h, m, var) for h in hubs for m in months)
        self.figures.append(Figure(cells, cell.display, cell.reason, cell.value, where))


def solve(
    reader: Reader, truth: dict[tuple[int, object, str], int], relations, *, integer_checks=60
) -> tuple[list[str], dict]:
    """Every withheld figure whose true value is 1–4 that the reader can pin to one number.

    Each such figure gets a linear-programming minimum and maximum (if even the relaxation cannot
    move it, neither can whole numbers). The ``integer_checks`` figures with the narrowest linear
    range are then solved again in whole numbers (a mixed-integer programme), which can only be
    narrower. Returns the pinned figures and counts of what was checked."""
    index: dict[tuple, int] = {}

    def var(cell) -> int:
        if cell not in index:
            index[cell] = len(index)
        return index[cell]

    constraints: dict[tuple, tuple[float, float]] = {}

    def constrain(cells, low, high) -> None:
        key = tuple(sorted(var(c) for c in cells))
        old_low, old_high = constraints.get(key, (-np.inf, np.inf))
        constraints[key] = (max(old_low, low), min(old_high, high))

    for figure in reader.figures:
        if not figure.reason:
            constrain(figure.cells, figure.value, figure.value)
        elif figure.reason == SMALL:
            constrain(figure.cells, 1, 4)
        elif figure.reason == WITHHELD and len(figure.cells) == 1:
            constrain(figure.cells, 5, np.inf)
        else:
            constrain(figure.cells, 1, np.inf)
    known_rows = defaultdict(set)
    for figure in reader.figures:
        for _h, _m, name in figure.cells:
            if ":" in name:
                table, row = name.split(":", 1)
                known_rows[table].add(row)
    for hubs, table, listed, *periods in reader.absent:
        for row in known_rows[table] - listed:
            for period in periods:
                cells = [(h, m, f"{table}:{row}") for h in hubs for m in period.months()]
                constrain(cells, 0, 0)
    equalities = []
    for h, m in {(h, m) for (h, m, _v) in list(index)}:
        for total, table in relations:
            members = [var((h, m, f"{table}:{row}")) for row in sorted(known_rows[table])]
            equalities.append((members, var((h, m, total))))

    n = len(index)
    eq_rows, eq_cols, eq_data, eq_b = [], [], [], []
    ub_rows, ub_cols, ub_data, ub_b = [], [], [], []
    for key, (low, high) in constraints.items():
        if low == high:
            for j in key:
                eq_rows.append(len(eq_b)), eq_cols.append(j), eq_data.append(1.0)
            eq_b.append(low)
            continue
        for bound, sign in ((high, 1.0), (low, -1.0)):
            if np.isfinite(bound):
                for j in key:
                    ub_rows.append(len(ub_b)), ub_cols.append(j), ub_data.append(sign)
                ub_b.append(sign * bound)
    for members, total in equalities:
        for j in members:
            eq_rows.append(len(eq_b)), eq_cols.append(j), eq_data.append(1.0)
        eq_rows.append(len(eq_b)), eq_cols.append(total), eq_data.append(-1.0)
        eq_b.append(0.0)
    a_eq = csr_array((eq_data, (eq_rows, eq_cols)), shape=(len(eq_b), n))
    a_ub = csr_array((ub_data, (ub_rows, ub_cols)), shape=(len(ub_b), n))
    b_eq, b_ub = np.array(eq_b), np.array(ub_b)

    targets: dict[tuple, tuple[int, str]] = {}
    for figure in reader.figures:
        true_value = sum(truth.get(c, 0) for c in figure.cells)
        if figure.reason and 0 < true_value < 5:
            targets.setdefault(tuple(sorted(var(c) for c in figure.cells)), (true_value, figure))
    pinned, widths = [], []
    for key, (true_value, figure) in targets.items():
        objective = np.zeros(n)
        objective[list(key)] = 1.0
        ranges = []
        for sign in (1.0, -1.0):
            result = linprog(sign * objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq)
            if result.status == 3:  # no upper limit at all
                ranges.append(np.inf)
                continue
            assert result.status == 0, (figure.where, result.message)
            ranges.append(sign * result.fun)
        low, high = ranges
        assert low - 1e-6 <= true_value <= high + 1e-6, (figure.where, low, true_value, high)
        if high - low < 0.5:
            pinned.append(f"{figure.where}: {figure.display} is {true_value} (linear bound)")
        widths.append((high - low, key, true_value, figure))
    widths.sort(key=lambda w: w[0])
    matrix = vstack([a_eq, a_ub]).tocsr()
    lows = np.concatenate([b_eq, np.full(len(b_ub), -np.inf)])
    highs = np.concatenate([b_eq, b_ub])
    whole = LinearConstraint(matrix, lows, highs)
    checked = 0
    for width, key, true_value, figure in widths[:integer_checks]:
        if width < 0.5:
            continue
        objective = np.zeros(n)
        objective[list(key)] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            result = milp(sign * objective, constraints=whole, integrality=np.ones(n))
            if result.status == 3:
                ends.append(np.inf)
                continue
            assert result.status == 0, (figure.where, result.message)
            ends.append(round(sign * result.fun))
        checked += 1
        if ends[0] == ends[1]:
            pinned.append(f"{figure.where}: {figure.display} is {true_value} (whole numbers)")
    narrowest = widths[0][0] if widths else None
    return pinned, {"targets": len(targets), "integer": checked, "narrowest": narrowest, "n": n}


def truth_of(base) -> dict[tuple[int, object, str], int]:
    """The true hub-month cells (only the test's data generator and this check see them)."""
    result = {}
    for (hub_id, bin_index), values in base.cells.items():
        start, _end = base.bins[bin_index]
        for name, value in values.items():
            result[hub_id, start, name] = value
    return result


def month_bins(first, last) -> list[tuple]:
    from kototori.reports.periods import month_starts

    return [(m, month_end(m)) for m in month_starts(first, last)]
