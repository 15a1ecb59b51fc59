import pytest
from django.core import mail

from kototori.messaging import message_enqueue, message_id, messages_deliver, provider_reference
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
    assert LocmemBackend.outbox == [
        {"to": "+358401234567", "text": "Body", "reference": provider_reference("sms:1")}
    ]


def test_a_failing_provider_is_retried_later_not_lost(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    _enqueue(key="fail:1", channel="sms", to="+358")

    def broken(self, to, text, *, reference):
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


# After a crash --------------------------------------------------------------------------------
# A worker killed between "sending" and "sent" leaves the row "sending"; these pin what happens next.


def _left_sending_by_a_dead_worker(key, channel="sms", *, lease_over=True):
    from datetime import timedelta

    from django.utils import timezone

    message, _ = _enqueue(key=key, channel=channel, to="+358401234567")
    now = timezone.now()
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=OutboundMessage.Status.SENDING,
        attempts=1,
        lease_until=now + timedelta(seconds=-1 if lease_over else 60),
    )
    return message


def test_a_message_being_sent_by_a_live_worker_is_left_alone():
    _left_sending_by_a_dead_worker("live:1", lease_over=False)
    assert messages_deliver() == 0
    assert LocmemBackend.outbox == []
    assert OutboundMessage.objects.get().status == OutboundMessage.Status.SENDING


def test_a_message_the_provider_never_got_is_sent_once_after_the_lease_runs_out():
    _left_sending_by_a_dead_worker("lost:1")
    assert messages_deliver() == 1
    assert messages_deliver() == 0
    assert [sms["reference"] for sms in LocmemBackend.outbox] == [provider_reference("lost:1")]
    message = OutboundMessage.objects.get()
    assert (message.status, message.attempts, message.lease_until) == ("sent", 2, None)


def test_a_message_the_provider_already_accepted_is_marked_sent_not_sent_again():
    message = _left_sending_by_a_dead_worker("accepted:1")
    # The worker died after the gateway accepted it, before the row was marked sent.
    LocmemBackend().send(message.to, message.body, reference=provider_reference(message.key))
    assert messages_deliver() == 1
    assert len(LocmemBackend.outbox) == 1
    assert OutboundMessage.objects.get().status == OutboundMessage.Status.SENT


def test_a_provider_that_failed_after_accepting_is_asked_before_the_retry(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    real_send = LocmemBackend.send

    def accepted_then_timed_out(self, to, text, *, reference):
        real_send(self, to, text, reference=reference)
        raise TimeoutError("the answer never came")

    _enqueue(key="timeout:1", channel="sms", to="+358401234567")
    monkeypatch.setattr(LocmemBackend, "send", accepted_then_timed_out)
    assert messages_deliver() == 0
    monkeypatch.setattr(LocmemBackend, "send", real_send)
    OutboundMessage.objects.update(send_after=timezone.now() - timedelta(seconds=1))
    assert messages_deliver() == 1
    assert len(LocmemBackend.outbox) == 1


def test_an_email_in_doubt_is_sent_again_with_the_same_message_id_the_documented_window():
    """Plain SMTP cannot be asked what it accepted: the e-mail goes again, as the same e-mail."""
    _left_sending_by_a_dead_worker("mail:1", channel="email")
    assert messages_deliver() == 1
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [message_id("mail:1")]


def test_a_sender_whose_message_was_taken_over_does_not_overwrite_the_outcome(monkeypatch):
    """A sender slower than its lease finishes late; the one that took over records the result."""
    from kototori import messaging

    _enqueue(key="slow:1", channel="sms", to="+358401234567")
    first = messaging._claim_next()
    OutboundMessage.objects.filter(pk=first.pk).update(
        lease_until=first.lease_until.replace(year=2000)
    )
    second = messaging._claim_next()
    assert second.pk == first.pk and second.attempts == 2
    messaging._finish(first, status=OutboundMessage.Status.FAILED)
    assert OutboundMessage.objects.get().status == OutboundMessage.Status.SENDING
    messaging._finish(second, status=OutboundMessage.Status.SENT)
    assert OutboundMessage.objects.get().status == OutboundMessage.Status.SENT
