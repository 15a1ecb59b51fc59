"""The embedded default (SQLite, as `make run` serves it) when several desks work at the same moment.

Issue 12.1: two desks saving at the same instant, a resent walk-in form, a lost claim race and logins
all gave "database is locked" 500s on SQLite, and a visit was lost. These tests start a real server
process (`runserver`, as `make run` does, and gunicorn with several worker processes) on a
temporary SQLite file, log real HTTP clients in through the login form (CSRF token, session
cookie), and fire POSTs that all wait on one barrier so they reach the server together. They assert
what a person would notice: no server error, every visit stored exactly once, exactly one advisor
wins a case. They do not measure time.

The main test database (PostgreSQL) is not used: the server has its own database.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "simultaneous-desks-2026"
DESKS = 6
VISITS_PER_DESK = 5
ADVISORS = 5
CASES = 3
HTTP_TIMEOUT = 60

# Run by `manage.py shell` on the fresh database: one hub, its desks and advisors, cases in the pool.
# One password hash for everybody: hashing it per user would only slow the set-up down.
SETUP = f"""
from django.contrib.auth.hashers import make_password
from kototori.models import Hub, Membership, Organisation, Role, Topic, User
from visits.models import Case

password = make_password({PASSWORD!r})
organisation = Organisation.objects.create(name="Simultaneous", slug="simultaneous")
hub = Hub.objects.create(organisation=organisation, slug="hervanta", name="Hervanta")
for role, prefix, count in ((Role.FRONT_DESK, "desk", {DESKS}), (Role.ADVISOR, "advisor", {ADVISORS})):
    for n in range(count):
        user = User.objects.create(email=f"{{prefix}}{{n}}@example.org", password=password)
        Membership.objects.create(user=user, hub=hub, role=role)
topic = Topic.objects.filter(is_active=True).first()
for n in range({CASES}):
    case = Case.objects.create(hub=hub, summary=f"Needs help with a form {{n}}")
    case.topics.set([topic])
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(database: Path, url: str = "http://127.0.0.1:8000") -> dict[str, str]:
    return {
        **os.environ,
        # The real environment wins over .env: these keep a developer's .env out of it.
        "DATABASE_URL": f"sqlite:///{database}",
        "REPLICA_DATABASE_URL": "",
        "REDIS_URL": "",
        "DEBUG": "1",
        "REQUIRE_MFA": "0",
        "SECRET_KEY": "sqlite-concurrency-" + uuid.uuid4().hex,
        "EMAIL_URL": "consolemail://",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SMS_BACKEND": "kototori.sms.LocmemBackend",
        "SITE_URL": url,
        "LOG_LEVEL": "WARNING",
    }


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def prepared_database(tmp_path_factory) -> Path:
    """Migrated, with the hub and its staff: made once, copied for each server."""
    database = tmp_path_factory.mktemp("sqlite-template") / "kototori.sqlite3"
    env = _environment(database)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "shell", "-v", "0", "-c", SETUP)
    return database


