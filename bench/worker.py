"""One Celery worker under load: the monthly reports of every hub, then a burst of 10,000 event
reminders sent through the console e-mail backend. Memory of the worker process is sampled
throughout.

    .venv/bin/python bench/worker.py [--reminders 10000] [--hub hervanta]

Starts ``celery -A kototori worker --concurrency 1`` on bench.settings with its own queue (stopped
by pid at the end; its console e-mails go to var/bench/worker.log). Then:
1. deletes last month's stored reports and sends ``deliver_monthly_reports``: time until every
   hub has its report, and the worker's peak memory;
2. makes an event starting in two hours (inside the reminder window) with ``--reminders``
   confirmed sign-ups who asked for a reminder by e-mail, sends ``send_event_reminders``, and
   times how long the reminders take to be queued in the outbox and to be sent, sampling the
   worker's memory every half second (flat, or growing?). The event and its sign-ups are deleted
   afterwards; the sent messages stay in the outbox, as they would.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

QUEUE = f"kototori-bench-{os.getpid()}"


class Worker:
    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Worker:
        common.OUT.mkdir(parents=True, exist_ok=True)
        log = (common.OUT / "worker.log").open("w")
        env = {**os.environ, "CELERY_QUEUE": QUEUE}
        self.process = subprocess.Popen(  # noqa: S603
            [common.PYTHON, "-m", "celery", "-A", "kototori", "worker", "--concurrency", "1",
             "--loglevel", "WARNING", "-Q", QUEUE, "--without-gossip", "--without-mingle"],
            cwd=common.ROOT, stdout=log, stderr=log, env=env,
        )  # fmt: skip
        for _ in range(100):
            time.sleep(0.3)
            if self.child:
                return self
        raise RuntimeError("the worker did not start; see var/bench/worker.log")

    @property
    def child(self) -> int | None:
        """The prefork child that runs the tasks (concurrency 1: exactly one)."""
        kids = common.children(self.process.pid) if self.process else []
        return kids[0] if kids else None

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown
            self.process.wait(timeout=120)


class Sampler(threading.Thread):
    """RSS of the worker's child every half second."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop = pid, [], threading.Event()

    def run(self) -> None:
        started = time.perf_counter()
        while not self.stop.is_set():
            try:
                self.samples.append((time.perf_counter() - started, common.proc_memory(self.pid)))
            except FileNotFoundError:
                return
            time.sleep(0.5)


def monthly_reports(worker: Worker) -> dict:
    from django.utils import timezone

    from kototori.models import Hub
    from kototori.reports import periods
    from kototori.reports.models import StoredReport
    from kototori.reports.tasks import deliver_monthly_reports

    period = periods.month(timezone.localdate().replace(day=1) - timedelta(days=1))
    StoredReport.objects.filter(period_kind=period.kind, period_start=period.start).delete()
    hubs = Hub.objects.filter(is_active=True).count()
    before = common.proc_memory(worker.child)
    started = time.perf_counter()
    deliver_monthly_reports.apply_async(queue=QUEUE)
    while StoredReport.objects.filter(period_start=period.start).count() < hubs:
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    return {
        "hubs": hubs,
        "period": period.param,
        "seconds": seconds,
        "memory_before_mib": before,
        "memory_after_mib": common.proc_memory(worker.child),
    }


