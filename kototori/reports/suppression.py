"""Small-cell suppression of one hub's month, and how a withheld cell reads.

The method, in full, is in docs/reports.md ("Small-cell suppression"). Here is its base step: the
counts of people of ONE hub in ONE calendar month, every table at once.

- Primary: a count from 1 to 4 is withheld and reads "<5". A zero is published.
- Secondary: the reader knows how the tables add up (the rows of an additive table make its total;
  some tables share a total, e.g. all visits), and knows what the labels say: a "<5" cell is 1–4,
  a cell withheld by this step is 5 or more (it was published-size). With exactly that knowledge we
  compute, for every withheld cell, the smallest and largest value it can take. While some "<5"
  cell can take only one value, or the withheld cells of a table with a published total add up to
  1–4, we withhold one more cell of that table (the smallest published one that is not zero; the
  total when none is left) and compute again. Those cells read "withheld".

Every other figure a reader can open (a quarter, a year, a funding period, several hubs) is a sum of
these cells and is withheld whenever one of its cells is: ``compose``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from collections.abc import Iterable

THRESHOLD = 5
SMALL = "small"  # primary: 1–4
WITHHELD = "withheld"  # secondary, or a sum that contains a withheld cell
ANY_SIZE = "any_size"  # withheld as a whole table, sizes not implied; reads "withheld" too
SUPPRESSED_LABEL = "<5"
WITHHELD_LABEL = gettext_lazy("withheld")
INF = float("inf")


@dataclass
class Cell:
    value: int | float | None
    counts_people: bool = True
    reason: str = ""  # "" (published), SMALL or WITHHELD

    @property
    def suppressed(self) -> bool:
        return bool(self.reason)

    @property
    def label(self) -> str:
        return SUPPRESSED_LABEL if self.reason == SMALL else str(WITHHELD_LABEL)

    @property
    def display(self) -> str:
        """The figure as a person reads it, in the active language's number format."""
        if self.reason:
            return self.label
        if self.value is None:
            return "–"
        if isinstance(self.value, float):
            return formats.number_format(self.value, 1, use_l10n=True, force_grouping=True)
        return formats.number_format(self.value, use_l10n=True, force_grouping=True)

    @property
    def export_value(self) -> int | float | str | None:
        """Numbers stay numbers in exports; a withheld cell is its label."""
        return self.label if self.reason else self.value


@dataclass
class Row:
    label: str
    current: Cell
    previous: Cell
    key: str = ""

    @property
    def change_value(self) -> int | float | None:
        if self.current.suppressed or self.previous.suppressed:
            return None
        if self.current.value is None or self.previous.value is None:
            return None
        return self.current.value - self.previous.value

    @property
    def change(self) -> str:
        diff = self.change_value
        if diff is None:
            return ""
        sign = "+" if diff > 0 else ""
        if isinstance(diff, float):
            return sign + formats.number_format(diff, 1, use_l10n=True, force_grouping=True)
        return sign + formats.number_format(diff, use_l10n=True, force_grouping=True)


@dataclass
class Table:
    """Rows of one breakdown. ``total`` is published when given; ``additive`` says the rows add up to
    it (each person/visit in exactly one row)."""

    key: str
    title: str
    rows: list[Row]
    total: Row | None = None
    additive: bool = False
    counts_people: bool = True
    unit: str = ""
    notes: list[str] = field(default_factory=list)
    chart: str = "bar"

    @property
    def all_rows(self) -> list[Row]:
        return [*self.rows, *([self.total] if self.total else [])]


@dataclass(frozen=True)
class Relation:
    """``total`` = sum of ``rows`` (variable names)."""

    total: str
    rows: tuple[str, ...]


