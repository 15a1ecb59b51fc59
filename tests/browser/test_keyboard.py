"""Keyboard only: the front-desk walk-in, the queue (call, serve, done) and the kiosk, with no mouse.

At every Tab stop the focus must be visible: an outline or ring at least 2 px wide with 3:1 contrast
against what is around it. On the kiosk every touch target is measured: at least 44 × 44 CSS px.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kototori.models import Role
from tests.browser.keyboard import assert_focus_visible, small_targets, tab_to
from tests.factories import PASSWORD
from visits.models import QueueEntry, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in_with_the_keyboard(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, page.locator("input[name=login]"))
    page.keyboard.type(user.email)
    tab_to(page, page.locator("input[name=password]"))
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_walk_in_is_logged_with_the_keyboard_alone_and_the_focus_is_always_visible(
    page, live_server, hub, make_member
):
    _log_in_with_the_keyboard(page, live_server, make_member(Role.FRONT_DESK, hub))
    expect(page.locator("#quick-log-form .chips input").first).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Space")  # Housing
    topics = page.locator("#quick-log-form input[name=topics]")
    stops = tab_to(page, topics.nth(2))
    assert len(stops) == 2  # one Tab stop per topic
    page.keyboard.press("Space")
    chosen = {int(topics.nth(i).get_attribute("value")) for i in (0, 2)}
    # On through channel, outcome, language and the rest to the button; every stop visible.
    tab_to(page, page.get_by_role("button", name="Log visit"))
    page.keyboard.press("Enter")

    expect(page.locator("#log-result")).to_contain_text("Visit logged")
    visit = Visit.objects.get()
    assert {t.pk for t in visit.topics.all()} == chosen
    # Ready for the next person, the focus back on the first topic, and visible.
    expect(topics.first).to_be_focused()
    assert_focus_visible(page)
    # The result's own actions can be reached backwards from there (Undo).
    tab_to(page, page.get_by_role("button", name="Undo"), key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#log-result")).to_contain_text("The visit was removed.")
    assert not Visit.objects.exists()


def test_the_queue_calls_serves_and_finishes_a_ticket_with_the_keyboard_alone(
    page, live_server, hub, make_member
):
    from visits.services import queue_add

    queue_add(hub=hub, first_name="Zainab")
    _log_in_with_the_keyboard(page, live_server, make_member(Role.FRONT_DESK, hub))
    # The desk opens with the focus on its first topic: back up to the desk's own menu.
    tab_to(page, page.get_by_role("link", name="Today's queue"), key="Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/queue/")

    tab_to(page, page.get_by_role("button", name="Call next"))
    page.keyboard.press("Enter")
    ticket = page.locator("#ticket-1")
    expect(ticket).to_contain_text("Called")
    # The focus stays on the ticket: its next step is one key away.
    expect(ticket.get_by_role("button", name="Start serving")).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(ticket).to_contain_text("Being served")
    expect(ticket.get_by_role("button", name="Done")).to_be_focused()
    assert_focus_visible(page)
    # The outcome is chosen before Done: back one stop to its select, then forward again.
    page.keyboard.press("Shift+Tab")
    expect(ticket.get_by_label("Outcome")).to_be_focused()
    assert_focus_visible(page)
    tab_to(page, ticket.get_by_role("button", name="Done"))
    page.keyboard.press("Enter")
    expect(page.locator("#finished-1")).to_contain_text("Done")
    assert QueueEntry.objects.get().status == QueueEntry.Status.DONE


def test_a_visitor_takes_a_ticket_on_the_kiosk_with_the_keyboard_alone(page, live_server, hub):
    page.goto(f"{live_server.url}/kiosk/{hub.kiosk_token}/")
    stops = tab_to(page, page.locator("a[hreflang=ti]"))
    assert stops[0]["text"]  # the skip link comes first, and shows
    page.keyboard.press("Enter")
    page.wait_for_url("**/ti/")
    expect(page.locator("html")).to_have_attribute("lang", "ti")

    topics = page.locator(".pictogram-choice input")
    tab_to(page, topics.first)
    page.keyboard.press("Space")
    tab_to(page, page.locator("input[name=first_name]"))
    page.keyboard.type("Senait")
    tab_to(page, page.locator(".kiosk-submit"))
    page.keyboard.press("Enter")

    expect(page.locator("#ticket-number")).to_have_text("1")
    entry = QueueEntry.objects.get()
    assert entry.first_name == "Senait"
    assert entry.language.code == "ti"
    # Done, by keyboard too, brings the kiosk back to the start for the next visitor.
    tab_to(page, page.locator(".kiosk-ticket a.button"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/kiosk/{hub.kiosk_token}/")


@pytest.mark.parametrize("lang", ["fi", "ar", "ti"])
def test_every_kiosk_touch_target_is_at_least_44_by_44_pixels(browser, live_server, hub, lang):
    # A tablet in portrait, as the kiosk usually stands.
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    page = context.new_page()
    small = []
    page.goto(f"{live_server.url}/kiosk/{hub.kiosk_token}/")
    small += [("start", t) for t in small_targets(page)]
    page.goto(f"{live_server.url}/kiosk/{hub.kiosk_token}/{lang}/")
    small += [("check-in", t) for t in small_targets(page)]
    page.locator(".pictogram-choice").first.click()
    page.locator(".kiosk-submit").click()
    expect(page.locator("#ticket-number")).to_be_visible()
    page.wait_for_load_state()  # measured with the stylesheets applied
    small += [("ticket", t) for t in small_targets(page)]
    context.close()
    assert small == [], "touch targets smaller than 44 × 44 px:\n" + "\n".join(
        f"  {where}: {t['width']} × {t['height']} {t['element']}" for where, t in small
    )


def test_browsing_the_language_list_with_the_arrow_keys_does_not_reload_the_page(
    page, live_server, hub
):
    """A select that submits itself must not submit on every arrow key (WCAG 3.2.2): the page
    reloaded in Swedish at the first ArrowDown. The keyboard user confirms with Enter, or with the
    'Change language' button, which then shows."""
    page.goto(f"{live_server.url}/my-data/{hub.slug}/?lang=fi")
    page.evaluate("window.__sameDocument = true")
    switcher = page.locator("#language-switch-main")
    tab_to(page, switcher)
    page.keyboard.press("ArrowDown")  # svenska
    page.keyboard.press("ArrowDown")  # English
    page.wait_for_timeout(500)
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    button = page.locator(".language-switcher button[type=submit]")
    expect(button).to_be_visible()
    tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Enter on the list itself chooses too.
    tab_to(page, page.locator("#language-switch-main"))
    page.keyboard.press("ArrowUp")  # svenska
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_choosing_a_language_with_the_mouse_still_switches_at_once(page, live_server, hub):
    page.goto(f"{live_server.url}/my-data/{hub.slug}/?lang=fi")
    with page.expect_navigation():
        page.locator("#language-switch-main").select_option("ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
