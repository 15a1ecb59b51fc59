"""The real thing: a task travels over Redis to a separate worker process and has its effect."""

import pytest

from kototori.messaging import message_enqueue
from kototori.models import OutboundMessage

pytestmark = [pytest.mark.worker]


def test_a_queued_message_is_sent_by_the_real_worker(celery_worker):
    message, _ = message_enqueue(
        key="worker-test:1",
        channel="email",
        to="visitor@example.org",
        subject="Tervetuloa",
        body="Hei! Tämä viesti kulki Celeryn kautta.",
        language="fi",
    )
    # Outside a transaction on_commit runs at once: the task is already on its way to the worker.
    celery_worker.wait_for(
        lambda: OutboundMessage.objects.filter(pk=message.pk, status="sent").exists()
    )
    emails = celery_worker.wait_for(celery_worker.emails)
    assert len(emails) == 1
    assert "Celeryn kautta" in emails[0]
