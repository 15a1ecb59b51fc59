"""Where a request's time goes, in-process (Django's test client, the same settings and middleware as
gunicorn runs, no HTTP server).

    .venv/bin/python bench/profile_pages.py [--requests 300] [--hub hervanta] [--page event]

For the bare view, the public event page, the public calendar, the front-desk home, the queue
and the log-visit POST: the mean time per request, the queries per request and their time, and
cProfile's cumulative time in the parts that matter (sessions, authentication, the language,
CSP, the cache, template rendering, modeltranslation, the view itself), per request. ``--pstats``
also prints the 25 most expensive functions of each page.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

# (label, file part, function name): cumulative time of these functions, per request.
BUCKETS = [
    ("middleware chain (all)", "django/core/handlers/base.py", "_get_response"),
    ("session load (DB)", "sessions/backends/db.py", "load"),
    ("session save (DB)", "sessions/backends/db.py", "save"),
    ("auth: user from session", "contrib/auth/__init__.py", "get_user"),
    ("memberships/roles (kototori.access)", "kototori/access.py", "memberships"),
    ("MFA: roles that need it", "kototori/middleware.py", "mfa_required_for"),
    ("MFA: session proved it", "kototori/middleware.py", "session_used_mfa"),
    ("locale (LocaleMiddleware)", "middleware/locale.py", "process_request"),
    ("translation activate", "utils/translation/trans_real.py", "activate"),
    ("CSP header + nonce", "csp/middleware.py", "process_response"),
    ("CSRF", "middleware/csrf.py", "process_view"),
    ("cache get (Redis)", "core/cache/backends/redis.py", "get"),
    ("cache get_or_set (Redis)", "core/cache/backends/base.py", "get_or_set"),
    ("template render", "template/backends/django.py", "render"),
    ("{% cache %} fragment tag", "templatetags/cache.py", "render"),
    ("context processors", "kototori/context_processors.py", "kototori"),
    ("navigation", "kototori/navigation.py", "navigation_for"),
    ("form rendering", "forms/utils.py", "render"),
    ("modeltranslation getattr", "modeltranslation/fields.py", "__get__"),
    ("SQL execute (client side)", "django/db/backends/utils.py", "_execute"),
    ("static URL (manifest)", "contrib/staticfiles/storage.py", "url"),
    ("gettext", "utils/translation/trans_real.py", "gettext"),
]


def client_for(cookie: str):
    from django.test import Client

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    for morsel in SimpleCookie(cookie).values():
        client.cookies[morsel.key] = morsel.value
    return client


def measure(name: str, request, n: int, show_pstats: bool) -> dict:
    from django.db import connection

    sql = {"n": 0, "seconds": 0.0}

    def timer(execute, query, params, many, context):
        started = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            sql["n"] += 1
            sql["seconds"] += time.perf_counter() - started

    for _ in range(20):  # warm: caches, connection, compiled templates
        request()
    with connection.execute_wrapper(timer):
        started = time.perf_counter()
        for _ in range(n):
            request()
        plain = (time.perf_counter() - started) / n
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        request()
    profiler.disable()
    stats = pstats.Stats(profiler)
    buckets = {}
    for (filename, _line, func), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        for label, part, wanted in BUCKETS:
            if func == wanted and part in filename:
                buckets[label] = buckets.get(label, 0.0) + cumulative / n
    result = {
        "ms_per_request": plain * 1000,
        "queries_per_request": sql["n"] / n,
        "sql_ms_per_request": sql["seconds"] * 1000 / n,
        "buckets_ms": {k: v * 1000 for k, v in buckets.items()},
    }
    print(
        f"\n## {name}: {result['ms_per_request']:.2f} ms/request without the profiler, "
        f"{result['queries_per_request']:.1f} queries ({result['sql_ms_per_request']:.2f} ms)"
    )
    # cProfile slows Python code down about threefold: each part is shown as its share of the
    # profiled request, and that share of the real (unprofiled) time.
    whole = buckets.get("middleware chain (all)") or 1.0
    result["share"] = {k: v / whole for k, v in buckets.items()}
    for label, _part, _func in BUCKETS:
        if label in buckets and buckets[label] / whole >= 0.005:
            share = buckets[label] / whole
            print(f"   {share:6.1%}  ≈{share * plain * 1000:6.2f} ms  {label}")
    if show_pstats:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--hub", default="hervanta")
    parser.add_argument("--page", action="append", help="only these pages (name contains)")
    parser.add_argument("--pstats", action="store_true")
    args = parser.parse_args()
    common.setup()
    from django.utils import timezone

    from events.models import Event
    from kototori.management.largedata.core import DOMAIN
    from kototori.models import Hub, Language, Topic

    hub = Hub.objects.get(slug=args.hub)
    event = (
        Event.objects.public()
        .published()
        .filter(hub=hub, registration_required=True, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    anonymous = client_for("")
    cookie = common.staff_cookie(f"frontdesk@{hub.slug}.{DOMAIN}")
    desk = client_for(cookie)
    csrf = common.csrf_from(cookie)
    topic = Topic.objects.get(key="housing").pk
    arabic = Language.objects.get(code="ar").pk
    counter = iter(range(10**9))
    h = f"/h/{hub.slug}"

    def post():
        return desk.post(
            f"{h}/desk/log/",
            {
                "topics": topic,
                "channel": "walk_in",
                "language": arabic,
                "outcome": "advice",
                "key": f"profile-{time.time_ns()}-{next(counter)}",
            },
            HTTP_X_CSRFTOKEN=csrf,
            HTTP_HX_REQUEST="true",
        )

    pages = {
        "bare Django view": lambda: anonymous.get("/bench/bare/"),
        "public event page": lambda: anonymous.get(f"/e/{hub.slug}/{event.pk}/"),
        "public event page, Arabic": lambda: anonymous.get(f"/e/{hub.slug}/{event.pk}/?lang=ar"),
        "public calendar": lambda: anonymous.get(f"/e/{hub.slug}/"),
        "front desk home": lambda: desk.get(f"{h}/desk/"),
        "queue": lambda: desk.get(f"{h}/desk/queue/"),
        "log-visit POST (htmx)": post,
    }
    status = {name: request().status_code for name, request in pages.items()}
    if any(code != 200 for code in status.values()):
        raise SystemExit(f"not 200: {status}")
    print(f"profile of {args.requests} requests each, load {common.load_average()}")
    results = {}
    for name, request in pages.items():
        if args.page and not any(p in name for p in args.page):
            continue
        results[name] = measure(name, request, args.requests, args.pstats)
    path = common.save("profile", {"machine": common.machine(), "results": results})
    print(f"\nsaved {path.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
