"""HTTP benchmarks under gunicorn, as in production, on the large data set.

    .venv/bin/python bench/web.py [--seconds 10] [--repeat 3] [--hub hervanta]

Starts gunicorn (bench/gunicorn.conf.py, sync workers) on bench.settings, logs staff in with a
session that passed MFA, then with wrk (bench/wrk/bench.lua):
1. latency of each page with one connection (service time, nothing queued): p50/p95/p99;
2. throughput with 16 connections of the bare view, the public event page, the public calendar
   and the log-visit POST, interleaved and repeated, each as a ratio to the bare view of the same
   round;
3. the yearly report page over all hubs (funder), timed request by request, with the peak memory
   of the web worker that built it.
Prints a Markdown table and saves everything to var/bench/web-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

WRK_SCRIPT = common.ROOT / "bench" / "wrk" / "bench.lua"


def wrk(path: str, *, seconds: int, connections: int, threads: int, env: dict) -> dict:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "60s",
        "-s",
        str(WRK_SCRIPT),
        common.BASE + path,
    ]
    load = common.load_average()
    result = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, env={**os.environ, **env}, check=True
    )
    line = next(li for li in reversed(result.stdout.splitlines()) if li.startswith("{"))
    data = json.loads(line)
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["load_before"] = load
    return data


def targets(hub_slug: str) -> list[dict]:
    """The pages to measure, with who asks for them. Resolved on the data: the hub's soonest
    upcoming public event, its staff."""
    from django.db.models import Count
    from django.utils import timezone

    from events.models import Event
    from kototori.management.largedata.core import DOMAIN
    from kototori.models import Hub, Language, Topic

    hub = Hub.objects.get(slug=hub_slug)
    event = (
        Event.objects.public()
        .published()
        .filter(hub=hub, registration_required=True, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )

    def who(role: str) -> str:
        return f"{role}@{hub_slug}.{DOMAIN}"

    advisor = (
        # The hub's advisor with the most languages sees the fullest pool.
        hub.advisors.filter(user__isnull=False, stage="active")
        .annotate(n=Count("languages"))
        .order_by("-n", "pk")
        .values_list("user__email", flat=True)
        .first()
    )
    topic = Topic.objects.filter(key="housing").values_list("pk", flat=True).get()
    arabic = Language.objects.filter(code="ar").values_list("pk", flat=True).get()
    h = f"/h/{hub_slug}"
    return [
        {"name": "bare Django view", "path": "/bench/bare/", "user": None, "public": True},
        {"name": "public event page", "path": f"/e/{hub_slug}/{event.pk}/", "user": None, "public": True},
        {"name": "public calendar", "path": f"/e/{hub_slug}/", "user": None, "public": True},
        {"name": "front desk home", "path": f"{h}/desk/", "user": who("frontdesk")},
        {
            "name": "log-visit POST (htmx)",
            "path": f"{h}/desk/log/",
            "user": who("frontdesk"),
            "method": "POST",
            "htmx": True,
            "body": f"topics={topic}&channel=walk_in&language={arabic}&outcome=advice&key={{key}}",
        },
        {"name": "queue", "path": f"{h}/desk/queue/", "user": who("frontdesk")},
        {"name": "visitors", "path": f"{h}/visitors/", "user": who("frontdesk")},
        {"name": "referrals", "path": f"{h}/referrals/", "user": who("frontdesk")},
        {"name": "case pool (advisor)", "path": f"{h}/pool/", "user": advisor},
        {"name": "advisor home", "path": f"{h}/advisor/", "user": advisor},
        {"name": "cases (professional)", "path": f"{h}/cases/", "user": who("professional")},
        {"name": "events (coordinator)", "path": f"{h}/events/", "user": who("coordinator")},
        {"name": "access log (manager)", "path": f"{h}/access-log/", "user": who("manager")},
        {"name": "hub overview (manager)", "path": f"/reports/h/{hub_slug}/overview/", "user": who("manager")},
    ]  # fmt: skip


def wrk_env(target: dict, cookies: dict, *, desks: bool = False) -> dict:
    cookie = cookies.get(target["user"], "") if target["user"] else ""
    many = cookies.get(f"{target['user']}#desks", cookie) if desks else cookie
    return {
        "BENCH_COOKIE": many,
        "BENCH_CSRF": common.csrf_from(cookie) if cookie else "",
        "BENCH_METHOD": target.get("method", "GET"),
        "BENCH_BODY": target.get("body", "").replace("{{key}}", "{key}"),
        "BENCH_HTMX": "1" if target.get("htmx") else "",
    }


def check(target: dict, env: dict) -> int:
    """One request first: a page that redirects to the login or fails is not benchmarked."""
    body = None
    headers = {}
    if env["BENCH_METHOD"] == "POST":
        body = env["BENCH_BODY"].replace("{key}", f"check-{time.time()}").encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": env["BENCH_CSRF"],
        }
    if env["BENCH_HTMX"]:
        headers["HX-Request"] = "true"
    status, content = common.fetch(
        target["path"], env["BENCH_COOKIE"], env["BENCH_METHOD"], body, headers
    )
    if status != 200:
        raise SystemExit(f"{target['name']}: {target['path']} answered {status}, not 200")
    return len(content)


def yearly_report(server: common.Server, cookie: str, runs: int, year: int) -> dict:
    timings = []
    before = {pid: common.proc_memory(pid) for pid in server.workers}
    for _ in range(runs):
        started = time.perf_counter()
        status, _body = common.fetch(f"/reports/?hub=all&period={year}", cookie)
        timings.append(time.perf_counter() - started)
        if status != 200:
            raise SystemExit(f"yearly report answered {status}")
    after = {pid: common.proc_memory(pid) for pid in server.workers}
    return {
        "year": year,
        "seconds": timings,
        "median_s": statistics.median(timings),
        "worker_memory_before_mib": before,
        "worker_memory_after_mib": after,
        "load_after": common.load_average(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--hub", default="hervanta")
    parser.add_argument("--report-runs", type=int, default=3)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--no-latency", action="store_true", help="skip the latency of each page")
    parser.add_argument(
        "--scaling",
        action="store_true",
        help="only: the bare view, the event page and the calendar at 1, 4 and 16 connections",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (see bench/README.md)")
    common.setup()
    pages = targets(args.hub)
    cookies = {t["user"]: common.staff_cookie(t["user"]) for t in pages if t["user"]}
    for target in pages:
        if target.get("method") == "POST":
            # One session per connection, as at a desk: 16 POSTs on one session would queue on
            # that session's row (the view writes the session).
            first = cookies[target["user"]]
            csrf = common.csrf_from(first)
            cookies[target["user"] + "#desks"] = "|".join(
                [first] + [common.staff_cookie(target["user"], csrf) for _ in range(15)]
            )
    funder = common.staff_cookie(f"funder@{common_domain()}")
    results: dict = {
        "machine": common.machine(),
        "args": vars(args),
        "latency": {},
        "throughput": [],
    }
    if args.scaling:
        scaling(pages, args.seconds)
        return
    with common.Server() as server:
        results["workers"] = len(server.workers)
        for target in [] if args.no_latency else pages:
            env = wrk_env(target, cookies)
            size = check(target, env)
            # Warm the caches and the connection of every worker first.
            wrk(target["path"], seconds=2, connections=4, threads=1, env=env)
            data = wrk(target["path"], seconds=args.seconds, connections=1, threads=1, env=env)
            data["bytes_per_response"] = size
            results["latency"][target["name"]] = data
            print(
                f"{target['name']:<26} p50 {data['p50_ms']:7.1f} ms  p95 {data['p95_ms']:7.1f} ms  "
                f"p99 {data['p99_ms']:7.1f} ms  ({data['requests']} req, load {data['load_before']})",
                flush=True,
            )
        loaded = [t for t in pages if t["name"] in THROUGHPUT]
        for round_ in range(args.repeat):
            row = {}
            for target in loaded:
                env = wrk_env(target, cookies, desks=True)
                row[target["name"]] = wrk(
                    target["path"],
                    seconds=args.seconds,
                    connections=args.connections,
                    threads=2,
                    env=env,
                )
            bare = row["bare Django view"]["rps"]
            for name, data in row.items():
                data["ratio_to_bare"] = data["rps"] / bare
                print(
                    f"round {round_ + 1}: {name:<24} {data['rps']:8.0f} req/s  "
                    f"{data['ratio_to_bare']:6.1%} of bare  p99 {data['p99_ms']:.0f} ms  "
                    f"errors {data['status_errors']}+{data['socket_errors']}  load {data['load_before']}",
                    flush=True,
                )
            results["throughput"].append(row)
        results["yearly_report"] = yearly_report(server, funder, args.report_runs, args.year)
        print(
            f"yearly report {args.year}, all hubs: median {results['yearly_report']['median_s']:.2f} s "
            f"{[round(s, 2) for s in results['yearly_report']['seconds']]}; workers "
            f"{results['yearly_report']['worker_memory_after_mib']}",
            flush=True,
        )
    path = common.save("web", results)
    print(f"saved {path.relative_to(common.ROOT)}")


def scaling(pages: list[dict], seconds: int) -> None:
    """Throughput against concurrency: a page that waits on Redis or PostgreSQL round trips loses
    more than CPU-bound work when the workers outnumber the cores."""
    chosen = [t for t in pages if t["name"] in THROUGHPUT[:3]]
    rows = []
    with common.Server():
        for connections in (1, 4, 16):
            for target in chosen:
                env = wrk_env(target, {})
                wrk(target["path"], seconds=2, connections=4, threads=1, env=env)
                data = wrk(
                    target["path"],
                    seconds=seconds,
                    connections=connections,
                    threads=min(2, connections),
                    env=env,
                )
                rows.append((connections, target["name"], data))
                print(
                    f"{connections:>2} connections: {target['name']:<20} {data['rps']:7.0f} req/s  "
                    f"p50 {data['p50_ms']:6.1f} ms  p99 {data['p99_ms']:6.1f} ms  "
                    f"load {data['load_before']}",
                    flush=True,
                )
    common.save("scaling", {"machine": common.machine(), "rows": rows})


THROUGHPUT = ("bare Django view", "public event page", "public calendar", "log-visit POST (htmx)")


def common_domain() -> str:
    from kototori.management.largedata.core import DOMAIN

    return DOMAIN


if __name__ == "__main__":
    main()
