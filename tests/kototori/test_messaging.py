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