class Server:
    """A Kototori server process on its own SQLite file, started and stopped by the test."""

    def __init__(self, kind: str, tmp: Path) -> None:
        self.kind = kind
        self.database = tmp / "kototori.sqlite3"
        self.log_path = tmp / "server.log"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.env = _environment(self.database, self.url)

    def start(self, template: Path) -> None:
        source, target = sqlite3.connect(template), sqlite3.connect(self.database)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        if self.kind == "runserver":  # as `make run` serves it: one process, a thread per request
            command = ["manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"]
        else:  # several worker processes, each with its own connection to the file
            command = ["-m", "gunicorn", "kototori.wsgi", "--preload", "--workers", "3"]
            command += ["--bind", f"127.0.0.1:{self.port}", "--timeout", "60"]
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, *command], cwd=ROOT, env=self.env, stdout=log, stderr=log
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server stopped:\n{self.log()}"
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still loading the app
                pass
            time.sleep(0.2)
        raise AssertionError(f"the server did not answer in time:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:] if self.log_path.exists() else ""

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()


@pytest.fixture(scope="module", params=["runserver", "gunicorn"])
def server(request, prepared_database, tmp_path_factory):
    server = Server(request.param, tmp_path_factory.mktemp(f"sqlite-{request.param}"))
    try:
        server.start(prepared_database)
        yield server
    finally:
        server.stop()


def _all_at_once(calls: list) -> list:
    """Run every call in its own thread; they all wait on one barrier, then go together."""
    barrier = threading.Barrier(len(calls), timeout=HTTP_TIMEOUT)

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _csrf(session: requests.Session, server: Server, path: str) -> str:
    response = session.get(server.url + path, timeout=HTTP_TIMEOUT)
    assert response.status_code == 200, (path, response.status_code)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def _login_form(server: Server, email: str):
    """A browser that opened the login form; calling the result submits it."""
    session = requests.Session()
    token = _csrf(session, server, "/accounts/login/")

    def submit() -> tuple[requests.Session, requests.Response]:
        response = session.post(
            server.url + "/accounts/login/",
            data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=HTTP_TIMEOUT,
        )
        return session, response

    return submit


def _logged_in(response: requests.Response) -> bool:
    return response.status_code == 302 and "/accounts/login/" not in response.headers["Location"]


class Staff:
    """Every desk and advisor, logged in at the same moment (the first test checks how that went)."""

    def __init__(self, server: Server) -> None:
        emails = [f"desk{n}@example.org" for n in range(DESKS)]
        emails += [f"advisor{n}@example.org" for n in range(ADVISORS)]
        self.first_answers = _all_at_once([_login_form(server, email) for email in emails])
        sessions = []
        # Whoever was turned away logs in again, alone, so that the tests after this one still
        # race what they are about. Each person logs in at most twice per server: allauth
        # allows 30 logins a minute from one address.
        for email, (session, response) in zip(emails, self.first_answers, strict=True):
            if not _logged_in(response):
                session, response = _login_form(server, email)()
                assert _logged_in(response), f"{response.status_code}\n{server.log()}"
            sessions.append(session)
        self.desks = sessions[:DESKS]
        self.advisors = sessions[DESKS:]


@pytest.fixture(scope="module")
def staff(server) -> Staff:
    return Staff(server)


def _server_errors(responses: list[requests.Response]) -> list[int]:
    return [r.status_code for r in responses if r.status_code >= 500]


def _topic_id(server: Server) -> int:
    return server.query("SELECT id FROM kototori_topic WHERE is_active ORDER BY id LIMIT 1")[0][0]


def _log_walk_in(server: Server, session: requests.Session, token: str, key: str, topic: int):
    def post() -> requests.Response:
        return session.post(
            server.url + "/h/hervanta/desk/log/",
            data={
                "topics": [topic],
                "channel": "walk_in",
                "outcome": "advice",
                "key": key,
                "csrfmiddlewaretoken": token,
            },
            allow_redirects=False,
            timeout=HTTP_TIMEOUT,
        )

    return post


def test_staff_logging_in_at_the_same_moment_all_get_in(server, staff):
    statuses = [response.status_code for _session, response in staff.first_answers]

    assert statuses == [302] * (DESKS + ADVISORS), f"login answers {statuses}\n{server.log()}"
    assert all(_logged_in(response) for _session, response in staff.first_answers)
    for session, _response in staff.first_answers:
        assert session.get(server.url + "/", timeout=HTTP_TIMEOUT).status_code == 200


def _visits_per_key(server: Server) -> dict[str, int]:
    return dict(
        server.query(
            "SELECT idempotency_key, count(*) FROM visits_visit "
            "WHERE idempotency_key IS NOT NULL GROUP BY idempotency_key"
        )
    )


def test_desks_logging_walk_ins_at_the_same_moment_store_every_visit_exactly_once(server, staff):
    desks = staff.desks
    tokens = [_csrf(desk, server, "/h/hervanta/desk/") for desk in desks]
    topic = _topic_id(server)
    keys = [[uuid.uuid4().hex for _n in range(VISITS_PER_DESK)] for _desk in desks]

    def work_the_desk(desk: requests.Session, token: str, keys: list[str]):
        """One desk logs its walk-ins one after another, its page reloading after each."""
        responses = []
        for key in keys:
            responses.append(_log_walk_in(server, desk, token, key, topic)())
            responses.append(desk.get(server.url + "/h/hervanta/desk/", timeout=HTTP_TIMEOUT))
        return responses

    before = server.query("SELECT count(*) FROM visits_visit")[0][0]

    per_desk = _all_at_once(
        [
            lambda desk=desk, token=token, mine=mine: work_the_desk(desk, token, mine)
            for desk, token, mine in zip(desks, tokens, keys, strict=True)
        ]
    )

    responses = [response for answers in per_desk for response in answers]
    assert not _server_errors(responses), f"{_server_errors(responses)}\n{server.log()}"
    assert [r.status_code for r in responses] == [302, 200] * DESKS * VISITS_PER_DESK
    all_keys = [key for mine in keys for key in mine]
    stored = _visits_per_key(server)
    assert {key: stored.get(key, 0) for key in all_keys} == dict.fromkeys(all_keys, 1)
    assert server.query("SELECT count(*) FROM visits_visit")[0][0] == before + len(all_keys)
    without_topic = server.query(
        "SELECT count(*) FROM visits_visit v WHERE NOT EXISTS "
        "(SELECT 1 FROM visits_visit_topics t WHERE t.visit_id = v.id)"
    )
    assert without_topic == [(0,)]


def test_the_same_walk_in_form_sent_again_at_once_from_every_desk_logs_one_visit(server, staff):
    desks = staff.desks
    tokens = [_csrf(desk, server, "/h/hervanta/desk/") for desk in desks]
    topic = _topic_id(server)
    key = uuid.uuid4().hex
    # Each desk's browser sends the form twice: a double click, or a resend after a timeout.
    calls = [
        _log_walk_in(server, desk, token, key, topic)
        for desk, token in zip(desks, tokens, strict=True)
        for _twice in range(2)
    ]

    responses = _all_at_once(calls)

    assert not _server_errors(responses), f"{_server_errors(responses)}\n{server.log()}"
    assert [r.status_code for r in responses] == [302] * len(calls)
    assert _visits_per_key(server)[key] == 1


def test_advisors_claiming_one_case_at_once_leave_exactly_one_winner_and_tell_the_others(
    server, staff
):
    advisors = staff.advisors
    tokens = [_csrf(advisor, server, "/h/hervanta/pool/") for advisor in advisors]
    cases = [
        pk for (pk,) in server.query("SELECT id FROM visits_case WHERE status = 'open' ORDER BY id")
    ]
    assert len(cases) == CASES

    def claim(advisor: requests.Session, token: str, case: int):
        return lambda: advisor.post(
            f"{server.url}/h/hervanta/cases/{case}/claim/",
            data={"csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=HTTP_TIMEOUT,
        )

    calls = [
        claim(advisor, token, case)
        for case in cases
        for advisor, token in zip(advisors, tokens, strict=True)
    ]

    responses = _all_at_once(calls)

    assert not _server_errors(responses), f"{_server_errors(responses)}\n{server.log()}"
    assert [r.status_code for r in responses] == [302] * len(calls)
    for n, case in enumerate(cases):
        answers = responses[n * ADVISORS : (n + 1) * ADVISORS]
        winners = [r for r in answers if r.headers["Location"].endswith(f"/cases/{case}/")]
        losers = [r for r in answers if r.headers["Location"].endswith("/pool/")]
        assert (len(winners), len(losers)) == (1, ADVISORS - 1)
        notes = server.query(
            "SELECT count(*) FROM visits_casenote WHERE case_id = ? AND kind = 'claimed'", (case,)
        )
        assert notes == [(1,)]
        assert server.query("SELECT status FROM visits_case WHERE id = ?", (case,)) == [
            ("claimed",)
        ]
    # Whoever lost is told so on the pool page they were sent back to, in their language.
    lost = {
        n for n, response in enumerate(responses) if response.headers["Location"].endswith("/pool/")
    }
    for n, advisor in enumerate(advisors):
        if any(case * ADVISORS + n in lost for case in range(CASES)):
            page = advisor.get(server.url + "/h/hervanta/pool/", timeout=HTTP_TIMEOUT)
            assert page.status_code == 200
            assert 'class="message message-error"' in page.text
