"""A large, internally consistent data set for benchmarks and query plans (``manage.py
generate_large``). ``core`` makes the people and places, ``visits`` the front desk's years,
``events`` the events and volunteering; ``copy`` streams the big tables in with COPY."""

from __future__ import annotations

import contextlib
import math
import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import connection, transaction

from .copy import Table
from .core import build_world
from .events import EVENT_TABLES, generate_events, generate_volunteering
from .visits import (
    VISIT_TABLES,
    generate_access_log,
    generate_cases,
    generate_referrals,
    generate_visits,
)

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass(frozen=True)
class Size:
    """How much to make. ``scaled`` multiplies the volumes, never the hubs or the years."""

    hubs: int = 10
    years: int = 3
    visits: int = 1_000_000
    visitors: int = 60_000
    cases: int = 30_000
    advisors: int = 300
    events: int = 5_000
    registrations: int = 100_000
    access_log: int = 200_000

    def scaled(self, factor: float) -> Size:
        def n(value: int, least: int) -> int:
            return max(least, math.ceil(value * factor))

        return Size(
            hubs=self.hubs,
            years=self.years,
            visits=n(self.visits, 100),
            visitors=n(self.visitors, 10),
            cases=n(self.cases, 5),
            advisors=n(self.advisors, 3 * self.hubs),
            events=n(self.events, 2 * self.hubs),
            registrations=n(self.registrations, 20),
            access_log=n(self.access_log, 10),
        )


@dataclass
class Step:
    name: str
    rows: int
    seconds: float


def generate(*, size: Size, seed: int, end: datetime, log: Callable[[str], None]) -> list[Step]:
    """Fill the (empty) database; returns what each step made and how long it took. One
    transaction: a failure leaves nothing behind."""
    rng = random.Random(seed)  # noqa: S311 (fake data, reproducible by seed)
    start = date(end.year - size.years, end.month, min(end.day, 28))
    steps: list[Step] = []

    def step(name: str, started: float, rows: int) -> None:
        steps.append(Step(name, rows, time.perf_counter() - started))
        log(f"  {name:<28} {rows:>10,} rows  {steps[-1].seconds:7.1f} s")

    tables = {
        key: Table(model, fields)
        for key, (model, fields) in {**VISIT_TABLES, **EVENT_TABLES}.items()
    }
    with transaction.atomic():
        t = time.perf_counter()
        world = build_world(rng=rng, hubs=size.hubs, start=start, end=end, advisors=size.advisors)
        step("hubs, staff, advisors, partners", t, len(world.hubs))
        t = time.perf_counter()
        out = generate_visits(
            world, visits=size.visits, visitors=size.visitors, cases=size.cases, tables=tables
        )
        step("visits generated", t, out.visits)
        t = time.perf_counter()
        step("cases generated", t, generate_cases(world, out.cases, tables))
        t = time.perf_counter()
        step("referrals generated", t, generate_referrals(world, out.referrals, tables))
        t = time.perf_counter()
        rows = generate_access_log(world, out.visitors, size.access_log, tables["access_log"])
        step("access log generated", t, rows)
        t = time.perf_counter()
        rows = generate_events(
            world, events=size.events, registrations=size.registrations, tables=tables
        )
        step("events generated", t, rows)
        t = time.perf_counter()
        step("shifts, hours, trainings", t, generate_volunteering(world))
        for key, table in tables.items():
            rows = table.rows
            seconds = table.load()
            steps.append(Step(f"COPY {key}", rows, seconds))
            log(f"  COPY {key:<23} {rows:>10,} rows  {seconds:7.1f} s")
        t = time.perf_counter()
    # Django's foreign keys are deferred: PostgreSQL checks every row loaded here, at the commit.
    step("commit (foreign-key checks)", t, 0)
    t = time.perf_counter()
    with connection.cursor() as cursor:
        # A fresh load has no statistics and no visibility map: plans and index-only scans would
        # not look like those of a database that has lived for years.
        cursor.execute("VACUUM (ANALYZE)")
    step("VACUUM (ANALYZE)", t, 0)
    for hub in world.hubs:
        with contextlib.suppress(ValueError):  # no version cached yet: nothing to invalidate
            cache.incr(f"events:calendar-version:{hub.hub.pk}")
    return steps


def default_end() -> datetime:
    from django.utils import timezone

    return timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=1)
