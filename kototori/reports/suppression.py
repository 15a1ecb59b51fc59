"""Small-cell suppression for figures that count people.

Primary: every count below ``THRESHOLD`` (5) is withheld and shown as "<5".

Secondary: a withheld cell must not be recoverable by arithmetic. Within every *additive group* (cells
that add up to a published total, e.g. visits by channel = all visits) and across the two period
columns, we keep withholding the smallest visible cells until:
- no group has exactly one withheld cell next to a published total, and
- the withheld cells of a group do not add up to less than the threshold (that sum is recoverable as
  total − visible cells, and a small sum reveals small cells);
and if that cannot be reached, the total is withheld as well.

A change column (current − previous) is never published for a row where either side is withheld.
"""

from __future__ import annotations

from dataclasses import dataclass, field

THRESHOLD = 5
SUPPRESSED_LABEL = "<5"


@dataclass
class Cell:
    value: int | float | None
    counts_people: bool = True
    suppressed: bool = False

    @property
    def display(self) -> str:
        if self.suppressed:
            return SUPPRESSED_LABEL
        if self.value is None:
            return "–"
        if isinstance(self.value, float):
            return f"{self.value:.1f}"
        return str(self.value)

    @property
    def export_value(self) -> int | float | str | None:
        """Numbers stay numbers in exports; a withheld cell is the label."""
        return SUPPRESSED_LABEL if self.suppressed else self.value


@dataclass
class Row:
    label: str
    current: Cell
    previous: Cell
    key: str = ""

    @property
    def change(self) -> str:
        if self.current.suppressed or self.previous.suppressed:
            return ""
        if self.current.value is None or self.previous.value is None:
            return ""
        diff = self.current.value - self.previous.value
        if isinstance(diff, float):
            return f"{diff:+.1f}"
        return f"{diff:+d}"


@dataclass
class Table:
    """Rows of one breakdown. ``total`` is published when given; ``additive`` says the rows add up to
    it (each person/visit in exactly one row), which is what makes secondary suppression needed."""

    key: str
    title: str
    rows: list[Row]
    total: Row | None = None
    additive: bool = False
    counts_people: bool = True
    unit: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def all_rows(self) -> list[Row]:
        return [*self.rows, *([self.total] if self.total else [])]


def suppress_primary(cell: Cell) -> None:
    if cell.counts_people and cell.value is not None and cell.value < THRESHOLD:
        cell.suppressed = True


def suppress_secondary(cells: list[Cell], total: Cell | None) -> None:
    """Suppress more cells of one additive column until the withheld ones can't be recovered."""
    if total is None or total.suppressed:
        return
    while True:
        hidden = [c for c in cells if c.suppressed]
        if not hidden:
            return
        hidden_sum = sum(c.value or 0 for c in hidden)
        if len(hidden) >= 2 and hidden_sum >= THRESHOLD:
            return
        visible = sorted(
            (c for c in cells if not c.suppressed and c.value is not None), key=lambda c: c.value
        )
        if not visible:
            # Everything is withheld and they add up to the total: the total itself reveals them.
            if hidden_sum < THRESHOLD or len(hidden) < 2:
                total.suppressed = True
            return
        # Prefer a non-zero cell: withholding a zero next to one small cell protects nothing.
        nonzero = [c for c in visible if c.value]
        (nonzero or visible)[0].suppressed = True


def suppress_table(table: Table) -> Table:
    """Apply primary and secondary suppression in place (and return the table)."""
    if not table.counts_people:
        return table
    for row in table.all_rows:
        suppress_primary(row.current)
        suppress_primary(row.previous)
    if table.additive:
        for column in ("current", "previous"):
            cells = [getattr(row, column) for row in table.rows]
            total = getattr(table.total, column) if table.total else None
            suppress_secondary(cells, total)
    return table


def suppress_all(tables: list[Table]) -> list[Table]:
    for table in tables:
        suppress_table(table)
    return tables
