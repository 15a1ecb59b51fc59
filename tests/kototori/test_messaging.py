import pytest
from django.core import mail

from kototori.messaging import message_enqueue, messages_deliver
from kototori.models import OutboundMessage
from kototori.sms import LocmemBackend

pytestmark = pytest.mark.django_db


def _enqueue(key="reminder:1", channel="email", to="a@example.org"):
    return message_enqueue(
        key=key, channel=channel, to=to, subject="Hi", body="Body", language="fi"
    )


def test_the_same_key_queues_one_message_and_sends_it_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _, first = _enqueue()
        _, second = _enqueue()
    assert (first, second) == (True, False)
    assert messages_deliver() == 0  # already sent by the on-commit wake-up
    assert len(mail.outbox) == 1
    assert OutboundMessage.objects.get().status == OutboundMessage.Status.SENT


def test_sms_goes_through_the_configured_backend(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _enqueue(key="sms:1", channel="sms", to="+358401234567")
    assert LocmemBackend.outbox == [{"to": "+358401234567", "text": "Body"}]


def test_a_failing_provider_is_retried_later_not_lost(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    _enqueue(key="fail:1", channel="sms", to="+358")

    def broken(self, to, text):
        raise ConnectionError("provider down")

    monkeypatch.setattr(LocmemBackend, "send", broken)
    assert messages_deliver() == 0
    message = OutboundMessage.objects.get()
    assert message.status == OutboundMessage.Status.PENDING
    assert message.attempts == 1
    assert message.send_after > message.created_at


def test_a_broker_that_is_down_does_not_lose_or_break_the_save(
    django_capture_on_commit_callbacks, monkeypatch
):
    from kototori import tasks

    def down():
        raise ConnectionError("redis is restarting")

    monkeypatch.setattr(tasks.deliver_messages, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        _, created = _enqueue(key="down:1")
    assert created
    assert OutboundMessage.objects.get().status == OutboundMessage.Status.PENDING
    # The next beat wake-up sends it.
    assert messages_deliver() == 1
    assert len(mail.outbox) == 1


def test_a_repeated_email_carries_the_same_message_id(django_capture_on_commit_callbacks):
    from kototori.messaging import message_id

    with django_capture_on_commit_callbacks(execute=True):
        _enqueue(key="reminder:42")
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id("reminder:42")
    assert message_id("reminder:42") == message_id("reminder:42") != message_id("reminder:43")
    assert "reminder" not in message_id("reminder:42")  # the key itself is not disclosed


def test_messages_due_later_wait_and_cancelled_ones_are_never_sent():
    from datetime import timedelta

    from django.utils import timezone

    _later, _ = message_enqueue(
        key="later:1",
        channel="email",
        to="a@example.org",
        body="B",
        language="fi",
        send_after=timezone.now() + timedelta(hours=1),
    )
    cancelled, _ = _enqueue(key="cancelled:1")
    OutboundMessage.objects.filter(pk=cancelled.pk).update(status=OutboundMessage.Status.CANCELLED)
    assert messages_deliver() == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_senders_never_take_the_same_message():
    """While one sender holds a message (FOR UPDATE), another skips it and sends the next one."""
    import threading

    from django.db import connection, transaction

    from kototori.messaging import _claim_next

    first, _ = _enqueue(key="race:1", to="one@example.org")
    _second, _ = _enqueue(key="race:2", to="two@example.org")
    mail.outbox.clear()
    OutboundMessage.objects.update(status=OutboundMessage.Status.PENDING)
    held, release = threading.Event(), threading.Event()
    claimed = []

    def hold_first():
        with transaction.atomic():
            claimed.append(_claim_next())
            held.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=hold_first)
    thread.start()
    held.wait(10)
    try:
        assert messages_deliver(limit=5) == 1
    finally:
        release.set()
        thread.join()
    assert claimed[0].pk == first.pk
    assert [m.to for m in mail.outbox] == [["two@example.org"]]
