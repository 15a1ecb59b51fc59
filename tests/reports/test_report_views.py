import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from kototori.models import OutboundMessage, Role
from kototori.reports.models import StoredReport
from kototori.reports.services import monthly_reports_deliver

pytestmark = pytest.mark.django_db
OCT = {"period": "2026-10"}


def _cells(html: str, label: str) -> str:
    start = html.index(f'<th scope="row">{label}</th>')
    return html[start : html.index("</tr>", start)]


def test_a_hub_manager_sees_full_figures_on_screen(client_for, hub, fixed_section):
    manager = client_for(Role.MANAGER, hub)
    html = manager.get(reverse("reports:report"), OCT).content.decode()
    assert '<td class="num">3</td>' in _cells(html, "Phone")


def test_a_funder_sees_small_cells_as_under_five_and_their_complement_as_withheld(
    client_for, hub, fixed_section
):
    funder = client_for(Role.FUNDER, hub)
    response = funder.get(reverse("reports:report"), OCT)
    html = response.content.decode()
    assert response.status_code == 200
    phone = _cells(html, "Phone")
    assert "&lt;5" in phone and ">3<" not in phone
    # Phone (3) alone would be total − others: the next smallest cell (Outreach 30) is withheld
    # too, and says so instead of pretending to be under five.
    outreach = _cells(html, "Outreach")
    assert '<td class="num">withheld</td><td class="num">&lt;5</td>' in outreach  # Sept.: 2
    assert "<dt>withheld</dt>" in html  # the legend explains both labels
    assert "<svg" in html and 'role="img"' in html


def test_funders_only_see_hubs_granted_to_them(client_for, hub, other_hub, fixed_section):
    funder = client_for(Role.FUNDER, hub)
    assert funder.get(reverse("reports:report"), {"hub": other_hub.slug, **OCT}).status_code == 404
    assert (
        funder.get(
            reverse("reports:export", args=["csv"]), {"hub": other_hub.slug, **OCT}
        ).status_code
        == 404
    )


def test_people_without_a_report_role_are_refused(client_for, hub, client):
    assert client_for(Role.ADVISOR, hub).get(reverse("reports:report")).status_code == 403
    assert client.get(reverse("reports:report")).status_code == 302


def test_csv_export_is_suppressed_even_for_a_manager(client_for, hub, fixed_section):
    manager = client_for(Role.MANAGER, hub)
    response = manager.get(reverse("reports:export", args=["csv"]), OCT)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_label = {r[2]: r for r in rows if len(r) > 3 and r[1] == "Visits by channel"}
    assert by_label["Walk-in"][3] == "120"
    assert by_label["Phone"][3] == "<5"
    assert by_label["Outreach"][3] == "withheld"
    assert by_label["All visits"][3] == "153"
    assert response["Content-Disposition"].endswith('.csv"')


def test_xlsx_export_keeps_numbers_as_numbers(client_for, hub, fixed_section):
    manager = client_for(Role.MANAGER, hub)
    response = manager.get(reverse("reports:export", args=["xlsx"]), OCT)
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Visits"]
    values = {
        row[1]: row[2]
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[0] == "Visits by channel"
    }
    assert values["Walk-in"] == 120 and isinstance(values["Walk-in"], int)
    assert values["Phone"] == "<5"
    assert values["Outreach"] == "withheld"
    assert sheet["A1"].font.bold


def test_pdf_export_is_a_real_pdf_with_the_figures(client_for, hub, fixed_section):
    manager = client_for(Role.MANAGER, hub)
    response = manager.get(reverse("reports:export", args=["pdf"]), OCT)
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 2000


def test_an_impossible_period_is_refused_with_a_clear_page(client_for, hub, fixed_section):
    manager = client_for(Role.MANAGER, hub)
    response = manager.get(reverse("reports:report"), {"period": "2026-13"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "not a period the report can show" in html
    assert 'value="2026-13"' in html  # what was typed stays in the form


def test_monthly_delivery_stores_one_report_and_mails_each_funder_a_link_once(
    make_member, hub, django_capture_on_commit_callbacks, fixed_section
):
    from datetime import date

    funder = make_member(Role.FUNDER, hub)
    make_member(Role.FRONT_DESK, hub)
    with django_capture_on_commit_callbacks(execute=True):
        first = monthly_reports_deliver(today=date(2026, 11, 1))
        second = monthly_reports_deliver(today=date(2026, 11, 1))
    assert (first, second) == (1, 0)
    assert StoredReport.objects.filter(hub=hub, period_start=date(2026, 10, 1)).count() == 1
    assert OutboundMessage.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [funder.email]
    assert "period=2026-10" in mail.outbox[0].body
    assert "120" not in mail.outbox[0].body  # a link, never the data


@pytest.mark.parametrize(
    "crafted", ["0001-01", "9999", "9999-12-01_9999-12-31", "2026-" + "9" * 30]
)
def test_crafted_periods_get_a_clear_400_page_on_screen_and_in_every_download(
    client_for, hub, crafted
):
    for role in (Role.MANAGER, Role.FUNDER):
        client = client_for(role, hub)
        response = client.get(reverse("reports:report"), {"period": crafted})
        assert response.status_code == 400
        assert "not a period the report can show" in response.content.decode()
        for fmt in ("csv", "xlsx", "pdf"):
            export = client.get(reverse("reports:export", args=[fmt]), {"period": crafted})
            assert export.status_code == 400


def test_the_dashboards_ignore_a_crafted_period(client_for, hub):
    manager = client_for(Role.MANAGER, hub)
    overview = reverse("reports:hub_overview", kwargs={"hub": hub.slug})
    assert manager.get(overview, {"period": "9999-12"}).status_code == 200
    funder = client_for(Role.FUNDER, hub)
    home = reverse("reports:hub_report", kwargs={"hub": hub.slug})
    assert funder.get(home, {"period": "0001-01"}, follow=True).status_code == 200
    assert (
        client_for(Role.MANAGER, hub).get(reverse("reports:export", args=["exe"])).status_code
        == 404
    )
