"""Reporting periods: a month, a quarter, a year or a funding period, each with the one before.

Periods live between ``FIRST_YEAR`` and ``LAST_YEAR``: anything outside (year 1, year 9999, a
twenty-digit month) is refused with ``ValueError`` before a date can overflow.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

KINDS = ("month", "quarter", "year", "custom")
FIRST_YEAR = 2000
LAST_YEAR = 2100
MAX_DAYS = 366 * 7


@dataclass(frozen=True)
class Period:
    kind: str
    start: date  # first day, inclusive
    end: date  # last day, inclusive

    @property
    def start_dt(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_dt(self) -> datetime:
        """Exclusive upper bound: midnight after the last day."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole_months(self) -> bool:
        """Starts on the first day of a month and ends on the last day of one."""
        return self.start.day == 1 and (self.end + timedelta(days=1)).day == 1

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        return month_starts(self.start, self.end)

    @property
    def label(self) -> str:
        """The period as a person reads it, in the active language's date format."""
        if self.kind == "month":
            return formats.date_format(self.start, "YEAR_MONTH_FORMAT")
        if self.kind == "quarter":
            return _("Q%(q)s/%(year)s") % {
                "q": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == "year":
            return str(self.start.year)
        return "{}–{}".format(
            formats.date_format(self.start, "SHORT_DATE_FORMAT"),
            formats.date_format(self.end, "SHORT_DATE_FORMAT"),
        )

    @property
    def param(self) -> str:
        """The value of the ``period`` query parameter that selects this period."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start:%Y-%m-%d}_{self.end:%Y-%m-%d}"

    def previous(self) -> Period:
        if self.kind == "month":
            return month(self.start - timedelta(days=1))
        if self.kind == "quarter":
            return quarter(self.start - timedelta(days=1))
        if self.kind == "year":
            return year(self.start.year - 1)
        if self.whole_months:
            # The same number of whole months before, so a funding period stays on the grid of
            # months that suppressed reports are built from.
            count = len(self.months())
            first = self.start
            for _month in range(count):
                first = (first - timedelta(days=1)).replace(day=1)
            return Period("custom", first, self.start - timedelta(days=1))
        return Period(
            "custom", self.start - timedelta(days=self.days), self.start - timedelta(days=1)
        )


def month_starts(first: date, last: date) -> list[date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def month_end(start: date) -> date:
    return (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def month(day: date) -> Period:
    last = calendar.monthrange(day.year, day.month)[1]
    return Period("month", day.replace(day=1), day.replace(day=last))


def quarter(day: date) -> Period:
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    end_month = first_month + 2
    return Period(
        "quarter", start, date(day.year, end_month, calendar.monthrange(day.year, end_month)[1])
    )


def year(number: int) -> Period:
    return Period("year", date(number, 1, 1), date(number, 12, 31))


def parse(value: str | None, *, today: date | None = None) -> Period:
    """``2026-10`` → month, ``2026-Q3`` → quarter, ``2026`` → year, ``2025-09-01_2027-08-31`` → a
    funding period. Nothing → the last full month. Raises ValueError for anything else, including
    dates before ``FIRST_YEAR`` or after ``LAST_YEAR``."""
    today = today or timezone.localdate()
    value = (value or "").strip()
    if not value:
        return month(today.replace(day=1) - timedelta(days=1))
    if len(value) > 40:
        raise ValueError("too long")
    try:
        period = _parse(value)
    except (OverflowError, IndexError) as exc:  # a year of twenty digits, "2026-"
        raise ValueError("not a period") from exc
    if period.start.year < FIRST_YEAR or period.end.year > LAST_YEAR:
        raise ValueError("out of range")
    return period


def _parse(value: str) -> Period:
    if "_" in value:
        first, last = (date.fromisoformat(part) for part in value.split("_", 1))
        if last < first or (last - first).days > MAX_DAYS:
            raise ValueError("bad range")
        return Period("custom", first, last)
    if "-Q" in value.upper():
        number, q = value.upper().split("-Q")
        if q not in {"1", "2", "3", "4"} or not number.isdigit():
            raise ValueError("bad quarter")
        return quarter(date(_year(number), (int(q) - 1) * 3 + 1, 1))
    if len(value) == 4 and value.isdigit():
        return year(_year(value))
    number, mon = value.split("-")
    if not (number.isdigit() and mon.isdigit()):
        raise ValueError("bad month")
    return month(date(_year(number), int(mon), 1))


def _year(text: str) -> int:
    number = int(text)
    if not FIRST_YEAR <= number <= LAST_YEAR:
        raise ValueError("out of range")
    return number
