"""Thin Celery tasks for the core: they take ids (or nothing) and call services."""

from __future__ import annotations

from importlib import import_module

from celery import shared_task
from django.conf import settings

from .messaging import messages_deliver


@shared_task(ignore_result=True, acks_late=True)
def deliver_messages() -> int:
    """Wake the outbox sender. Idempotent: it only sends rows still pending."""
    return messages_deliver()


@shared_task(ignore_result=True, acks_late=True)
def erase_message_copies(message_ids: list[int]) -> int:
    """After an erasure: remove the copies the e-mail and SMS backends stored of these messages.
    Runs on the worker, which is where the sender wrote them. Idempotent."""
    from .messaging import message_copies_erase
    from .models import OutboundMessage

    return message_copies_erase(messages=OutboundMessage.objects.filter(pk__in=message_ids))


@shared_task(ignore_result=True)
def clear_expired_sessions() -> None:
    """Expired sessions hold personal data (who was logged in, their hub): remove them nightly."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@shared_task(ignore_result=True)
def run_retention() -> None:
    """Delete or anonymise personal data past its retention period (kototori.retention)."""
    from .retention import retention_run

    retention_run()
