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


def test_contact_details_are_erased_30_days_after_the_event(hub, settings):
    from events.tasks import erase_old_contacts

    assert "events.tasks.erase_old_contacts" in {
        job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()
    }
    start = timezone.now() - timedelta(days=31)
    old = EventFactory(hub=hub, starts_at=start, ends_at=start + timedelta(hours=2))
    recent = EventFactory(hub=hub, starts_at=timezone.now() - timedelta(days=2))
    gone = RegistrationFactory(event=old, email="old@example.org", phone="+358401", remind=True)
    kept = RegistrationFactory(event=recent, email="recent@example.org")
    assert erase_old_contacts.delay().get() == 1
    assert erase_old_contacts.delay().get() == 0
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert (gone.email, gone.phone, gone.remind, gone.name) == ("", "", False, gone.name)
    assert kept.email == "recent@example.org"
