"""Production settings plus one bare view, for benchmarks only (``DJANGO_SETTINGS_MODULE=
bench.settings``). Everything else is ``kototori.settings`` as a deployment reads it from the
environment: DEBUG off, PostgreSQL with persistent connections, Redis for the cache and Celery,
the full middleware, MFA required. The bare view under exactly this configuration is the stack's
own ceiling on the machine; every page is compared with it in the same run."""

from kototori.settings import *  # noqa: F403
from kototori.settings import ALLOWED_HOSTS, DEBUG

ROOT_URLCONF = "bench.urls"
# The benchmark clients talk to gunicorn directly; the in-process profiler uses Django's test client.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "127.0.0.1", "localhost", "testserver"]

if DEBUG:
    raise RuntimeError("Benchmarks run with DEBUG off, as production does.")
