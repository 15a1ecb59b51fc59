"""Thin Celery tasks of the front desk."""

from __future__ import annotations

from celery import shared_task

from .services import queue_forget_names


@shared_task(ignore_result=True)
def forget_queue_names() -> int:
    """Blank the first names typed into past days' tickets. Idempotent."""
    return queue_forget_names()
