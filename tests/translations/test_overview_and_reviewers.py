"""The overview of the review per language, and how a hub manager makes someone a reviewer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kototori.models import Membership, Role
from tests.events.factories import EventFactory
from translations.catalogue import find_row
from translations.models import string_key
from translations.services import string_review_save

pytestmark = pytest.mark.django_db


def overview_url(hub):
    return reverse("translations:overview", kwargs={"hub": hub.slug})


def test_the_reviewer_sees_progress_in_their_languages_only(reviewer_client, hub, reviewer):
    row = find_row("ar", string_key(None, "Take a ticket"))
    string_review_save(
        language="ar", row=row, text=row.current, seen=row.current, approve=True, reviewer=reviewer
    )
    html = reviewer_client.get(overview_url(hub)).content.decode()
    assert "Arabic" in html and "Tigrinya" in html
    assert "Russian" not in html
    assert "1 / " in html  # one Arabic page text approved
    assert reverse("translations:strings", kwargs={"hub": hub.slug, "language": "ar"}) in html
    assert reverse("translations:export", kwargs={"hub": hub.slug, "language": "ar"}) in html


def test_a_reviewer_is_sent_to_the_translations_page_after_logging_in(reviewer_client, hub):
    response = reviewer_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == overview_url(hub)


def test_a_reviewer_without_languages_is_told_to_ask_the_manager(client_for, hub):
    client = client_for(Role.REVIEWER, hub)
    html = client.get(overview_url(hub)).content.decode()
    assert "Ask your hub manager" in html
    ar = reverse("translations:strings", kwargs={"hub": hub.slug, "language": "ar"})
    assert client.get(ar).status_code == 404


def test_the_manager_and_the_coordinator_see_every_language_and_no_review_links(client_for, hub):
    for role in (Role.MANAGER, Role.COORDINATOR):
        html = client_for(role, hub).get(overview_url(hub)).content.decode()
        assert "Russian" in html and "Arabic" in html
        assert "/translations/strings/" not in html  # they don't approve
        assert reverse("translations:export", kwargs={"hub": hub.slug, "language": "ru"}) in html


def test_the_menu_shows_translations_to_those_who_may_see_them(client_for, hub):
    url = overview_url(hub)
    coordinator = client_for(Role.COORDINATOR, hub)
    events = coordinator.get(reverse("events:dashboard", kwargs={"hub": hub.slug}))
    assert url in events.content.decode()
    desk = client_for(Role.FRONT_DESK, hub)
    assert url not in desk.get(reverse("visits:desk", kwargs={"hub": hub.slug})).content.decode()
    assert desk.get(url).status_code == 404


def test_the_manager_invites_a_reviewer_with_their_languages(client_for, hub):
    manager = client_for(Role.MANAGER, hub)
    data = {
        "email": "rahel@example.org",
        "full_name": "Rahel",
        "role": Role.REVIEWER,
        "preferred_language": "fi",
    }
    refused = manager.post(reverse("team", kwargs={"hub": hub.slug}), data)
    assert refused.status_code == 400
    assert "Choose the languages this reviewer checks." in refused.content.decode()
    assert not Membership.objects.filter(user__email="rahel@example.org").exists()
    manager.post(reverse("team", kwargs={"hub": hub.slug}), {**data, "review_languages": ["ti"]})
    membership = Membership.objects.get(user__email="rahel@example.org")
    assert membership.role == Role.REVIEWER and membership.review_languages == ["ti"]
    team = manager.get(reverse("team", kwargs={"hub": hub.slug})).content.decode()
    assert "Translation reviewer" in team and "(ti)" in team


def test_the_manager_changes_a_reviewers_languages_and_access_follows(
    client_for, hub, reviewer, reviewer_client
):
    manager = client_for(Role.MANAGER, hub)
    membership = Membership.objects.get(user=reviewer, role=Role.REVIEWER)
    listing = manager.get(reverse("translations:reviewers", kwargs={"hub": hub.slug}))
    assert "Rahel Reviewer" in listing.content.decode()
    url = reverse("translations:reviewer_languages", kwargs={"hub": hub.slug, "pk": membership.pk})
    response = manager.post(url, {f"m{membership.pk}-languages": ["ru", "ti"]})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.review_languages == ["ru", "ti"]
    ru = reverse("translations:strings", kwargs={"hub": hub.slug, "language": "ru"})
    ar = reverse("translations:strings", kwargs={"hub": hub.slug, "language": "ar"})
    assert reviewer_client.get(ru).status_code == 200
    assert reviewer_client.get(ar).status_code == 404


def test_a_manager_cannot_change_another_hubs_reviewer(client_for, make_reviewer, hub, other_hub):
    theirs = make_reviewer(other_hub, ["ar"])
    membership = Membership.objects.get(user=theirs)
    manager = client_for(Role.MANAGER, hub)
    url = reverse("translations:reviewer_languages", kwargs={"hub": hub.slug, "pk": membership.pk})
    assert manager.post(url, {f"m{membership.pk}-languages": ["ru"]}).status_code == 404
    membership.refresh_from_db()
    assert membership.review_languages == ["ar"]


def test_a_removed_reviewer_role_stops_working_on_the_next_request(reviewer_client, reviewer, hub):
    ar = reverse("translations:strings", kwargs={"hub": hub.slug, "language": "ar"})
    assert reviewer_client.get(ar).status_code == 200
    Membership.objects.filter(user=reviewer).update(is_active=False)
    assert reviewer_client.get(ar).status_code == 404


def test_the_overview_costs_a_fixed_number_of_queries_however_many_events(
    client_for, hub, django_assert_max_num_queries
):
    manager = client_for(Role.MANAGER, hub)
    EventFactory(hub=hub, title_ar="مقهى")
    with django_assert_max_num_queries(25) as captured:
        assert manager.get(overview_url(hub)).status_code == 200
    baseline = len(captured)
    for i in range(10):
        EventFactory(hub=hub, title_ar=f"مقهى {i}", title_ti=f"ካፈ {i}")
    with django_assert_max_num_queries(baseline):
        assert manager.get(overview_url(hub)).status_code == 200
