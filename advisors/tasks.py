"""Thin periodic jobs for the case pool, shifts and assignments. Each is idempotent: messages carry
keys naming their occasion, so a rerun (or a duplicate beat) sends nothing twice."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def process_stale_claims() -> dict[str, int]:
    return services.stale_claims_process()


@shared_task(ignore_result=True)
def send_shift_reminders() -> int:
    return services.shift_reminders_send()


@shared_task(ignore_result=True)
def send_assignment_reminders() -> int:
    return services.assignment_reminders_send()


@shared_task(ignore_result=True)
def send_follow_up_reminders() -> int:
    return services.follow_up_reminders_send()
