"""An advisor works a case from the pool to closing; two advisors race for one case; an escalation
reaches a professional."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kototori.models import Role
from tests.advisors.factories import AdvisorProfileFactory, CaseFactory, ensure_reference_data
from tests.factories import language, topic
from visits.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def advisor(make_member, hub):
    ensure_reference_data()
    user = make_member(Role.ADVISOR, hub, full_name="Ahmed Advisor")
    AdvisorProfileFactory(user=user, name=user.full_name, hubs=[hub], speaks=["ar"])
    return user


def test_an_advisor_claims_notes_sets_a_follow_up_and_closes(
    page, login, live_server, hub, advisor
):
    CaseFactory(
        hub=hub,
        summary="Help with a housing allowance form",
        topics=[topic("housing")],
        languages=[language("ar")],
    )
    login(page, advisor)
    page.get_by_role("link", name="Case pool").click()
    card = page.locator(".pool-case", has_text="Help with a housing allowance form")
    card.get_by_role("button", name="Claim").click()
    expect(page.get_by_text("The case is yours now.")).to_be_visible()
    page.get_by_label("Note", exact=True).fill("Filled in the form together")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator(".timeline")).to_contain_text("Filled in the form together")
    follow_up = timezone.localdate() + timedelta(days=3)
    page.locator("#id_follow_up_next_follow_up").fill(follow_up.isoformat())
    page.get_by_role("button", name="Set follow-up").click()
    expect(page.get_by_text("Follow-up date saved.")).to_be_visible()
    page.get_by_label("Outcome").select_option("resolved")
    page.get_by_role("button", name="Close case").click()
    expect(page.get_by_text("The case is closed.")).to_be_visible()
    case = Case.objects.get()
    assert case.status == Case.Status.CLOSED
    assert case.next_follow_up is None


def test_two_advisors_race_for_one_case_and_the_loser_is_told(
    page, login, live_server, hub, advisor, make_member
):
    rival = make_member(Role.ADVISOR, hub, full_name="Rita Rival")
    CaseFactory(hub=hub, summary="Residence permit questions")
    other = page.context.browser.new_context().new_page()
    login(page, advisor)
    login(other, rival)
    pool = f"{live_server.url}/h/{hub.slug}/pool/"
    page.goto(pool)
    other.goto(pool)
    page.get_by_role("button", name="Claim").click()
    other.get_by_role("button", name="Claim").click()
    expect(page.get_by_text("The case is yours now.")).to_be_visible()
    expect(other.get_by_text("Someone else claimed this case a moment ago")).to_be_visible()
    assert Case.objects.get().claimed_by == advisor
    other.context.close()


def test_an_escalation_reaches_a_professional(page, login, live_server, hub, advisor, make_member):
    professional = make_member(Role.PROFESSIONAL, hub, full_name="Paula Professional")
    case = CaseFactory(
        hub=hub, summary="Letter from the district court", topics=[topic("legal_aid")]
    )
    login(page, advisor)
    page.goto(f"{live_server.url}/h/{hub.slug}/pool/")
    page.get_by_role("button", name="Claim").click()
    expect(page.get_by_text("escalate this case instead of closing it")).to_be_visible()
    page.get_by_label("Why does this need a professional?").fill("Court deadline next week")
    page.get_by_role("button", name="Escalate").click()
    expect(page.get_by_text("Escalated. The hub's professionals were told.")).to_be_visible()

    desk = page.context.browser.new_context().new_page()
    login(desk, professional)
    expect(desk.locator(".escalations")).to_contain_text("Court deadline next week")
    desk.locator(f'.escalations a[href$="/cases/{case.pk}/"]').click()
    desk.get_by_label("Outcome").select_option("professional")
    desk.get_by_role("button", name="Close case").click()
    expect(desk.get_by_text("The case is closed.")).to_be_visible()
    desk.context.close()
