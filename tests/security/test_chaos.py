"""Messages never lost, never doubled — with real processes dying.

A private Redis (own port, no persistence) and a real Celery worker with its embedded beat run
against the test database. Each trial queues messages, then breaks things at random moments:
``kill -9`` of the worker (mid-batch or not), a Redis restart that drops every queued task, queuing
while Redis is down; one kill lands exactly in the window where the provider has accepted a message
and the outbox has not marked it sent. The "providers" (tests/security/backends.py) are slow both
ways and can be asked what they accepted, like an SMS gateway with client references. Afterwards
every message reached the provider exactly once. (With a provider that cannot be asked, the window
stays: tests/kototori/test_messaging.py pins that behaviour.)
"""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from celery import Celery
from django.db import transaction

from kototori import tasks
from kototori.messaging import message_enqueue
from kototori.models import Channel, OutboundMessage
from tests.conftest import _database_url

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
KEY = re.compile(r"BODY\[(chaos-\d+-\d+)\]")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """Our own redis-server: never the shared one. Restarted without saving, it forgets everything."""

    def __init__(self, tmp: Path) -> None:
        self.port = _free_port()
        self.tmp = tmp
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None


class ChaosWorker:
    """A worker with its embedded beat (every second), in its own process group so that a kill -9
    takes the beat child with it."""

    def __init__(self, tmp: Path, redis: Redis, queue: str) -> None:
        self.tmp, self.redis, self.queue = tmp, redis, queue
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": self.redis.url,
            "CELERY_QUEUE": self.queue,
            "OUTBOX_WAKE_SECONDS": "1",
            "EMAIL_BACKEND": "tests.security.backends.SlowLookupEmailBackend",
            "EMAIL_FILE_PATH": str(self.tmp / "mail"),
            "SMS_BACKEND": "tests.security.backends.SlowFileBackend",
            "SMS_FILE_PATH": str(self.tmp / "sms"),
            "OUTBOX_LEASE_SECONDS": "2",  # a dead sender's message is in doubt after 2 s
            "SECRET_KEY": "chaos-test-secret",
            "DEBUG": "1",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kototori",
                "worker",
                "-B",
                "--schedule",
                str(self.tmp / "beat-schedule"),
                "--pool=solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "ERROR",
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        """kill -9, wherever it is."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        """A graceful stop: the running task finishes first."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.process = None

    def deliveries(self) -> Counter:
        texts = [p.read_text(errors="replace") for p in (self.tmp / "mail").glob("*")]
        sms = self.tmp / "sms" / "sms.jsonl"
        if sms.exists():
            texts.append(sms.read_text(errors="replace"))
        return Counter(key for text in texts for key in KEY.findall(text))


@pytest.fixture
def chaos(tmp_path, monkeypatch):
    redis = Redis(tmp_path)
    redis.start()
    queue = f"chaos-{os.getpid()}"
    worker = ChaosWorker(tmp_path, redis, queue)
    # The web side wakes the sender over the private Redis, as production does over its own.
    sender = Celery("chaos-web", broker=redis.url, set_as_current=False)
    sender.conf.broker_connection_retry_on_startup = False
    sender.conf.broker_transport_options = {"max_retries": 1}

    def wake():
        sender.send_task(
            "kototori.tasks.deliver_messages", queue=queue, retry=False, ignore_result=True
        )

    monkeypatch.setattr(tasks.deliver_messages, "delay", wake)
    try:
        yield redis, worker
    finally:
        worker.kill()
        redis.stop()
        sender.close()


def _enqueue(trial: int, start: int, count: int) -> list[str]:
    keys = []
    with transaction.atomic():
        for i in range(start, start + count):
            key = f"chaos-{trial}-{i}"
            email = i % 2 == 0
            message_enqueue(
                key=key,
                channel=Channel.EMAIL if email else Channel.SMS,
                to=f"person{i}@example.org" if email else f"+35840{i:07d}",
                subject="Muistutus",
                body=f"Reminder BODY[{key}] end",
                language="fi",
            )
            keys.append(key)
    return keys


def _wait_all_sent(timeout: float = 25) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not OutboundMessage.objects.exclude(status=OutboundMessage.Status.SENT).exists():
            return
        time.sleep(0.1)
    left = OutboundMessage.objects.exclude(status=OutboundMessage.Status.SENT).count()
    raise AssertionError(f"{left} messages still unsent")


def _accepted_in_doubt(worker: ChaosWorker) -> int:
    """Messages the provider has that the outbox still shows as being sent: the killed worker was
    in the window."""
    delivered = worker.deliveries()
    sending = OutboundMessage.objects.filter(status=OutboundMessage.Status.SENDING)
    return sum(1 for key in sending.values_list("key", flat=True) if key in delivered)


def _wait_until_delivered(worker: ChaosWorker, keys: list[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if set(keys) & set(worker.deliveries()):
            return
        time.sleep(0.02)
    raise AssertionError("the provider got nothing")


def test_kills_and_broker_restarts_lose_nothing_and_double_nothing(chaos, tmp_path):
    redis, worker = chaos
    rng = random.Random(int(os.environ.get("CHAOS_SEED", time.time())))
    hold = tmp_path / "hold"
    expected: list[str] = []
    n = 40
    kills_in_window = 0

    for trial in range(4):
        worker.start()
        expected += _enqueue(trial, 1000, 1)  # warm-up: wait until the worker really runs
        _wait_all_sent()
        if trial == 0:
            hold.touch()  # the provider accepts, and its answer does not come back
            batch = _enqueue(trial, 0, n)
            _wait_until_delivered(worker, batch)
        else:
            batch = _enqueue(trial, 0, n)
            time.sleep(rng.uniform(0.05, 0.9))  # somewhere in the middle of the batch (~20 ms each)
        expected += batch
        worker.kill()
        hold.unlink(missing_ok=True)
        kills_in_window += _accepted_in_doubt(worker)
        redis.stop()  # every queued wake-up is gone
        if trial % 2:
            expected += _enqueue(trial, n, 5)  # queued while the broker is down
        redis.start()
        worker.start()
        _wait_all_sent()
        worker.kill() if trial % 2 else worker.stop()

    delivered = worker.deliveries()
    repeated = {key: count for key, count in delivered.items() if count > 1}
    print(f"chaos: {len(expected)} messages, {kills_in_window} kills in the window, {repeated=}")
    assert sorted(set(expected) - set(delivered)) == []  # nothing lost
    assert set(delivered) == set(expected)
    assert repeated == {}  # nothing doubled
    assert kills_in_window >= 1  # the trial that kills inside the window really did


def test_a_graceful_restart_and_a_broker_restart_repeat_nothing(chaos):
    redis, worker = chaos
    worker.start()
    expected = _enqueue(9, 1000, 1)
    _wait_all_sent()
    expected += _enqueue(9, 0, 40)
    time.sleep(0.3)  # mid-batch: the running task finishes its batch before the worker exits
    worker.stop()
    redis.stop()
    redis.start()
    worker.start()
    _wait_all_sent()
    worker.stop()
    delivered = worker.deliveries()
    assert set(delivered) == set(expected)
    assert max(delivered.values()) == 1
