import pytest
from playwright.sync_api import expect

from advisors.models import Assignment
from kototori.models import OutboundMessage, Role
from tests.advisors.factories import ExpertProfileFactory, ensure_reference_data
from tests.factories import language, topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_requests_an_expert_accepts_and_it_is_confirmed(
    page, login, live_server, hub, make_member
):
    ensure_reference_data()
    coordinator = make_member(Role.COORDINATOR, hub, full_name="Kalle Coordinator")
    expert = make_member(Role.EXPERT, hub, full_name="Eeva Expert")
    ExpertProfileFactory(user=expert, hubs=[hub], speaks=["fi"], themes=[topic("housing")])

    login(page, coordinator)
    page.goto(f"{live_server.url}/h/{hub.slug}/assignments/")
    page.get_by_label("Title").fill("Housing info for new residents")
    page.get_by_label("Kind").select_option("housing_info")
    page.get_by_label("Date and time").fill("2031-05-04T17:00")
    page.get_by_label("Place").fill("Residents' room")
    page.get_by_label("Audience", exact=True).fill("New tenants")
    page.locator("#id_language").select_option(str(language("fi").pk))
    page.get_by_role("checkbox", name="Housing", exact=True).check()
    page.get_by_role("button", name="Save request").click()
    page.get_by_role("button", name="Offer to matching experts").click()
    expect(page.get_by_text("Offered to 1 expert.")).to_be_visible()
    assert OutboundMessage.objects.filter(to=expert.email).count() == 1

    other = page.context.browser.new_context().new_page()
    login(other, expert)
    offer = other.locator(".offer", has_text="Housing info for new residents")
    offer.get_by_role("button", name="Accept").click()
    expect(other.get_by_text("The coordinator will confirm it.")).to_be_visible()
    other.context.close()

    page.reload()
    expect(page.locator(".assignment-expert")).to_have_text("Eeva Expert")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Confirmed. The expert was told.")).to_be_visible()
    assert Assignment.objects.get().status == Assignment.Status.CONFIRMED
