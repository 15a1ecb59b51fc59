"""Fill an empty PostgreSQL database with a large, realistic, internally consistent data set for
benchmarks and query plans (docs/performance.md, bench/README.md).

    createdb kototori_large
    DATABASE_URL=postgres://…/kototori_large python manage.py migrate
    DATABASE_URL=postgres://…/kototori_large python manage.py generate_large [--scale 0.01]

By default: 10 hubs, 3 years up to now, 1,000,000 visits, 60,000 consented visitors, 30,000 cases
with notes, 300 advisors, 5,000 events, 100,000 registrations and 200,000 access-log rows (and
what follows from them: queue tickets, topics, referrals, consents, shifts…). Every login has the
password ``kototori-large``.
"""

from __future__ import annotations

import time
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from kototori.management.largedata import Size, default_end, generate
from kototori.management.largedata.core import DOMAIN, PASSWORD
from kototori.models import Hub


class Command(BaseCommand):
    help = "Fill an EMPTY PostgreSQL database with a large consistent data set (for benchmarks)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply every volume (0.01 for tests)."
        )
        parser.add_argument("--seed", type=int, default=13, help="Random seed (default 13).")
        parser.add_argument("--hubs", type=int, default=Size.hubs)
        parser.add_argument("--years", type=int, default=Size.years)
        parser.add_argument(
            "--end",
            help="The moment the data ends, ISO format (default: now). With the same seed, "
            "end and scale, two runs make the same data.",
        )

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("generate_large needs PostgreSQL (it loads with COPY).")
        if Hub.objects.exists():
            # Never into a database in use: the data is fake, and ids are reserved in bulk.
            raise CommandError(
                f"The database {settings.DATABASES['default']['NAME']!r} already has hubs. "
                "Create an empty one (createdb), migrate it, and point DATABASE_URL at it."
            )
        end = default_end()
        if options["end"]:
            end = datetime.fromisoformat(options["end"])
            if timezone.is_naive(end):
                end = timezone.make_aware(end)
        size = Size(hubs=options["hubs"], years=options["years"]).scaled(options["scale"])
        self.stdout.write(
            f"Generating {size} up to {end:%Y-%m-%d %H:%M %Z}, seed {options['seed']}"
        )
        started = time.perf_counter()
        steps = generate(size=size, seed=options["seed"], end=end, log=self.stdout.write)
        seconds = time.perf_counter() - started
        rows = sum(s.rows for s in steps if s.name.startswith("COPY"))
        copy_seconds = sum(s.seconds for s in steps if s.name.startswith("COPY"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {seconds:.0f} s: {rows:,} rows by COPY in {copy_seconds:.0f} s "
                f"({rows / max(copy_seconds, 0.001):,.0f} rows/s), {rows / seconds:,.0f} rows/s "
                f"overall. Logins: <role>@<hub>.{DOMAIN}, funder@{DOMAIN}, password {PASSWORD}."
            )
        )
