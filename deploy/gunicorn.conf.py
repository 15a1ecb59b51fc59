"""gunicorn settings for Kototori: `gunicorn -c deploy/gunicorn.conf.py kototori.wsgi`.

Sync workers: on the project's 2-core reference machine they gave better tail latency than threads
(pages are short, database-bound requests; /work/shared/STACK.md, docs/performance.md). Each worker
keeps its own persistent PostgreSQL connection (CONN_MAX_AGE), so workers × web machines + Celery
concurrency must stay well under PostgreSQL's max_connections.

Environment (all optional): GUNICORN_BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (workers;
default 2 per CPU core this process may use, at least 2), GUNICORN_TIMEOUT (seconds, default 30).
"""

from __future__ import annotations

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # respects a container's or systemd's CPU limit
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", 0)) or max(2, 2 * _cores())
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# Recycle workers now and then, staggered, so a slow leak never takes the site down at once.
max_requests = 2000
max_requests_jitter = 200
# The proxy on this machine (or the load balancer) sets X-Forwarded-Proto; Django reads it through
# SECURE_PROXY_SSL_HEADER. Only these addresses may set it for gunicorn itself.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"  # to journald / the container log; carries paths, never request bodies
errorlog = "-"
# Paths only: query strings can carry signed tokens (referral and cancel links).
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
