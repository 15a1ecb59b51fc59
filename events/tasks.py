"""Thin Celery tasks for events: they take nothing or ids and call services."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

from .services import registrations_contacts_erase, reminders_send

LOCK_KEY = "events:reminders:lock"


@shared_task(ignore_result=True, acks_late=True)
def send_event_reminders() -> int:
    """Queue due reminders. Each is keyed ``event-reminder:<registration>``, so overlapping or
    repeated runs send nothing twice; the lock only saves the duplicate work."""
    if not cache.add(LOCK_KEY, "1", timeout=300):
        return 0
    try:
        return reminders_send()
    finally:
        cache.delete(LOCK_KEY)


@shared_task(ignore_result=True)
def erase_old_contacts() -> int:
    """Daily: contact details of sign-ups go 30 days after their event. Idempotent."""
    return registrations_contacts_erase()