def protect_month(values: dict[str, int], relations: Iterable[Relation]) -> dict[str, str]:
    """The cells of one hub's month to withhold: {variable: SMALL or WITHHELD}."""
    relations = [r for r in relations if r.total in values or any(v in values for v in r.rows)]
    hidden = {var: SMALL for var, n in values.items() if 0 < n < THRESHOLD}
    for _step in range(2 * len(values) + 2):
        problem = _first_problem(values, relations, hidden)
        if problem is None:
            break
        candidates = _candidates([problem], values, hidden)
        if not candidates and problem.total not in hidden and values.get(problem.total, 0):
            hidden[problem.total] = WITHHELD
            continue
        # The total is withheld but another table that shares it still pins it down.
        candidates = candidates or _candidates(
            [r for r in relations if r.total == problem.total], values, hidden
        )
        if candidates:
            hidden[candidates[0][1]] = WITHHELD
            continue
        # Everything is withheld and the labels still pin a cell (e.g. 5+1+1+1 = 4+4): the
        # tables of this total say nothing about sizes any more. Every count in them reads
        # "withheld", which a reader can then only take as "at least 1".
        family = [r for r in relations if r.total == problem.total]
        for var in {problem.total, *(v for r in family for v in r.rows)}:
            if values.get(var, 0):
                hidden[var] = ANY_SIZE
    return hidden


def _candidates(relations, values, hidden) -> list[tuple[int, str]]:
    """Published rows that are not zero, smallest first (a zero protects nothing: it is known)."""
    return sorted(
        (values.get(v, 0), v)
        for relation in relations
        for v in relation.rows
        if v not in hidden and values.get(v, 0)
    )


def _bounds(var: str, values: dict[str, int], hidden: dict[str, str]) -> tuple[float, float]:
    if var not in hidden:
        n = values.get(var, 0)
        return n, n
    if hidden[var] == SMALL:
        return 1, THRESHOLD - 1
    return (THRESHOLD, INF) if hidden[var] == WITHHELD else (1, INF)


def ranges(
    values: dict[str, int], relations: list[Relation], hidden: dict[str, str]
) -> dict[str, tuple[float, float]]:
    """What a reader can tell about each withheld cell: its smallest and largest possible value.

    Exact for this structure: the tables sharing a total are independent once the total is fixed,
    and each is one sum over boxes, whose projections are intervals."""
    result = {var: _bounds(var, values, hidden) for var in hidden}
    by_total: dict[str, list[Relation]] = {}
    for relation in relations:
        by_total.setdefault(relation.total, []).append(relation)
    for total, group in by_total.items():
        low, high = _bounds(total, values, hidden)
        for relation in group:  # the total as each table allows it
            visible, lows, highs = _parts(relation, values, hidden)
            low, high = max(low, visible + sum(lows)), min(high, visible + sum(highs))
        if total in hidden:
            result[total] = (low, high)
        for relation in group:
            visible, lows, highs = _parts(relation, values, hidden)
            for var in relation.rows:
                if var not in hidden:
                    continue
                own_low, own_high = _bounds(var, values, hidden)
                others_low = sum(lows) - own_low
                others_high = sum(highs) - own_high
                result[var] = (
                    max(own_low, low - visible - others_high),
                    min(own_high, high - visible - others_low),
                )
    return result


def _parts(relation, values, hidden) -> tuple[int, list[float], list[float]]:
    visible = sum(values.get(v, 0) for v in relation.rows if v not in hidden)
    bounds = [_bounds(v, values, hidden) for v in relation.rows if v in hidden]
    return visible, [b[0] for b in bounds], [b[1] for b in bounds]


def _first_problem(values, relations, hidden) -> Relation | None:
    """The first table where a "<5" cell can be pinned down, or whose withheld cells add up to a
    small number next to a published total."""
    span = ranges(values, relations, hidden)
    for relation in relations:
        members = [relation.total, *relation.rows]
        for var in members:
            if hidden.get(var) == SMALL and span[var][0] >= span[var][1]:
                return relation
        total_known = (
            relation.total not in hidden or span[relation.total][0] >= span[relation.total][1]
        )
        hidden_rows = [v for v in relation.rows if v in hidden]
        if total_known and hidden_rows:
            total = values.get(relation.total, 0)
            visible = sum(values.get(v, 0) for v in relation.rows if v not in hidden)
            if 0 < total - visible < THRESHOLD:
                return relation
    return None
