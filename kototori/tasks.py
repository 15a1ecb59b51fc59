"""Thin Celery tasks for the core: they take ids (or nothing) and call services."""

from __future__ import annotations

from celery import shared_task

from .messaging import messages_deliver


@shared_task(ignore_result=True, acks_late=True)
def deliver_messages() -> int:
    """Wake the outbox sender. Idempotent: it only sends rows still pending."""
    return messages_deliver()
