"""A visitor checks in on the kiosk in Arabic; the front desk sees the ticket arrive, calls,
serves and finishes it, and the waiting time is kept."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kototori.models import Language, Role, Topic
from kototori.reference_data import seed_reference_data
from visits.models import QueueEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    if not Topic.objects.exists():
        seed_reference_data(Topic, Language)


def test_a_kiosk_check_in_in_arabic_is_served_at_the_desk_with_its_waiting_time(
    page, login, live_server, hub, make_member
):
    login(page, make_member(Role.FRONT_DESK, hub, full_name="Fatima Desk"))
    page.get_by_role("link", name="Queue").first.click()
    expect(page.get_by_text("Nobody is waiting.")).to_be_visible()

    kiosk = page.context.browser.new_context().new_page()
    kiosk.goto(f"{live_server.url}/kiosk/{hub.kiosk_token}/")
    kiosk.locator("a[hreflang=ar]").click()
    expect(kiosk.locator("html")).to_have_attribute("dir", "rtl")
    expect(kiosk.locator("html")).to_have_attribute("lang", "ar")
    kiosk.locator("label.pictogram-choice", has_text="السكن").click()  # Housing
    kiosk.locator("input[name=first_name]").fill("Zainab")
    kiosk.locator(".kiosk-submit").click()
    expect(kiosk.locator("#ticket-number")).to_have_text("1")
    kiosk.context.close()

    # The ticket waited a while before anyone called it.
    QueueEntry.objects.update(created_at=timezone.now() - timedelta(minutes=6))

    # The queue refreshes by itself: no reload needed for the ticket to show up.
    waiting = page.locator("#ticket-1")
    expect(waiting).to_contain_text("Zainab", timeout=15_000)
    expect(waiting).to_contain_text("Housing")
    page.get_by_role("button", name="Call next").click()
    expect(page.locator("#ticket-1")).to_contain_text("Called")
    page.locator("#ticket-1").get_by_role("button", name="Start serving").click()
    expect(page.locator("#ticket-1")).to_contain_text("Being served")
    # Keyboard users keep their place: focus is on this ticket's next button.
    expect(page.locator("#ticket-1").get_by_role("button", name="Done")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#finished-1")).to_contain_text("Done")
    expect(page.locator("#finished-1")).to_contain_text("6")

    entry = QueueEntry.objects.get()
    assert entry.status == QueueEntry.Status.DONE
    assert entry.language.code == "ar"
    assert entry.waited_minutes == 6
    assert entry.called_at and entry.served_at and entry.done_at
    assert entry.visit.language.code == "ar"
    assert [t.key for t in entry.visit.topics.all()] == ["housing"]


def test_the_lobby_screen_shows_the_called_number_and_no_name(page, live_server, hub, make_member):
    from visits.services import display_token, queue_add, queue_call_next

    queue_add(hub=hub, first_name="Zainab")
    page.goto(f"{live_server.url}/screen/{display_token(hub)}/")
    expect(page.locator(".lobby-called")).to_contain_text("—")
    queue_call_next(hub=hub, user=make_member(Role.FRONT_DESK, hub))
    expect(page.locator(".lobby-called li.called")).to_have_text("1", timeout=10_000)
    expect(page.get_by_text("Zainab")).to_have_count(0)


def _at_least_44_px(locator) -> None:
    box = locator.bounding_box()
    assert box is not None, "not on screen"
    assert box["width"] >= 44 and box["height"] >= 44, box


def test_the_kiosk_pages_have_an_h1_and_targets_of_44_px(page, live_server, hub):
    page.set_viewport_size({"width": 800, "height": 1280})  # a tablet standing at the door
    page.goto(f"{live_server.url}/kiosk/{hub.kiosk_token}/")
    expect(page.locator("h1")).to_have_count(1)
    _at_least_44_px(page.locator(".kiosk-header .brand"))
    for link in page.locator("a.kiosk-language").all():
        _at_least_44_px(link)
    page.locator("a[hreflang=ar]").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_count(1)
    expect(heading).to_have_text("بماذا تحتاج المساعدة؟")  # What do you need help with?
    # The topics' group is still named by the question (the heading sits in the legend).
    expect(page.get_by_role("group", name="بماذا تحتاج المساعدة؟")).to_be_visible()
    _at_least_44_px(page.locator(".kiosk-header .brand"))
    _at_least_44_px(page.locator(".kiosk-back"))
    _at_least_44_px(page.locator(".kiosk-submit"))
    housing = page.locator("label.pictogram-choice", has_text="السكن")
    expect(housing.locator("svg title")).to_have_text("السكن")  # the tooltip, in Arabic
