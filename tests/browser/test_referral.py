"""From a walk-in to a referral, and the partner closing it through its link without an account."""

import pytest
from playwright.sync_api import expect

from kototori.models import Language, Role, Topic
from kototori.reference_data import seed_reference_data
from tests.factories import PartnerFactory, PartnerServiceFactory
from visits.models import Referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    if not Topic.objects.exists():
        seed_reference_data(Topic, Language)


def test_a_walk_in_is_referred_and_the_partner_closes_the_referral_through_its_link(
    page, login, live_server, hub, make_member
):
    partner = PartnerFactory(name="Kela Hervanta", hubs_served=[hub])
    PartnerServiceFactory(partner=partner, name="Benefit advice")
    login(page, make_member(Role.FRONT_DESK, hub))

    page.locator("label.chip", has_text="Social insurance benefits").click()
    page.locator("label.chip", has_text="Referred to a partner").click()
    page.get_by_role("button", name="Log visit").click()
    page.get_by_role("link", name="Write the referral").click()
    page.get_by_label("Partner", exact=True).select_option(label="Kela Hervanta")
    page.get_by_label("Service", exact=True).select_option(label="Kela Hervanta: Benefit advice")
    page.get_by_label("Note for the partner").fill("Housing allowance application")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_text("Referral sent to Kela Hervanta.")).to_be_visible()
    link = page.get_by_label("Link for the partner").input_value()

    partner_page = page.context.browser.new_context().new_page()
    partner_page.goto(link)
    expect(partner_page.get_by_text("Housing allowance application")).to_be_visible()
    partner_page.get_by_label("Status").select_option("completed")
    partner_page.get_by_label("Feedback").fill("Application filed together.")
    partner_page.get_by_role("button", name="Save").click()
    expect(partner_page.get_by_text("Thank you.")).to_be_visible()

    # A tampered link gets a clear message, not someone else's referral.
    partner_page.goto(link[:-3] + "abc")
    expect(partner_page.get_by_role("heading", name="This link does not work")).to_be_visible()
    partner_page.context.close()

    page.reload()
    expect(page.locator("h1")).to_contain_text("Completed")
    expect(page.locator("dl.details")).to_contain_text("Application filed together.")
    referral = Referral.objects.get()
    assert referral.status == "completed"
    assert referral.visit.outcome == "referred"
