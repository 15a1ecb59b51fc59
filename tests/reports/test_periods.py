from datetime import date

import pytest

from kototori.reports import periods


def test_a_month_compares_with_the_month_before_across_a_year_boundary():
    period = periods.parse("2026-01")
    assert (period.start, period.end) == (date(2026, 1, 1), date(2026, 1, 31))
    assert period.previous().start == date(2025, 12, 1)


def test_quarters_years_and_funding_periods():
    assert periods.parse("2026-Q3").start == date(2026, 7, 1)
    assert periods.parse("2026-Q3").end == date(2026, 9, 30)
    assert periods.parse("2026").previous().start == date(2025, 1, 1)
    funding = periods.parse("2025-09-01_2026-08-31")
    assert funding.previous().end == date(2025, 8, 31)
    assert funding.previous().days == funding.days


def test_no_period_means_last_full_month():
    assert periods.parse("", today=date(2026, 11, 25)).start == date(2026, 10, 1)


@pytest.mark.parametrize(
    "bad", ["2026-13", "2026-Q5", "2026-02-30_2026-03-01", "2027-01-01_2026-01-01", "x"]
)
def test_impossible_periods_are_refused(bad):
    with pytest.raises(ValueError):
        periods.parse(bad)


@pytest.mark.parametrize(
    "crafted",
    [
        "0001-01",
        "0001",
        "0001-Q1",
        "9999-12",
        "9999",
        "9999-Q4",
        "0001-01-01_0001-01-31",
        "9999-12-01_9999-12-31",
        "99999999999999999999-01",
        "2026-99999999999999999999",
        "2026-",
        "-Q1",
        "2026-Q",
        "x" * 5000,
    ],
)
def test_periods_near_year_one_or_9999_are_refused_before_a_date_overflows(crafted):
    with pytest.raises(ValueError):
        periods.parse(crafted)
