"""Fixtures shared by every test: personas (a role in a hub), clients, the real Celery worker and
the browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from kototori.models import Role
from kototori.sms import LocmemBackend
from tests.factories import PASSWORD, HubFactory, MembershipFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "kototori.sms.LocmemBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.REQUIRE_MFA = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    LocmemBackend.outbox = []
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    # A page opened with ?lang= activates its language in this thread; without a reset, rows a
    # later test creates (translated names) would land in that language's column.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Topics, languages and the training catalogue come from data migrations; a transactional test
    flushes them away at its end, so tests after it would find none. Put them back when missing."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db:
        return
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from kototori.models import Language, Topic
    from kototori.reference_data import seed_reference_data

    if not Topic.objects.exists():
        seed_reference_data(Topic, Language)
    try:
        from advisors.models import Training
        from advisors.reference_data import seed_trainings
    except ImportError:
        return
    if not Training.objects.exists():
        seed_trainings(Training)


@pytest.fixture
def hub(db):
    return HubFactory(slug="hervanta", name="Hervanta")


@pytest.fixture
def other_hub(db):
    return HubFactory(slug="kontula", name="Kontula")


@pytest.fixture
def make_member(db):
    """``make_member(role, hub, **user_fields)`` → a user holding ``role`` in ``hub``."""

    def make(role: str, hub, **user_fields):
        user = UserFactory(**user_fields)
        MembershipFactory(user=user, hub=hub, role=role)
        return user

    return make


@pytest.fixture
def client_for(make_member):
    """``client_for(role, hub)`` → a logged-in test client for a new user with that role there."""

    def make(role: str, hub, **user_fields) -> Client:
        user = make_member(role, hub, **user_fields)
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return make


@pytest.fixture
def frontdesk_client(client_for, hub):
    return client_for(Role.FRONT_DESK, hub)


# The real Celery worker


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """A real ``celery worker`` process on the test database, started and stopped by the tests."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.process: subprocess.Popen | None = None
        self.mail_dir = tmp / "mail"
        self.sms_dir = tmp / "sms"

    def start(self) -> None:
        from django.conf import settings

        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "SMS_BACKEND": "kototori.sms.FileBackend",
            "SMS_FILE_PATH": str(self.sms_dir),
            "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
            "SECRET_KEY": "test-worker-secret",
            "DEBUG": "1",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kototori",
                "worker",
                "--pool=solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "WARNING",
            ],
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
        )

    def stop(self, *, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None

    def emails(self) -> list[str]:
        if not self.mail_dir.exists():
            return []
        return [p.read_text() for p in sorted(self.mail_dir.iterdir())]

    def wait_for(self, predicate, timeout: float = 20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(0.1)
        raise AssertionError("the worker did not do it in time")


@pytest.fixture(scope="session")
def _worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL must point at a running Redis for worker tests (make test sets it)")
    with django_db_blocker.unblock():
        worker = Worker(tmp_path_factory.mktemp("worker"))
        worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(_worker_process, settings, transactional_db):
    """Send tasks to the real worker process (over Redis) instead of running them eagerly."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    if _worker_process.process is None or _worker_process.process.poll() is not None:
        _worker_process.start()
    # Each test reads only the messages sent during it.
    for folder in (_worker_process.mail_dir, _worker_process.sms_dir):
        if folder.exists():
            shutil.rmtree(folder)
    return _worker_process


# The browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def login(live_server):
    """``login(page, user)`` logs in through the real form."""

    def do_login(page, user, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", password)
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
        return page

    return do_login