def reminder_burst(worker: Worker, count: int, hub_slug: str) -> dict:
    from django.utils import timezone

    from events.models import Event, Registration, Status
    from events.tasks import send_event_reminders
    from kototori.models import Hub, OutboundMessage

    hub = Hub.objects.get(slug=hub_slug)
    starts = timezone.now() + timedelta(hours=2)
    event = Event.objects.create(
        hub=hub, kind="community", title="Reminder burst", title_fi="Muistutustesti",
        starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=None,
        registration_required=True, status=Status.PUBLISHED, published_at=timezone.now(),
    )  # fmt: skip
    languages = ["fi", "en", "ar", "so", "ru", "uk", "fa", "sv"]
    Registration.objects.bulk_create(
        (
            Registration(
                event=event, name=f"Burst {n}", email=f"burst{n}@example.invalid",
                language=languages[n % len(languages)], remind=True,
                status=Registration.Status.CONFIRMED,
            )
            for n in range(count)
        ),
        batch_size=2000,
    )  # fmt: skip
    ids = list(event.registrations.values_list("pk", flat=True))
    keys = [f"event-reminder:{pk}" for pk in ids]
    sampler = Sampler(worker.child)
    sampler.start()
    started = time.perf_counter()
    send_event_reminders.apply_async(queue=QUEUE)
    runs, progress = 1, []
    queued_at = sent_at = None
    last_queued, stalled_since = 0, time.perf_counter()
    while sent_at is None and time.perf_counter() - started < 1200:
        time.sleep(1)
        rows = OutboundMessage.objects.filter(key__in=keys)
        queued = rows.count()
        sent = rows.filter(status=OutboundMessage.Status.SENT).count()
        progress.append((time.perf_counter() - started, queued, sent))
        if queued_at is None and queued >= count:
            queued_at = time.perf_counter() - started
        if sent >= count:
            sent_at = time.perf_counter() - started
        if queued > last_queued:
            last_queued, stalled_since = queued, time.perf_counter()
        elif queued < count and time.perf_counter() - stalled_since > 5:
            # The run was cut off (the task's soft time limit): what beat would do ten minutes
            # later, done now, so the burst's own throughput is measured.
            send_event_reminders.apply_async(queue=QUEUE)
            runs += 1
            stalled_since = time.perf_counter()
    # The wake-up tasks left behind: each transaction that queued a message woke the sender.
    time.sleep(1)
    sampler.stop.set()
    sampler.join()
    event.delete()
    rss = [s[1]["VmRSS"] for s in sampler.samples]
    return {
        "reminders": count,
        "task_runs": runs,
        "progress": progress,
        "queued_s": queued_at,
        "sent_s": sent_at,
        "per_second": count / sent_at if sent_at else None,
        "rss_first_mib": rss[0] if rss else None,
        "rss_max_mib": max(rss) if rss else None,
        "rss_last_mib": rss[-1] if rss else None,
        "samples": sampler.samples,
    }


def queue_length() -> int:
    from kototori.celery import app

    with app.connection_for_write() as connection:
        return connection.default_channel.client.llen(QUEUE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--hub", default="hervanta")
    args = parser.parse_args()
    common.setup()
    results = {"machine": common.machine()}
    with Worker() as worker:
        results["idle_mib"] = common.proc_memory(worker.child)
        results["monthly_reports"] = monthly_reports(worker)
        m = results["monthly_reports"]
        print(
            f"monthly reports of {m['hubs']} hubs ({m['period']}): {m['seconds']:.1f} s, worker "
            f"{m['memory_before_mib']} → {m['memory_after_mib']} MiB; load {common.load_average()}",
            flush=True,
        )
        results["burst"] = burst = reminder_burst(worker, args.reminders, args.hub)
        burst["wakeups_left_in_queue"] = queue_length()
        print(
            f"{burst['reminders']:,} reminders: queued in {burst['queued_s'] or 0:.1f} s by "
            f"{burst['task_runs']} runs of the task, all sent "
            f"after {burst['sent_s'] or 0:.1f} s ({burst['per_second'] or 0:.0f}/s); worker RSS "
            f"{burst['rss_first_mib']} → max {burst['rss_max_mib']} → {burst['rss_last_mib']} MiB; "
            f"{burst['wakeups_left_in_queue']:,} wake-up tasks still queued; "
            f"load {common.load_average()}",
            flush=True,
        )
        # Let the leftover wake-ups drain before the warm shutdown, and time that too.
        started = time.perf_counter()
        while queue_length() and time.perf_counter() - started < 600:
            time.sleep(1)
        burst["wakeups_drained_s"] = time.perf_counter() - started
        print(f"leftover wake-ups drained in {burst['wakeups_drained_s']:.0f} s", flush=True)
    path = common.save("worker", results)
    print(f"saved {path.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
