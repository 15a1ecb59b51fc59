"""The reviewer's page texts: Finnish beside the draft, approve or correct, in their own languages
only; the .po download."""

from __future__ import annotations

import json

import polib
import pytest
from django.urls import reverse

from kototori.models import Role
from translations.catalogue import State, find_row
from translations.models import StringReview, string_key

pytestmark = pytest.mark.django_db

TICKET = string_key(None, "Take a ticket")
EVENTS_AT = string_key(None, "Events at %(hub)s")


def strings_url(hub, language="ar", **query):
    url = reverse("translations:strings", kwargs={"hub": hub.slug, "language": language})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def string_url(hub, key, language="ar"):
    return reverse(
        "translations:string", kwargs={"hub": hub.slug, "language": language, "key": key}
    )


def post(client, hub, key, text, action="approve", language="ar", **extra):
    row = find_row(language, key)
    data = {"seen": json.dumps(row.current), "action": action, "next": "show=all&q=ticket"}
    if isinstance(text, str):
        text = [text]
    data |= {f"text_{i}": t for i, t in enumerate(text)}
    return client.post(string_url(hub, key, language), data, **extra)


def test_the_reviewer_sees_arabic_drafts_beside_the_finnish_source(reviewer_client, hub):
    response = reviewer_client.get(strings_url(hub, q="ticket"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ota vuoronumero" in html  # Finnish source
    assert "خذ رقمًا" in html  # the Arabic draft, in a box to correct
    assert 'lang="ar"' in html
    assert "Log visit" not in html


def test_a_reviewer_approves_a_string_as_it_stands(reviewer_client, hub, reviewer):
    response = post(reviewer_client, hub, TICKET, "خذ رقمًا")
    assert response.status_code == 302
    assert response["Location"].endswith("?show=all&q=ticket")
    saved = StringReview.objects.get(language="ar", key=TICKET)
    assert saved.status == "approved" and saved.reviewer == reviewer
    assert find_row("ar", TICKET).state == State.APPROVED


def test_a_reviewer_corrects_a_string_through_htmx_and_sees_it_approved(reviewer_client, hub):
    response = post(reviewer_client, hub, TICKET, "خذ رقم دور\r\n", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Approved." in html and "خذ رقم دور" in html
    assert "<html" not in html  # only the string's card
    assert StringReview.objects.get(key=TICKET).text == ["خذ رقم دور"]


def test_a_correction_that_loses_a_placeholder_is_refused_and_keeps_what_was_typed(
    reviewer_client, hub
):
    response = post(reviewer_client, hub, EVENTS_AT, "الفعاليات في المركز")
    assert response.status_code == 400
    html = response.content.decode()
    assert "%(hub)s" in html
    assert "الفعاليات في المركز" in html
    assert not StringReview.objects.exists()


def test_an_empty_text_cannot_be_approved(reviewer_client, hub):
    response = post(reviewer_client, hub, TICKET, "   ")
    assert response.status_code == 400
    assert not StringReview.objects.exists()


def test_a_correction_can_be_kept_as_a_draft(reviewer_client, hub):
    post(reviewer_client, hub, TICKET, "خذ رقم دور", action="draft")
    assert find_row("ar", TICKET).state == State.DRAFT
    page = reviewer_client.get(strings_url(hub, q="ticket")).content.decode()
    assert "خذ رقم دور" in page  # the saved correction is what the box shows next time


def test_the_list_shows_drafts_by_default_and_approved_ones_on_request(reviewer_client, hub):
    post(reviewer_client, hub, TICKET, "خذ رقمًا")
    drafts = reviewer_client.get(strings_url(hub, q="ticket")).content.decode()
    assert "Ota vuoronumero" not in drafts
    approved = reviewer_client.get(strings_url(hub, q="ticket", show="approved")).content.decode()
    assert "Ota vuoronumero" in approved and "Rahel Reviewer" in approved


def test_a_reviewer_sees_only_their_own_languages(reviewer_client, hub):
    assert reviewer_client.get(strings_url(hub, "ti")).status_code == 200
    assert reviewer_client.get(strings_url(hub, "ru")).status_code == 404
    assert post(reviewer_client, hub, TICKET, "Взять номер", language="ru").status_code == 404
    assert reviewer_client.get(strings_url(hub, "xx")).status_code == 404


def test_a_reviewer_of_another_hub_or_another_role_gets_nothing(
    client_for, make_reviewer, hub, other_hub, client
):
    elsewhere = make_reviewer(other_hub, ["ar"])
    client.force_login(elsewhere)
    assert client.get(strings_url(hub)).status_code == 404
    manager = client_for(Role.MANAGER, hub)
    assert manager.get(strings_url(hub)).status_code == 404  # a manager does not approve
    assert post(manager, hub, TICKET, "خذ رقمًا").status_code == 404
    assert not StringReview.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, hub):
    response = client.get(strings_url(hub))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_manager_downloads_the_reviewed_catalogue_as_a_po_file(reviewer_client, client_for, hub):
    post(reviewer_client, hub, TICKET, "خذ رقم دور")
    manager = client_for(Role.MANAGER, hub)
    response = manager.get(
        reverse("translations:export", kwargs={"hub": hub.slug, "language": "ar"})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ar.po"'
    po = polib.pofile(response.content.decode())
    assert po.find("Take a ticket").msgstr == "خذ رقم دور"
    assert (
        manager.get(
            reverse("translations:export", kwargs={"hub": hub.slug, "language": "fi"})
        ).status_code
        == 404
    )


def test_the_list_runs_a_fixed_number_of_queries(
    reviewer_client, hub, reviewer, django_assert_max_num_queries
):
    for msgid in ("Take a ticket", "Events at %(hub)s", "Sign up"):
        row = find_row("ar", string_key(None, msgid))
        StringReview.objects.create(
            language="ar",
            key=row.key,
            msgid=msgid,
            catalogue_text=row.current,
            text=row.current,
            status="approved",
            reviewer=reviewer,
            reviewed_at="2026-01-01T10:00Z",
        )
    with django_assert_max_num_queries(8):
        assert reviewer_client.get(strings_url(hub, show="all")).status_code == 200
