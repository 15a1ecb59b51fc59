"""The offline front-desk app in a real browser: an outreach pop-up without network. The front desk
logs visits and checks people in offline, reloads the page offline, comes back online, and each
item becomes exactly one row on the server; refusals stay on screen; an ended session keeps the
queue until the user logs in again."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Registration, SyncedAttendance
from events.services import event_cancel
from kototori.models import Language, Role, Topic
from kototori.reference_data import seed_reference_data
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import PASSWORD
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAITING = "Saved on this device; it will be sent when the network is back."
ALL_SENT = "Everything on this device has been sent."


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    if not Language.objects.exists():
        seed_reference_data(Topic, Language)


@pytest.fixture
def browser_context_args(browser_context_args):
    # The app needs its service worker (Playwright allows them by default; say so here).
    return {**browser_context_args, "service_workers": "allow"}


@pytest.fixture
def desk(make_member, hub):
    return make_member(Role.FRONT_DESK, hub, preferred_language="en")


@pytest.fixture
def clubroom(hub):
    """A pop-up in a housing company's clubroom, going on now."""
    now = timezone.now()
    return EventFactory(
        hub=hub,
        title_en="Advice in the clubroom",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=2),
    )


def wait_until(page, script: str, what: str, timeout: float = 15) -> None:
    """Poll ``script`` in the page. (``wait_for_function`` would poll through eval(), which the
    app's CSP rightly forbids.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def open_app(page, live_server):
    page.goto(f"{live_server.url}/offline/")
    page.wait_for_selector("html[data-offline-ready]")
    # The worker takes over this page (clients.claim) and has the page itself in its cache.
    wait_until(page, "() => navigator.serviceWorker.controller !== null", "no worker")
    wait_until(
        page,
        """async () => {
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                if (await cache.match("/offline/", {ignoreVary: true})) return true;
            }
            return false;
        }""",
        "the service worker did not cache the app",
    )


def log_visit(page, *topics: str):
    for name in topics:
        page.locator("#visit-form label.chip", has_text=name).click()
    page.get_by_role("button", name="Log visit").click()
    expect(page.locator("#visit-result")).to_have_text(WAITING)


def test_visits_and_attendance_logged_offline_reach_the_server_once_each(
    page, context, login, live_server, desk, hub, clubroom
):
    hassan = RegistrationFactory(event=clubroom, name="Hassan")
    RegistrationFactory(event=clubroom, name="Liisa")
    page.set_viewport_size({"width": 900, "height": 1400})
    login(page, desk)
    open_app(page, live_server)

    assert page.evaluate("window.isSecureContext")  # localhost counts: workers may run
    # Installable: the browser finds the manifest, its icons and the worker in order.
    cdp = context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    cdp.detach()
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []

    context.set_offline(True)
    expect(page.locator("#net-status")).to_have_text("Offline: what you log is kept on this device")
    before = timezone.now()
    log_visit(page, "Housing")
    log_visit(page, "Employment services", "Health care")
    page.get_by_label("Language used").select_option(label="Arabic")
    log_visit(page, "Residence permit")
    page.get_by_role("button", name="Check in: Hassan").click()
    expect(page.locator("#offline-reg-" + str(hassan.pk))).to_contain_text(
        "Checked in on this device"
    )
    page.fill("#count-newcomers", "2")
    page.fill("#count-residents", "1")
    page.get_by_role("button", name="Add to the head count").click()
    expect(page.locator("#sync-summary")).to_have_text("5 items wait to be sent.")

    # A reload without network: the worker serves the app, IndexedDB still holds the queue.
    page.reload()
    page.wait_for_selector("html[data-offline-ready]")
    expect(page.locator("#sync-summary")).to_have_text("5 items wait to be sent.")
    expect(page.locator("#items li[data-state=pending]")).to_have_count(5)
    expect(page.locator("#items")).to_contain_text("Hassan · Advice in the clubroom")
    assert not Visit.objects.exists()
    assert not SyncedAttendance.objects.exists()

    context.set_offline(False)
    expect(page.locator("#sync-summary")).to_contain_text(ALL_SENT)
    expect(page.locator("#items li[data-state=synced]")).to_have_count(5)
    visits = list(Visit.objects.order_by("visited_at"))
    assert len(visits) == 3
    assert {v.channel for v in visits} == {"outreach"}
    assert visits[2].language.code == "ar"
    # The time of each visit is when it was logged offline, not when it was sent.
    assert all(before <= v.visited_at <= before + timedelta(minutes=2) for v in visits)
    assert [sorted(v.topics.values_list("key", flat=True)) for v in visits] == [
        ["housing"],
        ["employment", "health"],
        ["residence_permit"],
    ]
    hassan.refresh_from_db()
    assert hassan.attendance == Registration.Attendance.CAME
    clubroom.refresh_from_db()
    assert (clubroom.head_count_newcomers, clubroom.head_count_residents) == (2, 1)
    expect(page.locator(f"#offline-reg-{hassan.pk}")).to_contain_text("Came")
    # The worker's caches hold the app and its files, never the names or what was logged.
    cached = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
            }
            return urls;
        }"""
    )
    paths = {url.removeprefix(live_server.url) for url in cached}
    assert "/offline/" in paths
    assert {p for p in paths if not p.startswith("/static/")} == {"/offline/"}

    # The answers got lost on the way (the device still thinks everything waits): sending again
    # adds nothing, and the page says so.
    page.evaluate(
        """async () => {
            const store = window.KototoriOfflineStore;
            for (const item of await store.items()) await store.put({...item, state: "pending"});
        }"""
    )
    page.reload()
    expect(page.locator("#sync-summary")).to_contain_text(ALL_SENT)
    expect(page.locator("#items")).to_contain_text("Already sent before; nothing was added.")
    assert Visit.objects.count() == 3
    assert SyncedAttendance.objects.count() == 2
    clubroom.refresh_from_db()
    assert clubroom.head_count_newcomers == 2


