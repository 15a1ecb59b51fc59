"""A reviewer who speaks Arabic and Tigrinya checks drafts beside the Finnish in the browser:
approves one page text, corrects another, downloads the .po a developer commits; approves an
event's Tigrinya translation, whose public page showed it marked as a draft until then."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from playwright.sync_api import expect

from kototori.models import Language, Membership, Role, Topic
from kototori.reference_data import seed_reference_data
from tests.events.factories import EventFactory
from translations.models import StringReview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    if not Language.objects.exists():
        seed_reference_data(Topic, Language)


@pytest.fixture(autouse=True)
def _locale_copy(tmp_path, settings):
    source = Path(settings.BASE_DIR) / "locale"
    for po in source.glob("*/LC_MESSAGES/django.po"):
        target = tmp_path / "locale" / po.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(po, target)
    settings.TRANSLATION_LOCALE_DIR = tmp_path / "locale"


@pytest.fixture
def reviewer(make_member, hub):
    user = make_member(Role.REVIEWER, hub, full_name="Rahel Reviewer", preferred_language="en")
    Membership.objects.filter(user=user).update(review_languages=["ar", "ti"])
    return user


def card(page, finnish: str):
    return page.locator("li.review-card").filter(has_text=finnish)


def test_a_reviewer_approves_and_corrects_arabic_texts_and_downloads_the_po(
    page, login, live_server, hub, reviewer, tmp_path
):
    login(page, reviewer)
    expect(page.get_by_role("heading", name="Translations")).to_be_visible()  # their home
    arabic = page.get_by_role("row").filter(has_text="Arabic")
    arabic.get_by_role("link", name="Review").first.click()
    expect(page.get_by_role("heading", name="Page texts in Arabic")).to_be_visible()

    page.fill("input[name=q]", "ticket")
    page.get_by_role("button", name="Show").click()
    ticket = card(page, "Ota vuoronumero")  # the Finnish source, beside the Arabic draft
    expect(ticket.locator("textarea")).to_have_value("خذ رقمًا")
    ticket.get_by_role("button", name="Approve").click()
    expect(ticket.get_by_role("status")).to_have_text("Approved.")
    expect(ticket.locator(".badge.ok")).to_have_text("Approved")

    page.fill("input[name=q]", "All events")
    page.get_by_role("button", name="Show").click()
    events = card(page, "Kaikki tapahtumat")
    events.locator("textarea").fill("جميع الفعاليات والأنشطة")
    events.get_by_role("button", name="Approve").click()
    expect(events.get_by_role("status")).to_have_text("Approved.")
    assert {r.msgid: r.text for r in StringReview.objects.filter(language="ar")} == {
        "Take a ticket": ["خذ رقمًا"],
        "All events": ["جميع الفعاليات والأنشطة"],
    }

    with page.expect_download() as download:
        page.get_by_role("link", name="Download ar.po").click()
    assert download.value.suggested_filename == "ar.po"
    saved = tmp_path / "ar.po"
    download.value.save_as(saved)
    assert polib.pofile(str(saved)).find("All events").msgstr == "جميع الفعاليات والأنشطة"


def test_an_events_tigrinya_draft_is_marked_until_the_reviewer_approves_it(
    page, login, live_server, hub, reviewer
):
    event = EventFactory(
        hub=hub,
        title_fi="Järjestötori",
        summary_fi="Tutustu alueen järjestöihin.",
        title_ti="ዕዳጋ ማሕበራት",
        summary_ti="ምስ ማሕበራት ከባቢ ተላለዩ።",
    )
    visitor = page.context.browser.new_page()
    public_url = f"{live_server.url}{event.get_absolute_url()}?lang=ti"
    visitor.goto(public_url)
    expect(visitor.get_by_role("heading", name="ዕዳጋ ማሕበራት")).to_be_visible()
    expect(visitor.locator(".translation-draft")).to_be_visible()

    login(page, reviewer)
    tigrinya = page.get_by_role("row").filter(has_text="Tigrinya")
    tigrinya.get_by_role("link", name="Review events").click()
    page.get_by_role("row").filter(has_text="ዕዳጋ ማሕበራት").get_by_role("link").click()
    expect(page.locator(".review-source").first).to_have_text("Järjestötori")
    expect(page.locator("input[name=title]")).to_have_value("ዕዳጋ ማሕበራት")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("row").filter(has_text="ዕዳጋ ማሕበራት")).to_contain_text("Approved")

    visitor.goto(public_url)
    expect(visitor.get_by_role("heading", name="ዕዳጋ ማሕበራት")).to_be_visible()
    expect(visitor.locator(".translation-draft")).to_have_count(0)
    visitor.close()
