"""The outcome report on screen and as downloads. Staff of a hub see its full figures; funders, and
every download, get the suppressed report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kototori.access import Perm, hub_ids_with, hubs_with, permission_required

from . import exports, periods
from .builder import build_report

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .builder import Report

REPORT_PERMS = (Perm.REPORT_SUPPRESSED, Perm.REPORT_FULL)


class PeriodRefused(Exception):
    """The period cannot be shown to this reader: answered with 400 and the reason."""


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
    context = {
        "hubs": sorted(hubs.values(), key=lambda h: h.name),
        "hub_choice": choice,
        "period_param": request.GET.get("period", "")[:40],
    }
    try:
        period = periods.parse(request.GET.get("period"))
    except ValueError as exc:
        raise PeriodRefused(
            _(
                "That is not a period the report can show. Use a month (2026-10), a quarter "
                "(2026-Q3), a year (2026) or two dates (2025-09-01_2026-08-31), between "
                "%(first)s and %(last)s."
            )
            % {"first": periods.FIRST_YEAR, "last": periods.LAST_YEAR},
            context,
        ) from exc
    full_ids = hub_ids_with(request, Perm.REPORT_FULL)
    hub_ids = [h.pk for h in selected]
    # Full figures only for people who hold them in every hub of the report, and never in exports.
    suppress = export or not all(pk in full_ids for pk in hub_ids)
    if suppress and not (period.whole_months and period.end < timezone.localdate()):
        # Withheld figures are protected month by month (docs/reports.md): a period cut inside a
        # month, or one still running, could be subtracted from another to reveal them.
        raise PeriodRefused(
            _(
                "Reports with withheld figures cover whole months that have ended: a month, a "
                "quarter, a year, or from the first day of a month to the last day of a month."
            ),
            context,
        )
    report = build_report(hub_ids=hub_ids, period=period, suppress=suppress, scope=scope)
    context["report"] = report
    context["period_param"] = request.GET.get("period", period.param)
    return report, context


def _refused(request: HttpRequest, error: PeriodRefused) -> HttpResponse:
    message, context = error.args
    return render(
        request, "reports/period_refused.html", {**context, "message": message}, status=400
    )


@permission_required(*REPORT_PERMS)
def report(request: HttpRequest) -> HttpResponse:
    try:
        report, context = _report_for_request(request, export=False)
    except PeriodRefused as error:
        return _refused(request, error)
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
    if fmt not in {"csv", "xlsx", "pdf"}:
        raise Http404
    try:
        report, _context = _report_for_request(request, export=True)
    except PeriodRefused as error:
        return _refused(request, error)
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
