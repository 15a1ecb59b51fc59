"""The report as CSV, XLSX (one sheet per section, numbers as numbers) and PDF (WeasyPrint).

Exports leave hub staff, so callers always pass a suppressed report."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

if TYPE_CHECKING:
    from .builder import Report


def _header() -> list[str]:
    return [
        _("Section"),
        _("Table"),
        _("Row"),
        _("This period"),
        _("Previous period"),
        pgettext("between two periods", "Difference"),
    ]


def report_rows(report: Report):
    for sec in report.sections:
        for table in sec.tables:
            for row in table.all_rows:
                yield sec.title, table.title, row.label or _("Total"), row
    for dim in report.dimensions:
        for row in dim.rows:
            yield _("Participation"), dim.title, row.label, row


def to_csv(report: Report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [_("Report"), report.scope, report.period.label, _("compared with"), report.previous.label]
    )
    writer.writerow(_header())
    for section, table, label, row in report_rows(report):
        writer.writerow(
            [section, table, label, row.current.export_value, row.previous.export_value, row.change]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    cover = workbook.active
    cover.title = _("Report")[:31]
    cover.append([_("Outcome report"), report.scope])
    cover.append([_("Period"), report.period.label])
    cover.append([_("Compared with"), report.previous.label])
    cover.append([_("Counts below 5 are shown as <5.")])
    cover["A1"].font = Font(bold=True, size=14)
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1D5C63")
    used: set[str] = {cover.title}
    for sec in [*report.sections, *([] if not report.dimensions else [None])]:
        title = (sec.title if sec else _("Participation"))[:31]
        while title in used:
            title = title[:28] + f"-{len(used)}"
        used.add(title)
        sheet = workbook.create_sheet(title)
        sheet.append(
            [
                _("Table"),
                _("Row"),
                _("This period"),
                _("Previous period"),
                pgettext("between two periods", "Difference"),
            ]
        )
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(horizontal="center")
        if sec is not None:
            items = [(t.title, r.label or _("Total"), r) for t in sec.tables for r in t.all_rows]
        else:
            items = [(d.title, r.label, r) for d in report.dimensions for r in d.rows]
        for table_title, label, row in items:
            sheet.append(
                [
                    table_title,
                    label,
                    row.current.export_value,
                    row.previous.export_value,
                    row.change,
                ]
            )
        sheet.column_dimensions["A"].width = 36
        sheet.column_dimensions["B"].width = 40
        for col in "CDE":
            sheet.column_dimensions[col].width = 16
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_pdf(report: Report, *, base_url: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/pdf.html", {"report": report})
    return HTML(string=html, base_url=base_url).write_pdf()
