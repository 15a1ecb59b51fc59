"""What every benchmark script shares: the environment of a production-like run, Django set up on
``bench.settings``, staff sessions that passed MFA, gunicorn started and stopped by pid, and
memory and load readings from /proc."""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
PYTHON = sys.executable

# Production-like unless the caller's environment says otherwise (the real environment wins over
# .env, which in a developer's tree turns DEBUG on).
ENV_DEFAULTS = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DEBUG": "0",
    "DATABASE_URL": "postgres://kototori:kototori@127.0.0.1:5432/kototori_large",
    "CONN_MAX_AGE": "60",
    "EMAIL_URL": "consolemail://",
    "LOG_LEVEL": "WARNING",
    # Plain HTTP on loopback, as behind a TLS proxy: clients send X-Forwarded-Proto: https.
    "SITE_URL": "https://127.0.0.1:8765",
}
for _key, _value in ENV_DEFAULTS.items():
    os.environ.setdefault(_key, _value)
sys.path.insert(0, str(ROOT))

PORT = int(os.environ.get("BENCH_BIND", "127.0.0.1:8765").rsplit(":", 1)[1])
BASE = f"http://127.0.0.1:{PORT}"


def setup() -> None:
    import django

    django.setup()
    from django.conf import settings

    if settings.DEBUG or "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        sys.exit("Benchmarks need DEBUG off and PostgreSQL (see bench/README.md).")
    if not settings.REDIS_URL:
        sys.exit("Benchmarks need REDIS_URL (the cache and Celery, as in production).")
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        from django.core.management import call_command

        # A release runs collectstatic; without its manifest, DEBUG-off pages fail.
        call_command("collectstatic", interactive=False, verbosity=0)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{os.cpu_count()} × {cpu}",
        "memory": f"{mem_kb / 1024 / 1024:.0f} GiB",
        "python": platform.python_version(),
        "load": load_average(),
    }


def proc_memory(pid: int) -> dict[str, int]:
    """Resident and peak resident memory of a process, in MiB (VmHWM is the high-water mark)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) // 1024
    return values


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def staff_cookie(email: str, csrf: str | None = None) -> str:
    """A Cookie header for a logged-in session of ``email`` that has passed MFA, as after a real
    login with a second factor (the user gets an authenticator if they have none). Sessions live
    in the database, as in production."""
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string

    from kototori.middleware import LAST_SEEN_KEY, LOGIN_AT_KEY, MFA_VERIFIED_KEY
    from kototori.models import User

    user = User.objects.get(email=email)
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[LOGIN_AT_KEY] = session[LAST_SEEN_KEY] = time.time()
    session[MFA_VERIFIED_KEY] = str(user.pk)
    session.create()
    csrf = csrf or _get_new_csrf_string()
    return (
        f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    )


def csrf_from(cookie: str) -> str:
    from django.conf import settings

    return cookie.split(f"{settings.CSRF_COOKIE_NAME}=")[1].split(";")[0]


def fetch(
    path: str, cookie: str = "", method: str = "GET", body: bytes | None = None, headers=None
):
    """One request to the running server; returns (status, body)."""
    request = urllib.request.Request(BASE + path, data=body, method=method)  # noqa: S310
    request.add_header("X-Forwarded-Proto", "https")
    request.add_header("Origin", f"https://127.0.0.1:{PORT}")
    if cookie:
        request.add_header("Cookie", cookie)
    for key, value in (headers or {}).items():
        request.add_header(key, value)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Server:
    """gunicorn with bench/gunicorn.conf.py, started and stopped by its own pid."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        OUT.mkdir(parents=True, exist_ok=True)
        log = (OUT / "gunicorn.log").open("a")
        self.process = subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "bench" / "gunicorn.conf.py")],
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
        for _ in range(100):
            time.sleep(0.2)
            try:
                if fetch("/healthz")[0] == 200:
                    return self
            except OSError:
                continue
        self.__exit__()
        raise RuntimeError("gunicorn did not answer /healthz; see var/bench/gunicorn.log")

    @property
    def workers(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)


def save(name: str, data: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path
