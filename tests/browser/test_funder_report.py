"""A funder opens the report and downloads it in three formats, and finds no count under five."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from kototori.models import Role
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_funder_reads_the_report_and_downloads_csv_xlsx_and_pdf(page, login, make_member, hub):
    at = timezone.now().replace(day=1) - timedelta(days=10)
    for channel, n in (("walk_in", 30), ("phone", 2), ("outreach", 9)):
        for _ in range(n):
            Visit.objects.create(hub=hub, visited_at=at, channel=channel)
    funder = make_member(Role.FUNDER, hub, preferred_language="en")
    login(page, funder)
    expect(page.locator("h1")).to_contain_text("Outcome report")
    phone_row = page.locator("tr", has=page.locator("th", has_text="Phone")).first
    expect(phone_row).to_contain_text("<5")
    for fmt in ("CSV", "XLSX", "PDF"):
        with page.expect_download() as info:
            page.get_by_role("link", name=fmt, exact=True).click()
        with open(info.value.path(), "rb") as fh:
            content = fh.read()
        if fmt == "CSV":
            rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[2:]
            numbers = [int(v) for r in rows for v in r[3:5] if v.isdigit()]
            assert "<5" in {v for r in rows for v in r[3:5]}
        elif fmt == "XLSX":
            sheet = load_workbook(io.BytesIO(content))["Visits"]
            numbers = [
                v
                for r in sheet.iter_rows(min_row=2, values_only=True)
                for v in r[2:4]
                if isinstance(v, int)
            ]
        else:
            assert content.startswith(b"%PDF")
            continue
        assert numbers and all(n == 0 or n >= 5 for n in numbers), numbers
