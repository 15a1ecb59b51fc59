"""One hub's month, built to try to reveal a withheld cell: by subtraction from a total, by a shared
total, by what the labels say (a "<5" is 1–4, a cell withheld beside it is 5 or more), by a bar."""

import random

import pytest
from django.utils import translation

from kototori.reports.charts import bar_chart
from kototori.reports.suppression import (
    SMALL,
    SUPPRESSED_LABEL,
    WITHHELD,
    Cell,
    Relation,
    Row,
    Table,
    protect_month,
    ranges,
)


@pytest.fixture(autouse=True)
def _english():
    """The labels are read as the English report writes them ("withheld")."""
    with translation.override("en"):
        yield


def _month(**rows: int) -> tuple[dict[str, int], list[Relation]]:
    values = {f"c:{k}": v for k, v in rows.items()}
    values["=visits"] = sum(rows.values())
    return values, [Relation("=visits", tuple(values)[:-1])]


def _pinned(values, relations, hidden) -> list[str]:
    span = ranges(values, relations, hidden)
    return [v for v, reason in hidden.items() if reason == SMALL and span[v][0] >= span[v][1]]


def test_counts_from_one_to_four_are_withheld_and_zero_and_five_are_published():
    values, relations = _month(a=4, b=5, c=0, d=120)
    hidden = protect_month(values, relations)
    assert hidden["c:a"] == SMALL
    assert "c:c" not in hidden  # a zero says nobody, and is published
    assert "c:d" not in hidden


def test_a_single_small_cell_gets_a_complement_labelled_withheld():
    values, relations = _month(a=2, b=7, c=300)
    hidden = protect_month(values, relations)
    assert hidden == {"c:a": SMALL, "c:b": WITHHELD}


def test_two_fours_are_not_protection_for_each_other():
    # Both "<5" next to a published total of 8: each must be 4. Before, two withheld cells that
    # added up to five or more were enough.
    values, relations = _month(a=4, b=4, c=40)
    hidden = protect_month(values, relations)
    assert not _pinned(values, relations, hidden)
    assert hidden.get("c:c") == WITHHELD


def test_a_one_beside_a_withheld_five_is_not_protected_by_it():
    # 1 ("<5": at least 1) + 5 ("withheld": at least 5) = 6 published as the rest of the total.
    values, relations = _month(a=1, b=5, c=0, d=30)
    hidden = protect_month(values, relations)
    assert not _pinned(values, relations, hidden)
    assert hidden.get("c:d") == WITHHELD


def test_small_cells_that_add_up_to_less_than_five_get_a_complement():
    values, relations = _month(a=1, b=2, c=40, d=60)
    hidden = protect_month(values, relations)
    # The withheld cells add up to the total minus the published ones: that sum is 5 or more.
    assert sum(values[v] for v in hidden) >= 5


def test_a_total_shared_by_two_tables_is_withheld_in_both_or_neither():
    values = {"c:a": 4, "c:b": 4, "o:x": 8, "=visits": 8}
    relations = [Relation("=visits", ("c:a", "c:b")), Relation("=visits", ("o:x",))]
    hidden = protect_month(values, relations)
    # Withholding the total alone would not do: outcomes still say it is 8.
    assert not _pinned(values, relations, hidden)
    assert "o:x" in hidden and "=visits" in hidden


def test_random_months_never_leave_a_small_cell_pinned():
    rng = random.Random(5)
    for _ in range(2000):
        n, m = rng.randint(1, 6), rng.randint(1, 4)
        channels = {f"c:{i}": rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 40]) for i in range(n)}
        total = sum(channels.values())
        outcomes = {f"o:{i}": 0 for i in range(m)}
        for _visit in range(total):
            outcomes[f"o:{rng.randrange(m)}"] += 1
        values = {**channels, **outcomes, "=visits": total}
        relations = [Relation("=visits", tuple(channels)), Relation("=visits", tuple(outcomes))]
        hidden = protect_month(values, relations)
        assert all(v in hidden for v, n in values.items() if 0 < n < 5), values
        assert not _pinned(values, relations, hidden), (values, hidden)
        for relation in relations:
            if "=visits" not in hidden:
                rest = total - sum(values[v] for v in relation.rows if v not in hidden)
                assert rest == 0 or rest >= 5, (values, hidden)


def test_cells_read_under_five_or_withheld_and_export_the_same_words():
    assert Cell(3, reason=SMALL).display == SUPPRESSED_LABEL
    assert Cell(1004, reason=WITHHELD).display == "withheld"
    assert Cell(1004, reason=WITHHELD).export_value == "withheld"
    assert Cell(0).display == "0"


def test_no_change_is_published_next_to_a_withheld_cell():
    row = Row("a", current=Cell(3, reason=SMALL), previous=Cell(8))
    assert row.change == ""


def test_a_withheld_cell_draws_no_bar_in_the_chart():
    rows = [
        Row("secret", Cell(3, reason=SMALL), Cell(0)),
        Row("a", Cell(40, reason=WITHHELD), Cell(0)),
        Row("b", Cell(90), Cell(0)),
    ]
    svg = bar_chart(Table(key="t", title="T", rows=rows))
    assert svg.count("<rect") == 1
    assert SUPPRESSED_LABEL.replace("<", "&lt;") in svg and "withheld" in svg
