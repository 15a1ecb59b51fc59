"""What survives erasure: nothing. Besides the database, a person's data is copied into the
outgoing messages' stores (the e-mail and SMS files, a provider's queue) and could be copied into
task arguments and results in Redis. Right after the erasure a canary marker must be absent from
all of them: a database dump, MEDIA_ROOT, the e-mail and SMS file directories and every Redis key.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from kototori import messaging
from kototori.messaging import message_enqueue, messages_deliver
from kototori.models import Channel, OutboundMessage
from kototori.rights.services import visitor_erase
from kototori.sms import FileBackend
from tests.advisors.factories import CaseFactory
from tests.factories import PartnerFactory, UserFactory
from tests.security.canary import (
    assert_no_canary,
    canary_marker,
    database_dump,
    redis_texts,
    stored_texts,
)
from tests.visits.factories import VisitorFactory
from visits.services import referral_create

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _person_and_bystander(hub, marker: str):
    """A visitor whose referral note (special-category text) goes to a partner by e-mail, who gets
    a text message reminder, and whose case is escalated to a professional by e-mail; and someone
    else whose messages must survive."""
    visitor = VisitorFactory(
        hub=hub, first_name=f"Aino{marker}", phone="+358 40 765 0001", email=f"{marker}@ex.org"
    )
    partner = PartnerFactory(hubs_served=[hub], email="partner@example.org")
    staff = UserFactory(email="professional@example.org")
    referral_create(
        hub=hub,
        user=staff,
        partner=partner,
        visitor=visitor,
        note=f"{marker}: depression, needs a doctor who speaks Arabic",
    )
    message_enqueue(
        key=f"visitor-reminder:{visitor.pk}",
        channel=Channel.SMS,
        to=visitor.phone,
        body=f"Hei Aino{marker}, muistathan huomisen ajan.",
        language="fi",
        hub=hub,
        about=visitor,
    )
    case = CaseFactory(hub=hub, visitor=visitor, summary="housing")
    message_enqueue(
        key=f"case-escalated:{case.pk}:0:{staff.pk}",
        channel=Channel.EMAIL,
        to=staff.email,
        subject="A case was escalated to you",
        body=f"Case {case.pk} needs a professional. Reason: {marker} talks of self-harm",
        language="en",
        hub=hub,
    )
    bystander = VisitorFactory(hub=hub, first_name="Bystander", phone="+358 40 765 0002")
    message_enqueue(
        key=f"visitor-reminder:{bystander.pk}",
        channel=Channel.SMS,
        to=bystander.phone,
        body="Hei Bystander, muistathan huomisen ajan.",
        language="fi",
        hub=hub,
        about=bystander,
    )
    message_enqueue(
        key="invite:999:0",
        channel=Channel.EMAIL,
        to="new.colleague@example.org",
        subject="Your Kototori account",
        body="Welcome, Bystander-colleague",
        language="en",
        hub=hub,
    )
    return visitor


@pytest.fixture
def file_stores(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.SMS_BACKEND = "kototori.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


def _stores(tmp_path) -> list[str]:
    return [*stored_texts(tmp_path / "mail"), *stored_texts(tmp_path / "sms")]


def test_erasure_removes_the_sent_copies_from_the_mail_and_sms_files_and_keeps_others(
    hub, file_stores, django_capture_on_commit_callbacks
):
    marker = canary_marker()
    person = _person_and_bystander(hub, marker)
    assert messages_deliver() == 5
    stores = "\n".join(_stores(file_stores)).lower()
    assert marker in stores  # the copies are there before: the test can fail
    with django_capture_on_commit_callbacks(execute=True):
        visitor_erase(visitor=person)
    assert_no_canary(marker, *_stores(file_stores))
    after = "\n".join(_stores(file_stores))
    assert "Hei Bystander" in after and "Bystander-colleague" in after


def test_the_sms_file_still_knows_an_erased_message_was_accepted(
    hub, file_stores, django_capture_on_commit_callbacks
):
    """So a crashed sender's retry does not send an emptied message again."""
    person = _person_and_bystander(hub, canary_marker())
    messages_deliver()
    reminder = OutboundMessage.objects.get(key=f"visitor-reminder:{person.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        visitor_erase(visitor=person)
    assert FileBackend().accepted(messaging.provider_reference(reminder.key)) is True


def test_a_message_being_sent_while_the_person_is_erased_leaves_no_copy(
    hub, file_stores, django_capture_on_commit_callbacks, monkeypatch
):
    """The sender holds the text in memory when erasure empties the row: it removes its own copy
    once it sees that the message it sent was cancelled meanwhile."""
    marker = canary_marker()
    person = _person_and_bystander(hub, marker)
    reminder_key = f"visitor-reminder:{person.pk}"
    original = messaging._send
    erased = []

    def send_while_erasing(message):
        if not erased and message.key == reminder_key:
            with django_capture_on_commit_callbacks(execute=True):
                visitor_erase(visitor=person)
            erased.append(True)
        original(message)

    monkeypatch.setattr(messaging, "_send", send_while_erasing)
    messages_deliver()
    assert erased
    assert_no_canary(marker, *_stores(file_stores))
    assert OutboundMessage.objects.get(key=reminder_key).status == "cancelled"


def test_every_task_takes_ids_or_nothing():
    """Broker messages (and results) live in Redis, outside erasure's reach: tasks get ids only."""
    from kototori.celery import app

    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert "kototori.tasks.erase_message_copies" in ours
    for name, task in ours.items():
        for parameter in inspect.signature(task.run).parameters.values():
            assert str(parameter.annotation) in ("int", "list[int]"), (
                f"{name}({parameter.name}: {parameter.annotation}) — give tasks ids, not text"
            )


def _id_like(node: ast.expr) -> bool:
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(_id_like(element) for element in node.elts)
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("list", "sorted"):
        return all(_id_like(arg) for arg in node.args)
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name in ("pk", "id") or name.endswith(("_id", "_ids", "_pk", "ids"))


def test_every_place_that_queues_a_task_passes_ids_only():
    calls = []
    for app in ("kototori", "visits", "advisors", "events"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in (
                    "delay",
                    "apply_async",
                    "delay_on_commit",
                ):
                    arguments = [*node.args, *(k.value for k in node.keywords)]
                    calls.append((f"{path.relative_to(ROOT)}:{node.lineno}", arguments))
    assert len(calls) >= 2  # the outbox wake-up and the erasure of copies
    bad = [where for where, arguments in calls if not all(map(_id_like, arguments))]
    assert not bad, f"tasks queued with something other than ids: {bad}"


@pytest.mark.worker
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
def test_right_after_erasure_the_canary_is_in_no_store_at_all(celery_worker, hub):
    """The real worker sends the messages into its e-mail and SMS files over the Redis broker;
    after the erasure it removes its copies. Then: no marker in a database dump, MEDIA_ROOT, the
    e-mail and SMS files, or any Redis key (broker, results, cache)."""
    marker = canary_marker()
    person = _person_and_bystander(hub, marker)
    celery_worker.wait_for(
        lambda: OutboundMessage.objects.filter(status="sent").count() == 5, timeout=30
    )
    worker_stores = [celery_worker.mail_dir, celery_worker.sms_dir]

    def texts() -> list[str]:
        return [text for folder in worker_stores for text in stored_texts(folder)]

    assert marker in "\n".join(texts()).lower()  # the copies exist before: the test can fail
    assert marker in database_dump().lower()
    # The scan reads the broker's database (REDIS_URL is the broker's too): a probe written there
    # is found. (Checking for the broker's own keys instead depended on which test ran before: a
    # cache.clear() between tests empties that database, bindings included.)
    probe = redis.Redis.from_url(django_settings.REDIS_URL)
    probe.set(f"probe:{marker}", "x", ex=60)
    assert any(marker in text for text in redis_texts(django_settings.REDIS_URL))
    probe.delete(f"probe:{marker}")

    visitor_erase(visitor=person)  # commits: the copies' erasure goes to the worker
    celery_worker.wait_for(lambda: marker not in "\n".join(texts()).lower(), timeout=30)

    assert_no_canary(marker, database_dump())
    assert_no_canary(marker, *stored_texts(django_settings.MEDIA_ROOT))
    assert_no_canary(marker, *texts())
    assert_no_canary(marker, *redis_texts(django_settings.REDIS_URL))
    assert "Hei Bystander" in "\n".join(texts())
