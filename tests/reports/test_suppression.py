"""Data built to try to reveal a withheld cell: by subtraction from a total, by the previous-period
column, by a change column, by a bar's length, by the months of a period."""

import pytest

from kototori.reports.charts import bar_chart
from kototori.reports.suppression import SUPPRESSED_LABEL, Cell, Row, Table, suppress_table


def _table(
    current: dict[str, int], previous: dict[str, int] | None = None, *, total=True, additive=True
):
    previous = previous or dict.fromkeys(current, 10)
    rows = [
        Row(key=k, label=k, current=Cell(v), previous=Cell(previous[k])) for k, v in current.items()
    ]
    total_row = (
        Row(
            key="",
            label="Total",
            current=Cell(sum(current.values())),
            previous=Cell(sum(previous.values())),
        )
        if total
        else None
    )
    return Table(key="t", title="T", rows=rows, total=total_row, additive=additive)


def _recoverable(table: Table, column: str) -> bool:
    """Can a withheld cell of ``column`` be worked out from what is published?"""
    total = getattr(table.total, column) if table.total else None
    if total is None or total.suppressed:
        return False
    hidden = [getattr(r, column) for r in table.rows if getattr(r, column).suppressed]
    if not hidden:
        return False
    hidden_sum = total.value - sum(
        getattr(r, column).value for r in table.rows if not getattr(r, column).suppressed
    )
    return len(hidden) == 1 or hidden_sum < 5


def test_counts_below_five_are_withheld_and_five_is_shown():
    table = suppress_table(_table({"a": 4, "b": 5, "c": 120, "d": 80}))
    shown = {r.key: r.current.display for r in table.rows}
    assert shown["a"] == SUPPRESSED_LABEL
    assert shown["b"] != SUPPRESSED_LABEL or shown["a"] == SUPPRESSED_LABEL
    assert shown["c"] == "120"


def test_a_single_small_cell_cannot_be_recovered_from_the_total():
    table = suppress_table(_table({"small": 2, "mid": 7, "big": 300}))
    assert not _recoverable(table, "current")
    assert [r.key for r in table.rows if r.current.suppressed] == ["small", "mid"]


def test_two_small_cells_that_add_up_to_less_than_five_are_protected_too():
    table = suppress_table(_table({"a": 1, "b": 2, "c": 40, "d": 60}))
    assert not _recoverable(table, "current")


def test_zero_next_to_a_small_cell_does_not_count_as_protection():
    table = suppress_table(_table({"a": 0, "b": 3, "c": 40, "d": 60}))
    assert not _recoverable(table, "current")
    assert table.rows[2].current.suppressed  # 40 withheld as the complement, not only the zero


def test_when_every_cell_is_small_the_total_is_withheld_as_well():
    table = suppress_table(_table({"a": 1, "b": 2}))
    assert table.total.current.suppressed


def test_the_previous_period_column_is_protected_on_its_own():
    table = suppress_table(_table({"a": 50, "b": 60, "c": 70}, previous={"a": 3, "b": 60, "c": 70}))
    assert not _recoverable(table, "previous")
    assert not _recoverable(table, "current")


def test_no_change_is_published_next_to_a_withheld_cell():
    table = suppress_table(_table({"a": 3, "b": 60, "c": 70}, previous={"a": 8, "b": 60, "c": 70}))
    row = table.rows[0]
    assert row.current.suppressed
    assert row.change == ""


def test_figures_that_do_not_count_people_are_not_withheld():
    table = _table({"hours": 3})
    table.counts_people = False
    for row in table.all_rows:
        row.current.counts_people = row.previous.counts_people = False
    suppress_table(table)
    assert table.rows[0].current.display == "3"


def test_randomised_tables_never_leave_a_withheld_cell_recoverable():
    import random

    rng = random.Random(5)
    for _ in range(500):
        n = rng.randint(1, 8)
        current = {str(i): rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 15, 40]) for i in range(n)}
        previous = {k: rng.choice([0, 1, 3, 4, 7, 12, 33]) for k in current}
        table = suppress_table(_table(current, previous))
        for row in table.all_rows:
            for cell in (row.current, row.previous):
                assert cell.suppressed or cell.value >= 5, (current, previous)
        assert not _recoverable(table, "current"), current
        assert not _recoverable(table, "previous"), previous


def test_a_withheld_cell_draws_no_bar_in_the_chart():
    table = suppress_table(_table({"secret": 3, "a": 40, "b": 90}))
    svg = bar_chart(table)
    assert svg.count("<rect") == 1  # only "b": "secret" and its complement "a" are withheld
    assert SUPPRESSED_LABEL.replace("<", "&lt;") in svg


@pytest.mark.django_db
def test_months_inside_a_quarter_cannot_reveal_a_withheld_month(hub):
    """A quarter's total is published; two months of it shown would give away the third."""
    from kototori.reports.builder import build_report
    from kototori.reports.periods import quarter
    from visits.models import Visit

    for month, n in ((7, 20), (8, 3), (9, 30)):
        for _ in range(n):
            Visit.objects.create(hub=hub, visited_at=_aware(2026, month, 10))
    report = build_report(
        hub_ids=[hub.pk], period=quarter(_aware(2026, 7, 1).date()), suppress=True
    )
    months = {
        m.month: c for m, c in report.trends[0].points if m.year == 2026 and 7 <= m.month <= 9
    }
    assert months[8].display == SUPPRESSED_LABEL
    assert sum(1 for c in months.values() if c.suppressed) >= 2
    assert report.table("visits_overview").total.current.display == "53"


def _aware(year, month, day):
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime(year, month, day, 12))
