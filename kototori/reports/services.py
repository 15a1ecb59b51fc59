from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kototori.messaging import message_enqueue
from kototori.models import Channel, Hub, Membership, Role

from . import periods
from .builder import build_report
from .exports import report_rows
from .models import StoredReport


def _snapshot(report) -> dict:
    return {
        "period": report.period.param,
        "rows": [
            [section, table, label, row.current.export_value, row.previous.export_value]
            for section, table, label, row in report_rows(report)
        ],
    }


def stored_report_build(*, hub: Hub, period: periods.Period) -> tuple[StoredReport, bool]:
    existing = StoredReport.objects.filter(
        hub=hub, period_kind=period.kind, period_start=period.start
    ).first()
    if existing:
        return existing, False
    with translation.override(settings.LANGUAGE_CODE):
        report = build_report(hub_ids=[hub.pk], period=period, suppress=True, scope=hub.name)
        data = _snapshot(report)
    try:
        with transaction.atomic():
            stored = StoredReport.objects.create(
                hub=hub,
                period_kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                data=data,
            )
    except IntegrityError:  # another run built it first
        return StoredReport.objects.get(
            hub=hub, period_kind=period.kind, period_start=period.start
        ), False
    return stored, True


def monthly_reports_deliver(*, today: date | None = None) -> int:
    """Build last month's report for every active hub and tell its funders where to read it.
    Returns how many e-mails were queued by this run (0 on a rerun)."""
    today = today or timezone.localdate()
    period = periods.month(today.replace(day=1) - timedelta(days=1))
    queued = 0
    for hub in Hub.objects.filter(is_active=True):
        stored, _created = stored_report_build(hub=hub, period=period)
        funders = (
            Membership.objects.active().filter(hub=hub, role=Role.FUNDER).select_related("user")
        )
        link = (
            settings.SITE_URL + reverse("reports:report") + f"?hub={hub.slug}&period={period.param}"
        )
        for membership in funders:
            user = membership.user
            with translation.override(user.preferred_language):
                body = render_to_string(
                    "reports/email/monthly.txt",
                    {"user": user, "hub": hub, "period": period, "link": link},
                )
                subject = translation.gettext("Kototori report %(period)s: %(hub)s") % {
                    "period": period.label,
                    "hub": hub.name,
                }
            _message, created = message_enqueue(
                key=f"monthly-report:{stored.pk}:{user.pk}",
                channel=Channel.EMAIL,
                to=user.email,
                subject=subject,
                body=body,
                language=user.preferred_language,
                hub=hub,
            )
            queued += int(created)
    return queued
