"""The report as CSV, XLSX (one sheet per section, numbers as numbers) and PDF (WeasyPrint).

Exports leave hub staff, so callers always pass a suppressed report.

Spreadsheet safety: a text cell that begins with ``= + - @``, a tab or a carriage return would be
read as a formula by Excel or LibreOffice (a partner called ``=HYPERLINK(…)``). Every text cell goes
through ``spreadsheet_text``: in CSV it gets a leading apostrophe (the convention both programs show
as text); in XLSX it is written as a string cell, never a formula. Numbers are written as numbers,
so a negative difference stays a number.

Locale: XLSX holds real numbers with a number format, and the spreadsheet program shows them in its
user's locale. CSV is text, so it is written the way the reader's language writes numbers: in
Finnish and Swedish a decimal comma, and then semicolons between fields (what Excel and LibreOffice
set to Finnish or Swedish expect); in English a decimal point and commas.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .builder import Report
    from .suppression import Row

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> str:
    """Text that no spreadsheet program will evaluate."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _header() -> list[str]:
    return [
        _("Section"),
        _("Table"),
        _("Row"),
        _("This period"),
        _("Previous period"),
        pgettext("between two periods", "Difference"),
    ]


def report_rows(report: Report) -> Iterator[tuple[str, str, str, Row]]:
    for sec in report.sections:
        for table in sec.tables:
            for row in table.all_rows:
                yield sec.title, table.title, row.label or _("Total"), row
    for dim in report.dimensions:
        for row in dim.rows:
            yield _("Participation"), dim.title, row.label, row


def _values(row: Row) -> list[int | float | str | None]:
    return [row.current.export_value, row.previous.export_value, row.change_value]


def _csv_field(value: object, decimal: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return spreadsheet_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(round(value, 2)).replace(".", decimal)
    return spreadsheet_text(value)


def to_csv(report: Report) -> bytes:
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if decimal == "," else ",")
    head = [_("Report"), report.scope, report.period.label, _("compared with")]
    writer.writerow([_csv_field(v, decimal) for v in [*head, report.previous.label]])
    writer.writerow([_csv_field(v, decimal) for v in _header()])
    for section, table, label, row in report_rows(report):
        fields = [section, table, label, *_values(row)]
        writer.writerow([_csv_field(v, decimal) for v in fields])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly


def _put(sheet, row: int, column: int, value: object) -> None:
    """One cell: a number with a number format, or a string that is never a formula."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
        cell.number_format = "#,##0" if isinstance(value, int) else "#,##0.0"
        return
    cell.value = str(value)
    cell.data_type = "s"  # openpyxl would store "=…" as a formula otherwise


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    cover = workbook.active
    cover.title = _("Report")[:31]
    for r, line in enumerate(
        [
            [_("Outcome report"), report.scope],
            [_("Period"), report.period.label],
            [_("Compared with"), report.previous.label],
            [_("<5: a count of people from 1 to 4.")],
            [_("withheld: withheld so that a small count cannot be worked out; any size.")],
        ],
        start=1,
    ):
        for c, value in enumerate(line, start=1):
            _put(cover, r, c, value)
    cover["A1"].font = Font(bold=True, size=14)
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1D5C63")
    used: set[str] = {cover.title}
    for sec in [*report.sections, *([] if not report.dimensions else [None])]:
        title = (sec.title if sec else _("Participation"))[:31]
        for forbidden in "[]:*?/\\":
            title = title.replace(forbidden, " ")
        while title in used:
            title = title[:28] + f"-{len(used)}"
        used.add(title)
        sheet = workbook.create_sheet(title)
        header = _header()[1:]
        for c, value in enumerate(header, start=1):
            _put(sheet, 1, c, value)
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(horizontal="center")
        if sec is not None:
            items = [(t.title, r.label or _("Total"), r) for t in sec.tables for r in t.all_rows]
        else:
            items = [(d.title, r.label, r) for d in report.dimensions for r in d.rows]
        for r, (table_title, label, row) in enumerate(items, start=2):
            for c, value in enumerate([table_title, label, *_values(row)], start=1):
                _put(sheet, r, c, value)
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
