from datetime import timedelta

import pytest
from django.utils import timezone

from events.tasks import send_event_reminders
from kototori.models import OutboundMessage
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_the_reminder_job_queues_each_reminder_once_however_often_it_runs(hub, settings):
    assert "events.tasks.send_event_reminders" in {
        job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()
    }
    event = EventFactory(hub=hub, starts_at=timezone.now() + timedelta(hours=3))
    registration = RegistrationFactory(event=event, phone="+358401234567", remind=True)
    assert send_event_reminders.delay().get() == 1
    assert send_event_reminders.delay().get() == 0
    messages = OutboundMessage.objects.filter(key=f"event-reminder:{registration.pk}")
    assert messages.count() == 1
    assert messages.get().channel == "sms"
