"""The access log: append-only in the database, written before any person data leaves, readable by
the hub manager (and that reading is logged too)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from kototori.models import AccessLog, Role, User

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the guard is a PostgreSQL trigger"
)


@pytest.fixture
def entry(hub, make_member):
    viewer = make_member(Role.FRONT_DESK, hub)
    return AccessLog.objects.create(
        user=viewer, hub=hub, subject_type="visits.visitor", subject_id=7, view="visits:visitor"
    )


@postgres_only
def test_an_access_log_row_cannot_be_changed(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(purpose="nothing to see")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE kototori_accesslog SET user_id = user_id WHERE id = %s", [entry.pk])


@postgres_only
def test_an_access_log_row_cannot_be_deleted(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    assert AccessLog.objects.filter(pk=entry.pk).exists()


@postgres_only
def test_rows_past_the_retention_period_can_be_removed(entry, django_db_blocker):
    # Inserted with an old timestamp, as if written 25 months ago.
    old = AccessLog.objects.create(
        user=entry.user,
        hub=entry.hub,
        subject_type="visits.visitor",
        subject_id=8,
        view="x",
        at=timezone.now() - timedelta(days=25 * 31),
    )
    AccessLog.objects.filter(pk=old.pk).delete()
    assert not AccessLog.objects.filter(pk=old.pk).exists()


# Fail-closed: if the log can't be written, the person isn't shown.


@pytest.mark.urls("tests.security.urls")
def test_a_page_shows_a_person_and_logs_it(frontdesk_client, hub):
    person = User.objects.create(email="visitor@example.org", full_name="Aino Example")
    response = frontdesk_client.get(f"/test/h/{hub.slug}/person/{person.pk}/")
    assert response.status_code == 200
    assert "Aino Example" in response.text
    logged = AccessLog.objects.get(subject_id=person.pk)
    assert (logged.user, logged.hub, logged.subject_type) == (
        frontdesk_client.user,
        hub,
        "kototori.user",
    )


@pytest.mark.urls("tests.security.urls")
def test_when_the_log_cannot_be_written_no_person_data_is_served(
    frontdesk_client, hub, monkeypatch
):
    person = User.objects.create(email="visitor@example.org", full_name="Aino Example")

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(AccessLog.objects, "bulk_create", broken)
    frontdesk_client.raise_request_exception = False
    response = frontdesk_client.get(f"/test/h/{hub.slug}/person/{person.pk}/")
    assert response.status_code == 500
    assert "Aino" not in response.text
    assert "visitor@example.org" not in response.text
    # The view's other writes were rolled back with the request (ATOMIC_REQUESTS).
    person.refresh_from_db()
    assert person.full_name == "Aino Example"
    assert not AccessLog.objects.exists()


# The hub manager's page: who looked at this person.


def _log(user, hub, subject_id, days_ago=0, purpose="intake"):
    AccessLog.objects.create(
        user=user,
        hub=hub,
        subject_type="visits.visitor",
        subject_id=subject_id,
        view="visits:visitor",
        purpose=purpose,
        at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def manager(client_for, hub):
    return client_for(Role.MANAGER, hub)


def test_the_manager_sees_who_looked_at_a_person_in_the_last_24_months(
    manager, hub, other_hub, make_member
):
    viewer = make_member(Role.FRONT_DESK, hub, full_name="Pekka Front", email="pekka@example.org")
    _log(viewer, hub, 7, days_ago=3, purpose="queue call")
    _log(viewer, hub, 7, days_ago=800)  # older than 24 months
    _log(viewer, hub, 8)  # another person
    _log(viewer, other_hub, 7)  # another hub's business
    response = manager.get(f"/h/{hub.slug}/access-log/?type=visits.visitor&id=7")
    assert response.status_code == 200
    rows = response.context["entries"]
    assert [(r.user.full_name, r.purpose) for r in rows] == [("Pekka Front", "queue call")]
    assert "Pekka Front" in response.text
    assert "queue call" in response.text


def test_reading_the_access_log_is_itself_logged(manager, hub):
    manager.get(f"/h/{hub.slug}/access-log/?type=visits.visitor&id=7")
    entry = AccessLog.objects.get(user=manager.user)
    assert (entry.subject_type, entry.subject_id, entry.view) == (
        "visits.visitor",
        7,
        "access_log",
    )


def test_the_access_log_page_without_a_query_shows_the_form(manager, hub):
    response = manager.get(f"/h/{hub.slug}/access-log/")
    assert response.status_code == 200
    assert not AccessLog.objects.exists()


def test_an_unknown_record_type_is_refused_clearly(manager, hub):
    response = manager.get(f"/h/{hub.slug}/access-log/?type=nothing.here&id=7")
    assert response.status_code == 400
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("number", [str(2**63), "9" * 40])
def test_a_record_number_beyond_any_record_is_refused_clearly_and_logs_nothing(
    client_for, hub, number
):
    manager = client_for(Role.MANAGER, hub, preferred_language="en")
    response = manager.get(f"/h/{hub.slug}/access-log/?type=visits.visitor&id={number}")
    assert response.status_code == 400
    assert "No record has that number." in response.text
    assert number in response.text  # what was typed stays in the form
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.FRONT_DESK, Role.PROFESSIONAL, Role.COORDINATOR, Role.FUNDER]
)
def test_other_roles_cannot_read_the_access_log(client_for, hub, role):
    response = client_for(role, hub).get(f"/h/{hub.slug}/access-log/?type=visits.visitor&id=7")
    assert response.status_code == 404


def test_a_manager_of_another_hub_gets_404(client_for, hub, other_hub):
    response = client_for(Role.MANAGER, other_hub).get(
        f"/h/{hub.slug}/access-log/?type=visits.visitor&id=7"
    )
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(hub):
    response = Client().get(f"/h/{hub.slug}/access-log/")
    assert response["Location"].startswith("/accounts/login/")