def test_a_refused_check_in_stays_on_the_page_until_dismissed(
    page, context, login, live_server, desk, hub, clubroom
):
    liisa = RegistrationFactory(event=clubroom, name="Liisa")
    login(page, desk)
    open_app(page, live_server)
    context.set_offline(True)
    page.get_by_role("button", name="Check in: Liisa").click()
    log_visit(page, "Housing")
    event_cancel(event=clubroom)  # meanwhile, at the hub

    context.set_offline(False)
    refused = page.locator("#items li[data-state=refused]")
    expect(refused).to_contain_text("The event was cancelled, so this was not saved.")
    expect(page.locator("#items li[data-state=synced]")).to_have_count(1)
    page.reload()
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("Liisa")
    refused.get_by_role("button", name="Dismiss").click()
    expect(refused).to_have_count(0)
    liisa.refresh_from_db()
    assert liisa.attendance == Registration.Attendance.UNKNOWN
    assert Visit.objects.count() == 1

    # Logging out from the app (a shared tablet): the names go, what was logged stays.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    wait_until(
        page,
        """async () => {
            const names = (await indexedDB.databases()).map((db) => db.name);
            return !names.includes("kototori-offline-ref") && names.includes("kototori-offline-queue");
        }""",
        "logging out did not forget the names",
    )
    page.goto(f"{live_server.url}/offline/")
    expect(page.locator("#needs-login")).to_be_visible()


def test_an_ended_session_keeps_the_queue_and_it_is_sent_after_logging_in_again(
    page, context, login, live_server, desk, hub
):
    login(page, desk)
    open_app(page, live_server)
    context.set_offline(True)
    log_visit(page, "Housing")
    context.clear_cookies()  # the session ends while the tablet is offline

    context.set_offline(False)
    notice = page.locator("#notices")
    expect(notice).to_contain_text("Your session has ended. Log in again to send what waits")
    expect(page.locator("#items li[data-state=pending]")).to_have_count(1)
    assert not Visit.objects.exists()

    notice.get_by_role("link", name="Log in").click()
    page.wait_for_selector("input[name=login]")
    # The login page forgets what the app kept about people (not the queue).
    wait_until(
        page,
        """async () => !(await indexedDB.databases()).some((db) => db.name === "kototori-offline-ref")""",
        "the login page did not forget the names",
    )
    page.fill("input[name=login]", desk.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/offline/")
    expect(page.locator("#sync-summary")).to_contain_text(ALL_SENT)
    assert Visit.objects.get().created_by == desk


def test_a_new_release_replaces_the_cached_app(page, login, live_server, desk, hub, monkeypatch):
    from visits.views import offline

    login(page, desk)
    open_app(page, live_server)
    names = "async () => (await caches.keys()).filter((n) => n.startsWith('kototori-offline-'))"
    [old] = page.evaluate(names)
    release = offline.worker_config()
    monkeypatch.setattr(offline, "worker_config", lambda: {**release, "version": "next-release"})
    page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
    wait_until(
        page,
        f"async () => JSON.stringify(await ({names})()) === '[\"kototori-offline-next-release\"]'",
        f"the new worker did not replace {old}",
    )
    expect(page.locator("#notices")).to_contain_text("A new version of the app is ready.")
