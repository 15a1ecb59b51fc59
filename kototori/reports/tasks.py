from __future__ import annotations

from celery import shared_task

from .services import monthly_reports_deliver


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=60,
    retry_kwargs={"max_retries": 5},
    ignore_result=True,
)
def deliver_monthly_reports() -> int:
    """On the first day of each month: build last month's report per hub and e-mail its funders a
    link. Idempotent (one stored report per hub and period, one e-mail per recipient and period), so
    a retry after a failure sends nothing twice."""
    return monthly_reports_deliver()
