"""The hub manager's dashboard: everything of the hub at a glance, with trends; and the funder's
home, which is the suppressed report of their hub."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from kototori.access import Perm, hub_permission_required

from . import periods
from .builder import build_report

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from kototori.models import Hub

# The headline figures: (table key, row key or "" for the total).
HEADLINES = [
    ("visits_overview", ""),
    ("visitors", "new"),
    ("case_flow", "opened"),
    ("case_flow", "closed"),
    ("referrals_by_partner", ""),
    ("event_participants", ""),
    ("advisors_by_stage", "active"),
    ("volunteer_hours", ""),
]


@hub_permission_required(Perm.HUB_MANAGE)
def hub_overview(request: HttpRequest, hub: Hub) -> HttpResponse:
    """This month so far against last month, the 12-month visit trend, and the live queues."""
    from events.models import Event
    from visits.models import Case

    period = periods.month(timezone.localdate())
    report = build_report(hub_ids=[hub.pk], period=period, suppress=False, scope=hub.name)
    headlines = []
    for table_key, row_key in HEADLINES:
        table = report.table(table_key)
        if table is None:
            continue
        row = (
            table.total if not row_key else next((r for r in table.rows if r.key == row_key), None)
        )
        if row is not None:
            headlines.append({"label": row.label if row_key else table.title, "row": row})
    cases = Case.objects.filter(hub=hub)
    context = {
        "hub": hub,
        "report": report,
        "headlines": headlines,
        "pool_size": cases.in_pool().count(),
        "escalated": cases.filter(status=Case.Status.ESCALATED).count(),
        "upcoming_events": Event.objects.filter(hub=hub).upcoming().count(),
        "report_url": reverse("reports:report") + f"?hub={hub.slug}",
    }
    return render(request, "reports/hub_overview.html", context)


@hub_permission_required(Perm.REPORT_SUPPRESSED, Perm.REPORT_FULL)
def hub_report(request: HttpRequest, hub: Hub) -> HttpResponse:
    """A funder's home: last month's report of their hub."""
    return redirect(reverse("reports:report") + f"?hub={hub.slug}")
