"""Downloads are safe to open in a spreadsheet program, and written the way the reader's language
writes numbers."""

import csv
import io
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kototori.models import Role
from tests.factories import PartnerFactory

from .conftest import add_visits

pytestmark = pytest.mark.django_db
OCT = {"period": "2026-10"}
EVIL = '=HYPERLINK("http://evil.example/","Click me")'
NAMES = [EVIL, "+1+2", "-3+4", "@SUM(5,6)", "\t=7*8", "\r=9*9"]


@pytest.fixture
def formula_partners(hub):
    """Six partners whose names a spreadsheet would run as formulas, six referrals each in October
    (and phone visits 3 → 20 so a difference is negative)."""
    from visits.models import Referral

    at = timezone.make_aware(datetime(2026, 10, 5, 10))
    partners = [PartnerFactory(name=name) for name in NAMES]
    Referral.objects.bulk_create(
        Referral(hub=hub, partner=partner, created_at=at) for partner in partners for _ in range(6)
    )
    add_visits(hub, 2026, 10, walk_in=40, phone=7)
    add_visits(hub, 2026, 9, walk_in=20, phone=30)
    return partners


def _csv(client, **query) -> list[list[str]]:
    response = client.get(reverse("reports:export", args=["csv"]), {**OCT, **query})
    text = response.content.decode("utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_names_that_look_like_formulas_are_written_as_text(client_for, hub, formula_partners):
    manager = client_for(Role.MANAGER, hub)
    rows = _csv(manager)
    labels = [r[2] for r in rows if len(r) > 3 and r[1] == "Referrals by partner"]
    for name in NAMES:
        assert "'" + name in labels
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for row in rows for cell in row)

    response = manager.get(reverse("reports:export", args=["xlsx"]), OCT)
    sheet = load_workbook(io.BytesIO(response.content))["Referrals to partners"]
    cells = {_plain(row[1].value): row for row in sheet.iter_rows(min_row=2)}
    for name in NAMES:
        assert cells[_plain(name)][1].data_type == "s"  # a string, not a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def _plain(text) -> str:
    return str(text).replace("_x000D_", "").strip()


def test_a_negative_difference_stays_a_number(client_for, hub, formula_partners):
    manager = client_for(Role.MANAGER, hub)
    phone = next(r for r in _csv(manager) if r[1:3] == ["Visits by channel", "Phone"])
    assert phone[3:] == ["7", "30", "-23"]
    response = manager.get(reverse("reports:export", args=["xlsx"]), OCT)
    sheet = load_workbook(io.BytesIO(response.content))["Visits"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "Phone")
    assert row[4].value == -23 and row[4].data_type == "n"


def test_libreoffice_opens_the_downloads_and_runs_no_formula(
    client_for, hub, formula_partners, tmp_path
):
    """LibreOffice (headless) converts the XLSX to CSV, sheet by sheet, and the CSV to an XLSX of its
    own: the names arrive as the literal text, no formula result ("Click me", 56, 81) appears, and
    the negative difference is still a number."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "install libreoffice-calc-nogui (scripts/lib.sh APT_PACKAGES)"
    manager = client_for(Role.MANAGER, hub)
    (tmp_path / "report.xlsx").write_bytes(
        manager.get(reverse("reports:export", args=["xlsx"]), OCT).content
    )
    (tmp_path / "report.csv").write_bytes(
        manager.get(reverse("reports:export", args=["csv"]), OCT).content
    )
    _soffice(
        soffice,
        tmp_path,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        "report.xlsx",
    )
    referrals = _read(tmp_path / "report-Referrals to partners.csv")
    labels = {_plain(r[1]) for r in referrals if r[0] == "Referrals by partner"}
    assert {_plain(name) for name in NAMES} <= labels
    every_cell = {cell for row in referrals for cell in row}
    assert not every_cell & {"Click me", "3", "11", "56", "81"}  # no formula was evaluated
    visits = _read(tmp_path / "report-Visits.csv")
    assert ["Visits by channel", "Phone", "7", "30", "-23"] in visits

    _soffice(soffice, tmp_path, "xlsx", "report.csv")
    converted = load_workbook(tmp_path / "report.xlsx")  # the CSV, as LibreOffice read it
    sheet = converted.active
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    labels = [row[2].value for row in sheet.iter_rows() if row[1].value == "Referrals by partner"]
    assert "'" + EVIL in labels
    phone = next(r for r in sheet.iter_rows() if r[2].value == "Phone")
    assert phone[5].value == -23


def _read(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _soffice(soffice: str, directory: Path, target: str, source: str) -> None:
    subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            directory,
            directory / source,
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={"HOME": str(directory), "PATH": "/usr/bin:/bin"},
    )


def test_finnish_and_swedish_downloads_write_decimal_commas(client_for, hub, make_member):
    from advisors.models import HoursEntry

    add_visits(hub, 2026, 10, walk_in=12)
    HoursEntry.objects.create(
        user=make_member(Role.ADVISOR, hub),
        hub=hub,
        on=date(2026, 10, 3),
        hours=2.5,
        description="Phone help",
    )
    for language in ("fi", "sv"):
        manager = client_for(Role.MANAGER, hub, preferred_language=language)
        response = manager.get(reverse("reports:export", args=["csv"]), OCT)
        text = response.content.decode("utf-8-sig")
        assert text.splitlines()[1].count(";") == 5  # Excel in fi/sv splits on semicolons
        hours = [line for line in text.splitlines() if ";2,5;" in line]
        assert hours, text
        html = manager.get(reverse("reports:report"), OCT).content.decode()
        assert ">2,5<" in html and ">2.5<" not in html
        workbook = load_workbook(
            io.BytesIO(manager.get(reverse("reports:export", args=["xlsx"]), OCT).content)
        )
        values = [c for ws in workbook for row in ws.iter_rows() for c in row if c.value == 2.5]
        assert values and values[0].number_format == "#,##0.0"
