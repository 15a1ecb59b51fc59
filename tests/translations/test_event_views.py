"""Event translations: the reviewer approves or corrects them beside the Finnish; the public page
marks a translation nobody approved, and an edit by the coordinator makes it a draft again."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from events.models import Event
from events.services import event_save
from kototori.models import Role
from tests.events.factories import EventFactory
from translations.catalogue import State
from translations.events import event_row, event_texts
from translations.models import EventTranslationReview

pytestmark = pytest.mark.django_db

DRAFT_MARK = "translation-draft"


def review_url(event, language="ti"):
    return reverse(
        "translations:event",
        kwargs={"hub": event.hub.slug, "pk": event.pk, "language": language},
    )


def approve(client, event, language="ti", action="approve", **texts):
    event.refresh_from_db()
    seen = {"text": event_texts(event, language), "source": event_texts(event, "fi")}
    data = {"seen": json.dumps(seen), "action": action, **event_texts(event, language), **texts}
    return client.post(review_url(event, language), data)


def public_page(client, event, language):
    return client.get(f"{event.get_absolute_url()}?lang={language}").content.decode()


def test_the_reviewer_sees_the_tigrinya_texts_beside_the_finnish(reviewer_client, bazaar):
    response = reviewer_client.get(review_url(bazaar))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Järjestötori" in html and "Tutustu alueen järjestöihin." in html
    assert "ዕዳጋ ማሕበራት" in html
    listing = reviewer_client.get(
        reverse("translations:events", kwargs={"hub": bazaar.hub.slug, "language": "ti"})
    ).content.decode()
    assert "ዕዳጋ ማሕበራት" in listing and "Draft" in listing


def test_a_draft_translation_is_marked_on_the_public_page_until_it_is_approved(
    client, reviewer_client, bazaar, django_capture_on_commit_callbacks
):
    assert DRAFT_MARK in public_page(client, bazaar, "ti")
    assert DRAFT_MARK not in public_page(client, bazaar, "fi")  # Finnish is the source
    with django_capture_on_commit_callbacks(execute=True):
        assert approve(reviewer_client, bazaar).status_code == 302
    page = public_page(client, bazaar, "ti")  # the cached page is renewed at once
    assert "ዕዳጋ ማሕበራት" in page
    assert DRAFT_MARK not in page
    assert DRAFT_MARK in public_page(client, bazaar, "ar")  # Arabic is still a draft


def test_the_calendar_marks_drafts_too_without_a_query_per_event(
    client, hub, bazaar, django_assert_max_num_queries
):
    for i in range(10):
        EventFactory(hub=hub, title_fi=f"Tapahtuma {i}", title_ti=f"ፍጻመ {i}")
    url = reverse("events:calendar", kwargs={"hub": hub.slug}) + "?lang=ti"
    with django_assert_max_num_queries(7):
        html = client.get(url).content.decode()
    assert html.count(DRAFT_MARK) == 11


def test_a_correction_is_written_to_the_event_and_approved(reviewer_client, reviewer, bazaar):
    response = approve(reviewer_client, bazaar, title="ዕዳጋ ማሕበራት ከባቢ")
    assert response.status_code == 302
    bazaar.refresh_from_db()
    assert bazaar.title_ti == "ዕዳጋ ማሕበራት ከባቢ"
    assert bazaar.title_fi == "Järjestötori"
    saved = EventTranslationReview.objects.get(event=bazaar, language="ti")
    assert saved.reviewer == reviewer and saved.status == "approved"
    assert event_row(Event.objects.get(pk=bazaar.pk), "ti").state == State.APPROVED


def test_the_coordinators_edit_returns_an_approved_translation_to_draft(reviewer_client, bazaar):
    approve(reviewer_client, bazaar)
    event = Event.objects.get(pk=bazaar.pk)
    event.summary_ti = "ሓድሽ ጽሑፍ"
    event_save(event=event)
    assert event_row(Event.objects.get(pk=bazaar.pk), "ti").state == State.CHANGED


def test_a_change_to_the_finnish_source_returns_the_translation_to_draft(
    client, reviewer_client, bazaar
):
    approve(reviewer_client, bazaar)
    event = Event.objects.get(pk=bazaar.pk)
    event.summary_fi = "Uusi aika: klo 12."
    event_save(event=event)
    assert event_row(Event.objects.get(pk=bazaar.pk), "ti").state == State.CHANGED
    assert DRAFT_MARK in public_page(client, bazaar, "ti")


def test_an_approval_of_texts_edited_meanwhile_saves_nothing(reviewer_client, bazaar):
    event = Event.objects.get(pk=bazaar.pk)
    seen = {"text": event_texts(event, "ti"), "source": event_texts(event, "fi")}
    event.title_ti = "ካልእ"
    event_save(event=event)
    data = {"seen": json.dumps(seen), "action": "approve", **seen["text"]}
    response = reviewer_client.post(review_url(bazaar), data)
    assert response.status_code == 302 and response["Location"] == review_url(bazaar)
    assert not EventTranslationReview.objects.exists()
    assert Event.objects.get(pk=bazaar.pk).title_ti == "ካልእ"


def test_approving_needs_a_title(reviewer_client, bazaar):
    response = approve(reviewer_client, bazaar, title="")
    assert response.status_code == 400
    assert not EventTranslationReview.objects.exists()


def test_a_reviewer_writes_a_missing_translation(reviewer_client, hub):
    event = EventFactory(hub=hub, title_fi="Naisten kahvila")
    assert event_row(event, "ti").state == State.MISSING
    approve(reviewer_client, event, title="ካፈ ደቂ ኣንስትዮ")
    assert Event.objects.get(pk=event.pk).title_ti == "ካፈ ደቂ ኣንስትዮ"


def test_event_review_is_limited_to_the_reviewers_hub_and_languages(
    reviewer_client, client_for, other_hub, bazaar
):
    assert reviewer_client.get(review_url(bazaar, "ru")).status_code == 404
    theirs = EventFactory(hub=other_hub, title_ti="ፍጻመ")
    wrong_hub = reverse(
        "translations:event",
        kwargs={"hub": bazaar.hub.slug, "pk": theirs.pk, "language": "ti"},
    )
    assert reviewer_client.get(wrong_hub).status_code == 404
    coordinator = client_for(Role.COORDINATOR, bazaar.hub)
    assert coordinator.get(review_url(bazaar)).status_code == 404


def test_the_reviewer_sees_no_person_data(reviewer_client, bazaar):
    bazaar.registrations.create(name="Canary Registrant", status="confirmed")
    for url in (
        review_url(bazaar),
        reverse("translations:events", kwargs={"hub": bazaar.hub.slug, "language": "ti"}),
        reverse("translations:overview", kwargs={"hub": bazaar.hub.slug}),
    ):
        assert "Canary Registrant" not in reviewer_client.get(url).content.decode()
