"""Reporting periods: a month, a quarter, a year or a funding period, each with the one before."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

KINDS = ("month", "quarter", "year", "custom")


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
    def label(self) -> str:
        if self.kind == "month":
            return self.start.strftime("%m/%Y")
        if self.kind == "quarter":
            return _("Q%(q)s/%(year)s") % {
                "q": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"

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
        return Period(
            "custom", self.start - timedelta(days=self.days), self.start - timedelta(days=1)
        )


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
    funding period. Anything else → the last full month. Raises ValueError for impossible dates."""
    today = today or timezone.localdate()
    value = (value or "").strip()
    if not value:
        return month(today.replace(day=1) - timedelta(days=1))
    try:
        return _parse(value)
    except OverflowError as exc:  # a year or month of twenty digits
        raise ValueError("number out of range") from exc


def _parse(value: str) -> Period:
    if "_" in value:
        first, last = (date.fromisoformat(part) for part in value.split("_", 1))
        if last < first or (last - first).days > 366 * 7:
            raise ValueError("bad range")
        return Period("custom", first, last)
    if "-Q" in value.upper():
        number, q = value.upper().split("-Q")
        if q not in {"1", "2", "3", "4"}:
            raise ValueError("bad quarter")
        return quarter(date(int(number), (int(q) - 1) * 3 + 1, 1))
    if len(value) == 4 and value.isdigit():
        return year(int(value))
    number, mon = value.split("-")
    return month(date(int(number), int(mon), 1))
