import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kototori.models import Role
from visits.models import Visit

pytestmark = pytest.mark.django_db


def test_a_hub_manager_lands_on_the_hub_overview_with_this_months_figures(client_for, hub):
    for _ in range(7):
        Visit.objects.create(hub=hub, visited_at=timezone.now() - timedelta(minutes=5))
    manager = client_for(Role.MANAGER, hub)
    response = manager.get(reverse("home"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "reports:hub_overview", kwargs={"hub": hub.slug}
    )
    assert '<td class="num">7</td>' in html
    assert "<svg" in html


def test_the_overview_runs_a_bounded_number_of_queries(
    client_for, hub, django_assert_max_num_queries
):
    for _ in range(30):
        Visit.objects.create(hub=hub, visited_at=timezone.now())
    manager = client_for(Role.MANAGER, hub)
    with django_assert_max_num_queries(80):
        assert (
            manager.get(reverse("reports:hub_overview", kwargs={"hub": hub.slug})).status_code
            == 200
        )


def test_only_the_hub_manager_of_that_hub_opens_the_overview(client_for, hub, other_hub, client):
    url = reverse("reports:hub_overview", kwargs={"hub": hub.slug})
    assert client_for(Role.MANAGER, other_hub).get(url).status_code == 404
    assert client_for(Role.FRONT_DESK, hub).get(url).status_code == 404
    assert client_for(Role.FUNDER, hub).get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_a_funder_lands_on_the_suppressed_report_of_their_hub(client_for, hub):
    funder = client_for(Role.FUNDER, hub)
    response = funder.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert "A count of people from 1 to 4" in response.content.decode()


def test_exports_carry_the_figures_of_the_database(client_for, hub):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=15)
    at = timezone.make_aware(
        timezone.datetime.combine(last_month, timezone.datetime.min.time()).replace(hour=11)
    )
    # Every channel at 5 or more: nothing is withheld (a zero would be shown as "<5" too).
    for channel, n in (("walk_in", 12), ("phone", 8), ("outreach", 6), ("partner", 5)):
        for _ in range(n):
            Visit.objects.create(hub=hub, visited_at=at, channel=channel)
    total = Visit.objects.filter(hub=hub, day__month=last_month.month).count()
    funder = client_for(Role.FUNDER, hub)
    query = {"hub": hub.slug, "period": f"{last_month:%Y-%m}"}

    csv_text = funder.get(reverse("reports:export", args=["csv"]), query).content.decode(
        "utf-8-sig"
    )
    assert f"Visits by channel,All visits,{total}," in csv_text
    assert "Visits by channel,Phone,8," in csv_text

    workbook = load_workbook(
        io.BytesIO(funder.get(reverse("reports:export", args=["xlsx"]), query).content)
    )
    rows = {(r[0], r[1]): r[2] for r in workbook["Visits"].iter_rows(min_row=2, values_only=True)}
    assert rows[("Visits by channel", "Walk-in")] == 12

    pdf = PdfReader(io.BytesIO(funder.get(reverse("reports:export", args=["pdf"]), query).content))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Visits by channel" in text
    assert str(total) in text


def test_the_professional_sees_the_pathway_as_a_chart(client_for, hub):
    from advisors.models import AdvisorProfile

    for stage in ("interested", "active", "active"):
        AdvisorProfile.objects.create(name=f"A {stage}", stage=stage).hubs.add(hub)
    html = (
        client_for(Role.PROFESSIONAL, hub)
        .get(reverse("advisors:supervision", kwargs={"hub": hub.slug}))
        .content.decode()
    )
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html
    assert "<desc" in html and "Active advisor: 2" in html


def test_the_coordinator_sees_how_full_the_coming_events_are(client_for, hub):
    from events.models import Event, Registration

    start = timezone.now() + timedelta(days=3)
    event = Event.objects.create(
        hub=hub,
        kind="cafe",
        title="Language café",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=10,
        status="published",
    )
    for i in range(4):
        Registration.objects.create(event=event, name=f"P{i}", language="fi", status="confirmed")
    html = (
        client_for(Role.COORDINATOR, hub)
        .get(reverse("events:dashboard", kwargs={"hub": hub.slug}))
        .content.decode()
    )
    assert "Language café: 40" in html
