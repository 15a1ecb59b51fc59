"""Benchmark: build a year's outcome report over 1,000,000 visits on PostgreSQL.

    DATABASE_URL=postgres://kototori:kototori@127.0.0.1:5432/kototori_bench \
        .venv/bin/python scripts/bench_report.py [--visits 1000000] [--runs 5]

Creates (or reuses) the data in the database named by DATABASE_URL — use a throwaway one — with
COPY, then times ``build_report`` for the whole year, suppressed, as a funder would get it. Prints
the timings; the result measured on the project machine is in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kototori.settings")
os.environ.setdefault("SECRET_KEY", "bench")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

YEAR = 2025


def _copy(model, rows, fields):
    table = model._meta.db_table
    columns = ", ".join(model._meta.get_field(f).column for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def seed(n_visits: int) -> None:
    from kototori.models import Hub, Language, Organisation, Topic
    from visits.models import QueueEntry, Visit

    if Visit.objects.count() >= n_visits:
        print(f"reusing {Visit.objects.count():,} visits")
        return
    Visit.objects.all().delete()
    QueueEntry.objects.all().delete()
    org, _ = Organisation.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    hubs = [
        Hub.objects.get_or_create(
            slug=f"bench-{i}", defaults={"organisation": org, "name": f"Bench {i}"}
        )[0]
        for i in range(4)
    ]
    topics = list(Topic.objects.values_list("pk", flat=True))
    languages = list(Language.objects.values_list("pk", flat=True))
    rng = random.Random(1)
    start = timezone.make_aware(datetime(YEAR, 1, 1, 9))
    channels = ["walk_in"] * 7 + ["phone"] * 2 + ["outreach", "partner"]
    outcomes = ["advice"] * 6 + ["referred"] * 2 + ["case", "left"]

    t0 = time.perf_counter()
    visit_fields = [
        "hub",
        "visited_at",
        "day",
        "channel",
        "language",
        "language_help",
        "outcome",
        "note",
        "created_at",
    ]

    def visit_rows():
        for i in range(n_visits):
            at = start + timedelta(days=rng.randrange(365), minutes=rng.randrange(420))
            yield (
                hubs[i % len(hubs)].pk,
                at,
                timezone.localdate(at),
                rng.choice(channels),
                rng.choice(languages),
                rng.random() < 0.3,
                rng.choice(outcomes),
                "",
                at,
            )

    _copy(Visit, visit_rows(), visit_fields)
    first_id = Visit.objects.order_by("pk").values_list("pk", flat=True).first()
    through = Visit.topics.through

    def topic_rows():
        for visit_id in range(first_id, first_id + n_visits):
            for topic in rng.sample(topics, rng.choice([1, 1, 2])):
                yield visit_id, topic

    _copy(through, topic_rows(), ["visit", "topic"])

    def queue_rows():
        # Ticket numbers are unique per hub and day: one run of numbers per hub per day.
        per_day = n_visits // (365 * len(hubs)) + 1
        for day in range(365):
            for hub in hubs:
                for number in range(1, per_day + 1):
                    at = start + timedelta(days=day, minutes=rng.randrange(420))
                    called = at + timedelta(minutes=rng.randrange(1, 40))
                    yield hub.pk, timezone.localdate(at), number, "done", "desk", "", at, called

    _copy(
        QueueEntry,
        queue_rows(),
        ["hub", "day", "number", "status", "source", "first_name", "created_at", "called_at"],
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"seeded {n_visits:,} visits, their topics and queue entries in {time.perf_counter() - t0:.1f} s"
    )


def bench(runs: int) -> None:
    from kototori.models import Hub
    from kototori.reports.builder import build_report
    from kototori.reports.periods import year

    hub_ids = list(Hub.objects.filter(slug__startswith="bench-").values_list("pk", flat=True))
    period = year(YEAR)
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        report = build_report(hub_ids=hub_ids, period=period, suppress=True, scope="bench")
        timings.append(time.perf_counter() - t0)
    total = report.table("visits_overview").total.current.value
    print(f"report over {total:,} visits in {period.label} (and the year before), {runs} runs:")
    print(
        f"  median {statistics.median(timings):.2f} s, min {min(timings):.2f} s, max {max(timings):.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a throwaway PostgreSQL database.")
    call_command("migrate", verbosity=0)
    seed(args.visits)
    bench(args.runs)


if __name__ == "__main__":
    main()
