"""The front desk in a real browser: a walk-in in two key presses, without a page reload; and
nothing of it leaks to another hub."""

import pytest
from playwright.sync_api import expect

from kototori.models import Language, Role, Topic
from kototori.reference_data import seed_reference_data
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    if not Topic.objects.exists():
        seed_reference_data(Topic, Language)


def test_an_anonymous_walk_in_is_logged_in_two_key_presses_without_a_reload(
    page, login, live_server, hub, make_member
):
    user = make_member(Role.FRONT_DESK, hub)
    login(page, user)
    expect(page.get_by_role("heading", name="Log a visit")).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    first_topic = page.locator("#quick-log-form .chips input").first
    expect(first_topic).to_be_focused()

    page.keyboard.press("Space")  # 1: the first topic (Housing)
    page.keyboard.press("Enter")  # 2: log it

    expect(page.locator("#log-result")).to_contain_text("Visit logged")
    assert page.evaluate("window.__sameDocument") is True  # htmx swapped, no reload
    visit = Visit.objects.get()
    assert visit.visitor is None
    assert [t.key for t in visit.topics.all()] == ["housing"]
    # Ready for the next person: focus is back on the first topic, nothing is ticked.
    expect(page.locator("#quick-log-form .chips input").first).to_be_focused()
    expect(page.locator("#quick-log-form input[name=topics]:checked")).to_have_count(0)
    expect(page.locator(".recent-visits")).to_contain_text("Housing")


def test_a_mouse_user_logs_a_walk_in_in_two_clicks_and_can_undo_it(
    page, login, live_server, hub, make_member
):
    login(page, make_member(Role.FRONT_DESK, hub))
    page.locator("label.chip", has_text="Employment services").click()
    page.get_by_role("button", name="Log visit").click()
    expect(page.locator("#log-result")).to_contain_text("Visit logged")
    assert Visit.objects.count() == 1
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#log-result")).to_contain_text("The visit was removed.")
    assert Visit.objects.count() == 0


def test_a_walk_in_without_a_topic_shows_the_error_and_keeps_the_note(
    page, login, live_server, hub, make_member
):
    login(page, make_member(Role.FRONT_DESK, hub))
    page.get_by_label("Note").fill("asked about the bus card")
    page.get_by_role("button", name="Log visit").click()
    expect(page.get_by_text("Pick at least one topic.")).to_be_visible()
    expect(page.get_by_label("Note")).to_have_value("asked about the bus card")
    assert not Visit.objects.exists()


def test_front_desk_of_another_hub_sees_none_of_it(
    page, login, live_server, hub, other_hub, make_member
):
    from visits.services import queue_add, visit_log

    hervanta_desk = make_member(Role.FRONT_DESK, hub)
    visit_log(hub=hub, user=hervanta_desk, topics=[Topic.objects.get(key="housing")])
    queue_add(hub=hub, first_name="Zainab")
    login(page, make_member(Role.FRONT_DESK, other_hub))
    assert f"/h/{other_hub.slug}/desk/" in page.url
    expect(page.get_by_text("No visits logged yet today.")).to_be_visible()
    page.get_by_role("link", name="Queue").first.click()
    expect(page.get_by_text("Nobody is waiting.").first).to_be_visible()
    expect(page.get_by_text("Zainab")).to_have_count(0)
    response = page.goto(f"{live_server.url}/h/{hub.slug}/desk/queue/")
    assert response.status == 404
    expect(page.get_by_text("Zainab")).to_have_count(0)


def test_a_failed_save_says_so_and_keeps_what_was_typed(page, login, live_server, hub, make_member):
    login(page, make_member(Role.FRONT_DESK, hub))
    page.route("**/desk/log/", lambda route: route.abort())  # the network drops
    page.locator("label.chip", has_text="Housing").click()
    page.get_by_label("Note").fill("bus card")
    page.get_by_role("button", name="Log visit").click()
    expect(page.get_by_role("alert")).to_contain_text("Not saved")
    expect(page.get_by_label("Note")).to_have_value("bus card")
    expect(page.locator("input[name=topics]:checked")).to_have_count(1)
    assert not Visit.objects.exists()
    page.unroute("**/desk/log/")
    page.get_by_role("button", name="Log visit").click()
    expect(page.locator("#log-result")).to_contain_text("Visit logged")
    assert Visit.objects.count() == 1


def test_the_side_panel_keeps_its_chart_and_counts_after_a_visit_is_logged(
    page, login, live_server, hub, make_member
):
    from visits.models import DataRequest

    DataRequest.objects.create(hub=hub, kind="copy", name="A", phone="040 1")
    login(page, make_member(Role.FRONT_DESK, hub))
    panel = page.locator("section[aria-labelledby=today-heading]")
    expect(panel.locator(".chart-figure svg")).to_be_visible()
    expect(panel).to_contain_text("1 data request open")
    page.locator("label.chip", has_text="Housing").click()
    page.get_by_role("button", name="Log visit").click()
    expect(page.locator("#log-result")).to_contain_text("Visit logged")
    # The same panel, redrawn with the new visit: chart, counts and the link to the requests.
    expect(panel.locator(".chart-figure svg")).to_be_visible()
    expect(panel).to_contain_text("1 visit")
    expect(panel).to_contain_text("1 data request open")
    expect(panel.get_by_role("link", name="1 data request open")).to_be_visible()
