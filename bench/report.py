"""The outcome report against the bare SQL that computes the same figures, on the large data set.

    .venv/bin/python bench/report.py [--year 2025] [--runs 5] [--period 2025 | 2023-12-01_2026-11-30]

Builds the report for every hub of the database, suppressed as a funder gets it, with its previous
period beside it (``kototori.reports.builder.build_report``), and runs the bare ``GROUP BY``
queries that give the same figures for both periods (visits by channel, outcome, language,
language help and identified or not; topics; unique and new visitors; the median wait; the
monthly trend; referrals, cases and events), alternately, ``--runs`` times each. Prints the
medians, their ratio, the queries each side ran, and the peak memory of this process (as a web
worker building the report would hold). Nothing is written to the database.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

# Each runs for one period: %(hubs)s the hub ids, %(start)s/%(end)s the first and last day,
# %(start_dt)s/%(end_dt)s the same as half-open timestamps.
BARE_SQL = {
    "visit breakdowns (one scan, grouping sets)": """
        SELECT channel, outcome, language_id, language_help, visitor_id IS NULL, count(*)
        FROM visits_visit WHERE hub_id = ANY(%(hubs)s) AND day BETWEEN %(start)s AND %(end)s
        GROUP BY GROUPING SETS ((channel), (outcome), (language_id), (language_help),
                                (visitor_id IS NULL))""",
    "unique registered visitors": """
        SELECT count(DISTINCT visitor_id) FROM visits_visit
        WHERE hub_id = ANY(%(hubs)s) AND day BETWEEN %(start)s AND %(end)s
          AND visitor_id IS NOT NULL""",
    "new visitors": """
        SELECT count(*) FROM visits_visitor WHERE hub_id = ANY(%(hubs)s)
          AND created_at >= %(start_dt)s AND created_at < %(end_dt)s""",
    "visits per topic": """
        SELECT vt.topic_id, count(*) FROM visits_visit_topics vt
        JOIN visits_visit v ON v.id = vt.visit_id
        WHERE v.hub_id = ANY(%(hubs)s) AND v.day BETWEEN %(start)s AND %(end)s
        GROUP BY vt.topic_id""",
    "median wait": """
        SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY called_at - created_at), count(*)
        FROM visits_queueentry WHERE hub_id = ANY(%(hubs)s) AND day BETWEEN %(start)s AND %(end)s
          AND called_at IS NOT NULL""",
    "referrals by partner and status": """
        SELECT partner_id, status, count(*) FROM visits_referral WHERE hub_id = ANY(%(hubs)s)
          AND created_at >= %(start_dt)s AND created_at < %(end_dt)s
        GROUP BY GROUPING SETS ((partner_id), (status))""",
    "case flow, outcomes, time to claim": """
        SELECT count(*) FILTER (WHERE created_at >= %(start_dt)s AND created_at < %(end_dt)s),
               count(*) FILTER (WHERE first_claimed_at >= %(start_dt)s AND first_claimed_at < %(end_dt)s),
               count(*) FILTER (WHERE escalated_at >= %(start_dt)s AND escalated_at < %(end_dt)s),
               count(*) FILTER (WHERE closed_at >= %(start_dt)s AND closed_at < %(end_dt)s),
               percentile_disc(0.5) WITHIN GROUP (ORDER BY first_claimed_at - created_at)
                   FILTER (WHERE first_claimed_at >= %(start_dt)s AND first_claimed_at < %(end_dt)s)
        FROM visits_case WHERE hub_id = ANY(%(hubs)s)""",
    "case outcomes": """
        SELECT outcome, count(*) FROM visits_case WHERE hub_id = ANY(%(hubs)s)
          AND closed_at >= %(start_dt)s AND closed_at < %(end_dt)s GROUP BY outcome""",
    "events, participants, feedback": """
        WITH held AS (SELECT id, kind, head_count_newcomers, head_count_residents FROM events_event
                      WHERE hub_id = ANY(%(hubs)s) AND status = 'published'
                        AND starts_at >= %(start_dt)s AND starts_at < %(end_dt)s)
        SELECT (SELECT json_agg(k) FROM (SELECT kind, count(*) FROM held GROUP BY kind) k),
               (SELECT json_agg(g) FROM (SELECT r."group", sum(party_size) FROM events_registration r
                    JOIN held ON held.id = r.event_id WHERE attendance = 'came' GROUP BY r."group") g),
               (SELECT sum(head_count_newcomers) + sum(head_count_residents) FROM held),
               (SELECT avg(enjoyed) + avg(met_people) + avg(come_again) FROM events_feedback f
                    JOIN held ON held.id = f.event_id)""",
}  # fmt: skip
TREND_SQL = """
    SELECT date_trunc('month', day), count(*) FROM visits_visit
    WHERE hub_id = ANY(%(hubs)s) AND day BETWEEN %(start)s AND %(end)s GROUP BY 1"""


def bare(hub_ids: list[int], period, trend_start) -> dict[str, float]:
    """Run the bare SQL for the period and the one before; returns seconds per query name."""
    from django.db import connection

    seconds: dict[str, float] = {}
    with connection.cursor() as cursor:
        for p in (period, period.previous()):
            params = {
                "hubs": hub_ids,
                "start": p.start,
                "end": p.end,
                "start_dt": p.start_dt,
                "end_dt": p.end_dt,
            }
            for name, sql in BARE_SQL.items():
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute(TREND_SQL, {"hubs": hub_ids, "start": trend_start, "end": period.end})
        cursor.fetchall()
        seconds["monthly trend"] = time.perf_counter() - started
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--period", default="2025", help="a report period: 2025, 2025-Q1, …")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    common.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kototori.models import Hub
    from kototori.reports import periods
    from kototori.reports.builder import build_report
    from visits.models import Visit

    hub_ids = list(Hub.objects.values_list("pk", flat=True))
    period = periods.parse(args.period)
    current = Visit.objects.filter(day__gte=period.start, day__lte=period.end).count()
    previous = period.previous()
    before = Visit.objects.filter(day__gte=previous.start, day__lte=previous.end).count()
    trend_start = (period.end.replace(day=1).replace(year=period.end.year - 1)).replace(day=1)
    print(
        f"{len(hub_ids)} hubs, period {period.param}: {current:,} visits, "
        f"previous period {before:,} visits; load {common.load_average()}"
    )
    report_times, bare_times = [], []
    with CaptureQueriesContext(connection) as captured:
        build_report(hub_ids=hub_ids, period=period, suppress=True, scope="bench")
    report_queries = len(captured.captured_queries)
    bare_queries = 2 * len(BARE_SQL) + 1
    bare(hub_ids, period, trend_start)  # warm both
    for _ in range(args.runs):
        started = time.perf_counter()
        build_report(hub_ids=hub_ids, period=period, suppress=True, scope="bench")
        report_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        per_query = bare(hub_ids, period, trend_start)
        bare_times.append(time.perf_counter() - started)
    report_s, bare_s = statistics.median(report_times), statistics.median(bare_times)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"report: median {report_s:.2f} s (min {min(report_times):.2f}, max {max(report_times):.2f}), "
        f"{report_queries} statements\n"
        f"bare SQL: median {bare_s:.2f} s (min {min(bare_times):.2f}, max {max(bare_times):.2f}), "
        f"{bare_queries} statements\n"
        f"ratio report / bare SQL: {report_s / bare_s:.2f}; peak memory of this process {peak} MiB; "
        f"load {common.load_average()}"
    )
    print("bare SQL, last run, both periods:")
    for name, seconds in sorted(per_query.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds * 1000:7.0f} ms  {name}")
    common.save(
        "report",
        {
            "machine": common.machine(),
            "period": period.param,
            "visits": current,
            "previous_visits": before,
            "report_s": report_times,
            "bare_s": bare_times,
            "report_queries": report_queries,
            "bare_queries": bare_queries,
            "peak_mib": peak,
            "bare_per_query_s": per_query,
        },
    )


if __name__ == "__main__":
    main()
