"""The outcome report on screen and as downloads. Staff of a hub see its full figures; funders, and
every download, get the suppressed report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kototori.access import Perm, hub_ids_with, hubs_with, permission_required

from . import exports, periods
from .builder import build_report

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .builder import Report

REPORT_PERMS = (Perm.REPORT_SUPPRESSED, Perm.REPORT_FULL)


def _report_for_request(request: HttpRequest, *, export: bool) -> tuple[Report, dict]:
    hubs = {hub.slug: hub for perm in REPORT_PERMS for hub in hubs_with(request, perm)}
    choice = request.GET.get("hub") or (next(iter(sorted(hubs)), "") if len(hubs) == 1 else "all")
    if choice == "all":
        selected = sorted(hubs.values(), key=lambda h: h.name)
        scope = _("All my hubs") if len(selected) > 1 else (selected[0].name if selected else "")
    elif choice in hubs:
        selected = [hubs[choice]]
        scope = selected[0].name
    else:
        raise Http404
    try:
        period = periods.parse(request.GET.get("period"))
        period_error = ""
    except ValueError:
        period = periods.parse(None)
        period_error = _("That period is not a real date; showing last month instead.")
    full_ids = hub_ids_with(request, Perm.REPORT_FULL)
    hub_ids = [h.pk for h in selected]
    # Full figures only for people who hold them in every hub of the report, and never in exports.
    suppress = export or not all(pk in full_ids for pk in hub_ids)
    report = build_report(hub_ids=hub_ids, period=period, suppress=suppress, scope=scope)
    context = {
        "report": report,
        "hubs": sorted(hubs.values(), key=lambda h: h.name),
        "hub_choice": choice,
        "period_param": request.GET.get("period", period.param),
        "period_error": period_error,
    }
    return report, context


@permission_required(*REPORT_PERMS)
def report(request: HttpRequest) -> HttpResponse:
    report, context = _report_for_request(request, export=False)
    if context["period_error"]:
        messages.warning(request, context["period_error"])
    context["tables_with_charts"] = [
        (
            sec,
            [
                (t, report.chart_svg(t) if getattr(t, "chart", "bar") == "bar" else "")
                for t in sec.tables
            ],
        )
        for sec in report.sections
    ]
    context["query"] = request.GET.urlencode()
    return render(request, "reports/report.html", context)


@permission_required(*REPORT_PERMS)
def report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    report, _context = _report_for_request(request, export=True)
    filename = f"kototori-report-{report.period.param}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(report), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "pdf":
        response = HttpResponse(
            exports.to_pdf(report, base_url=request.build_absolute_uri("/")),
            content_type="application/pdf",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
