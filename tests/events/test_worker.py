"""With the real worker: the reminder job run twice sends each reminder once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.tasks import send_event_reminders
from kototori.models import Language, OutboundMessage, Topic
from kototori.reference_data import seed_reference_data
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = [pytest.mark.worker]


def test_the_reminder_job_run_twice_by_the_worker_sends_one_reminder(celery_worker, hub):
    if not Language.objects.exists():
        seed_reference_data(Topic, Language)
    event = EventFactory(
        hub=hub, title_fi="Kielikahvila", starts_at=timezone.now() + timedelta(hours=2)
    )
    registration = RegistrationFactory(
        event=event, email="muistutus@example.org", remind=True, language="fi"
    )
    send_event_reminders.delay().get(timeout=20)
    send_event_reminders.delay().get(timeout=20)
    celery_worker.wait_for(
        lambda: OutboundMessage.objects.filter(
            key=f"event-reminder:{registration.pk}", status="sent"
        ).exists()
    )
    mails = [m for m in celery_worker.emails() if "muistutus@example.org" in m]
    assert len(mails) == 1
    assert OutboundMessage.objects.filter(key__startswith="event-reminder:").count() == 1
