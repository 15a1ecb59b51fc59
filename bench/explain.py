"""``EXPLAIN (ANALYZE, BUFFERS)`` of the SQL the ORM really sends, on the large data set.

    .venv/bin/python bench/explain.py [--hub hervanta] [--year 2025] [--full]

Captures the queries of: the yearly report over all hubs (as a funder gets it, with the previous
year beside it), and of one request each to the case pool, the front-desk home, the queue, the
visitors, referrals, cases, advisor home, events and hub overview pages, the public calendar and
the public event page (with their caches cold, so the queries a cache miss
runs are seen). Each SELECT is explained in the same transaction settings the code ran it in (the
report's ``SET LOCAL`` lines are replayed). Prints one line per query — time, rows, and any
sequential scan of a large table — and writes the full plans to var/bench/explain-<time>.txt.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

# Tables that grow with the years: a sequential scan of one of these on a request path is a bug.
LARGE = (
    "visits_visit",
    "visits_visit_topics",
    "visits_queueentry",
    "visits_queueentry_topics",
    "visits_case",
    "visits_casenote",
    "visits_referral",
    "visits_visitor",
    "visits_consent",
    "events_registration",
    "events_feedback",
    "kototori_accesslog",
    "django_session",
)
SEQ_SCAN = re.compile(r"(Parallel )?Seq Scan on (\w+)")


def capture_report(year: int) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kototori.models import Hub
    from kototori.reports.builder import build_report
    from kototori.reports.periods import year as year_period

    hub_ids = list(Hub.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        build_report(hub_ids=hub_ids, period=year_period(year), suppress=True, scope="explain")
    return [q["sql"] for q in captured.captured_queries]


def capture_page(path: str, cookie: str = "") -> list[str]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    for morsel in SimpleCookie(cookie).values():
        client.cookies[morsel.key] = morsel.value
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return [q["sql"] for q in captured.captured_queries]


def explain(sqls: list[str]) -> list[dict]:
    """Replay ``sqls`` in one transaction (rolled back): SET lines run, SELECTs are explained."""
    from django.db import connection, transaction

    results = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            for sql in sqls:
                head = sql.lstrip().split(None, 1)[0].upper()
                if head == "SET":
                    cursor.execute(sql)
                    continue
                if head not in ("SELECT", "WITH"):
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                total = re.search(r"Execution Time: ([\d.]+) ms", plan)
                scans = sorted({m.group(2) for m in SEQ_SCAN.finditer(plan) if m.group(2) in LARGE})
                results.append(
                    {
                        "sql": sql,
                        "plan": plan,
                        "ms": float(total.group(1)) if total else 0.0,
                        "seq_scans": scans,
                    }
                )
        transaction.set_rollback(True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hub", default="hervanta")
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    common.setup()
    from django.core.cache import cache
    from django.utils import timezone

    from events.models import Event
    from kototori.management.largedata.core import DOMAIN
    from kototori.models import Hub

    hub = Hub.objects.get(slug=args.hub)
    advisor = (
        hub.advisors.filter(stage="active", user__isnull=False)
        .order_by("pk")
        .values_list("user__email", flat=True)
        .first()
    )
    event = (
        Event.objects.public()
        .published()
        .filter(hub=hub, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    frontdesk = common.staff_cookie(f"frontdesk@{hub.slug}.{DOMAIN}")
    professional = common.staff_cookie(f"professional@{hub.slug}.{DOMAIN}")
    h = f"/h/{hub.slug}"

    def cold(path: str) -> list[str]:
        # A new calendar version is a cache miss for every public fragment of the hub.
        cache.set(f"events:calendar-version:{hub.pk}", time.time_ns(), timeout=None)
        return capture_page(path)

    captures = {
        f"yearly report {args.year}, all hubs": capture_report(args.year),
        "case pool": capture_page(f"{h}/pool/", common.staff_cookie(advisor)),
        "front desk home": capture_page(f"{h}/desk/", frontdesk),
        "queue": capture_page(f"{h}/desk/queue/", frontdesk),
        "visitors": capture_page(f"{h}/visitors/", frontdesk),
        "referrals": capture_page(f"{h}/referrals/", frontdesk),
        "cases (professional)": capture_page(f"{h}/cases/", professional),
        "advisor home": capture_page(f"{h}/advisor/", common.staff_cookie(advisor)),
        "events (coordinator)": capture_page(
            f"{h}/events/", common.staff_cookie(f"coordinator@{hub.slug}.{DOMAIN}")
        ),
        "hub overview (manager, this month's report)": capture_page(
            f"/reports/h/{hub.slug}/overview/", common.staff_cookie(f"manager@{hub.slug}.{DOMAIN}")
        ),
        "public calendar (cold cache)": cold(f"/e/{hub.slug}/"),
        "public event page (cold cache)": cold(f"/e/{hub.slug}/{event.pk}/"),
    }
    common.OUT.mkdir(parents=True, exist_ok=True)
    stamp = common.machine()["date"]
    out = common.OUT / f"explain-{stamp.replace(' ', 'T').replace(':', '')}.txt"
    summary = []
    with out.open("w") as f:
        f.write(f"# EXPLAIN (ANALYZE, BUFFERS) on {stamp}, load {common.load_average()}\n")
        for name, sqls in captures.items():
            results = explain(sqls)
            total = sum(r["ms"] for r in results)
            summary.append((name, len(sqls), len(results), total, results))
            print(
                f"\n## {name}: {len(sqls)} statements, {len(results)} SELECTs, {total:.1f} ms in SQL"
            )
            f.write(f"\n\n## {name}\n")
            for i, r in enumerate(results, start=1):
                flag = f"  SEQ SCAN {', '.join(r['seq_scans'])}" if r["seq_scans"] else ""
                first_line = " ".join(r["sql"].split())[:110]
                print(f"  {i:>2}. {r['ms']:8.1f} ms{flag}  {first_line}")
                f.write(f"\n### {i}. {r['ms']:.1f} ms{flag}\n{r['sql']}\n\n{r['plan']}\n")
    print(f"\nplans: {out.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
