"""The front desk checks people in from a tablet: one tap per person, the list updates in place."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from events.models import Registration
from kototori.models import Language, Role, Topic
from kototori.reference_data import seed_reference_data
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    if not Language.objects.exists():
        seed_reference_data(Topic, Language)


def test_the_front_desk_checks_people_in_on_a_tablet(page, login, live_server, make_member, hub):
    event = EventFactory(hub=hub, title_en="Language café")
    hassan = RegistrationFactory(event=event, name="Hassan", group="newcomer")
    RegistrationFactory(event=event, name="Liisa", group="resident")
    desk = make_member(Role.FRONT_DESK, hub, preferred_language="en")
    page.set_viewport_size({"width": 800, "height": 1200})
    login(page, desk)
    page.goto(f"{live_server.url}/h/{hub.slug}/events/check-in/")
    page.get_by_role("link", name="Language café").click()
    row = page.locator(f"#reg-{hassan.pk}")
    row.get_by_role("button", name="Check in").click()
    expect(page.locator(f"#reg-{hassan.pk}.came")).to_be_visible()
    hassan.refresh_from_db()
    assert hassan.attendance == Registration.Attendance.CAME

    page.fill("input[name=name]", "Neighbour")
    page.select_option("select[name=group]", "resident")
    page.get_by_role("button", name="Add and check in").click()
    expect(page.locator("main")).to_contain_text("2 here · newcomers 1 · long-term residents 1")
