"""Thin Celery tasks for the data-subject rights."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

LOCK_KEY = "rights:retention-running"


@shared_task(ignore_result=True)
def apply_retention_policies() -> None:
    """Nightly: each hub's retention periods. Guarded so two beats can't overlap."""
    from .retention import retention_apply_all

    if not cache.add(LOCK_KEY, 1, timeout=60 * 60):
        return
    try:
        retention_apply_all()
    finally:
        cache.delete(LOCK_KEY)
