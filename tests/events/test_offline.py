"""Event attendance from the offline app: the events a device takes along, and the endpoint that
saves each check-in or head count recorded on it exactly once."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Registration, Status, SyncedAttendance
from events.services import event_cancel, registration_attendance_set, registration_cancel
from kototori.models import AccessLog, Role
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

SYNC = "events:offline_attendance"


@pytest.fixture
def desk(client_for, hub):
    return client_for(Role.FRONT_DESK, hub)


@pytest.fixture
def today(hub):
    """An event going on now, as at a pop-up in a housing company's clubroom."""
    now = timezone.now()
    return EventFactory(
        hub=hub, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1), capacity=30
    )


def check_in(event, registration, **extra) -> dict:
    return {
        "key": str(uuid.uuid4()),
        "hub": event.hub.slug,
        "kind": "check_in",
        "event": event.pk,
        "registration": registration.pk,
        "at": (timezone.now() - timedelta(minutes=20)).isoformat(),
        **extra,
    }


def head_count(event, newcomers=0, residents=0, **extra) -> dict:
    return {
        "key": str(uuid.uuid4()),
        "hub": event.hub.slug,
        "kind": "head_count",
        "event": event.pk,
        "newcomers": newcomers,
        "residents": residents,
        "at": (timezone.now() - timedelta(minutes=10)).isoformat(),
        **extra,
    }


def sync(client, items):
    return client.post(reverse(SYNC), json.dumps({"items": items}), content_type="application/json")


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def statuses(response) -> list[str]:
    return [result["status"] for result in results(response)]


class TestTheEventsADeviceTakesAlong:
    def test_this_weeks_events_with_the_names_signed_up_and_nothing_more(self, desk, hub, today):
        amina = RegistrationFactory(event=today, name="Amina", phone="+358401234567")
        RegistrationFactory(event=today, name="Waiting", status=Registration.Status.WAITING)
        RegistrationFactory(event=today, name="Gone", status=Registration.Status.CANCELLED)
        later = EventFactory(hub=hub, starts_at=timezone.now() + timedelta(days=5))
        EventFactory(hub=hub, starts_at=timezone.now() + timedelta(days=9))  # too far ahead
        EventFactory(hub=hub, status=Status.DRAFT, starts_at=timezone.now())
        data = desk.get(reverse("events:offline_events")).json()
        assert [e["id"] for e in data["events"]] == [today.pk, later.pk]
        assert data["events"][0]["registrations"] == [
            {"id": amina.pk, "name": "Amina", "party_size": 1, "came": False}
        ]
        assert "+358" not in json.dumps(data)

    def test_showing_the_names_is_written_to_the_access_log(self, desk, hub, today):
        amina = RegistrationFactory(event=today, name="Amina")
        desk.get(reverse("events:offline_events"))
        log = AccessLog.objects.get()
        assert (log.user, log.hub, log.subject_id) == (desk.user, hub, amina.pk)
        assert log.purpose == "offline event check-in"

    def test_other_hubs_events_are_not_given(self, desk, other_hub):
        EventFactory(hub=other_hub, starts_at=timezone.now() + timedelta(days=1))
        assert desk.get(reverse("events:offline_events")).json()["events"] == []

    def test_a_professional_who_checks_nobody_in_gets_no_names(self, client_for, hub, today):
        RegistrationFactory(event=today, name="Amina")
        response = client_for(Role.PROFESSIONAL, hub).get(reverse("events:offline_events"))
        assert response.status_code == 403


class TestNamedCheckIn:
    def test_a_check_in_recorded_offline_is_saved_once_at_the_time_it_was_recorded(
        self, desk, today
    ):
        hassan = RegistrationFactory(event=today, name="Hassan")
        item = check_in(today, hassan)
        assert statuses(sync(desk, [item])) == ["created"]
        hassan.refresh_from_db()
        assert hassan.attendance == Registration.Attendance.CAME
        assert hassan.checked_in_at.isoformat() == item["at"]
        assert statuses(sync(desk, [item])) == ["duplicate"]
        assert SyncedAttendance.objects.get().synced_by == desk.user

    def test_someone_checked_in_meanwhile_is_refused_and_says_when(self, desk, today):
        hassan = RegistrationFactory(event=today, name="Hassan")
        registration_attendance_set(registration=hassan, attendance=Registration.Attendance.CAME)
        [result] = results(sync(desk, [check_in(today, hassan)]))
        assert result["status"] == "refused"
        assert result["code"] == "already_checked_in"
        assert "Already checked in at" in result["reason"]
        assert not SyncedAttendance.objects.exists()

    def test_a_cancelled_sign_up_is_refused(self, desk, today):
        hassan = RegistrationFactory(event=today, name="Hassan")
        registration_cancel(registration=hassan)
        [result] = results(sync(desk, [check_in(today, hassan)]))
        assert (result["status"], result["code"]) == ("refused", "registration_cancelled")

    def test_a_cancelled_event_is_refused_and_nothing_changes(self, desk, today):
        hassan = RegistrationFactory(event=today, name="Hassan")
        event_cancel(event=today)
        [result] = results(sync(desk, [check_in(today, hassan)]))
        assert (result["status"], result["code"]) == ("refused", "event_cancelled")
        assert result["reason"] == "The event was cancelled, so this was not saved."
        hassan.refresh_from_db()
        assert hassan.attendance == Registration.Attendance.UNKNOWN

    def test_a_sign_up_of_another_event_is_refused(self, desk, hub, today):
        other = RegistrationFactory(event=EventFactory(hub=hub))
        [result] = results(sync(desk, [check_in(today, other)]))
        assert (result["status"], result["code"]) == ("refused", "not_found")

    @pytest.mark.parametrize(
        ("shift", "words"),
        [(timedelta(hours=2), "in the future"), (-timedelta(days=2), "outside the event")],
    )
    def test_an_implausible_time_is_refused(self, desk, today, shift, words):
        hassan = RegistrationFactory(event=today)
        item = check_in(today, hassan, at=(timezone.now() + shift).isoformat())
        [result] = results(sync(desk, [item]))
        assert (result["status"], result["code"]) == ("refused", "time")
        assert words in result["reason"]

    def test_the_reason_is_in_the_users_language(self, client_for, hub, today):
        desk = client_for(Role.FRONT_DESK, hub, preferred_language="fi")
        event_cancel(event=today)
        [result] = results(sync(desk, [head_count(today, 2)]))
        assert result["reason"] == "Tapahtuma peruttiin, joten tätä ei tallennettu."


class TestHeadCount:
    def test_people_counted_offline_are_added_to_the_head_count_once(self, desk, today):
        today.head_count_newcomers, today.head_count_residents = 4, 1
        today.save()
        items = [head_count(today, newcomers=3), head_count(today, newcomers=1, residents=2)]
        assert statuses(sync(desk, items)) == ["created", "created"]
        assert statuses(sync(desk, items)) == ["duplicate", "duplicate"]
        today.refresh_from_db()
        assert (today.head_count_newcomers, today.head_count_residents) == (8, 3)

    @pytest.mark.parametrize(
        "counts", [{"newcomers": 0, "residents": 0}, {"newcomers": -1}, {"newcomers": "3"}]
    )
    def test_a_count_that_is_no_count_is_refused(self, desk, today, counts):
        item = {**head_count(today), **counts}
        [result] = results(sync(desk, [item]))
        assert (result["status"], result["code"]) == ("refused", "invalid")


class TestWhoMaySync:
    def test_an_event_of_a_hub_that_is_not_yours_is_refused_without_saying_more(
        self, client_for, other_hub, today
    ):
        hassan = RegistrationFactory(event=today)
        stranger = client_for(Role.FRONT_DESK, other_hub)
        [result] = results(sync(stranger, [check_in(today, hassan)]))
        assert (result["status"], result["code"]) == ("refused", "hub")
        [result] = results(sync(stranger, [check_in(today, hassan, hub=other_hub.slug)]))
        assert (result["status"], result["code"]) == ("refused", "not_found")
        hassan.refresh_from_db()
        assert hassan.attendance == Registration.Attendance.UNKNOWN

    def test_a_role_without_check_in_is_refused_whole(self, client_for, hub, today):
        hassan = RegistrationFactory(event=today)
        response = sync(client_for(Role.PROFESSIONAL, hub), [check_in(today, hassan)])
        assert response.status_code == 403

    def test_an_anonymous_request_is_sent_to_log_in(self, client, today):
        hassan = RegistrationFactory(event=today)
        response = sync(client, [check_in(today, hassan)])
        assert response.status_code == 302
        assert not SyncedAttendance.objects.exists()


def test_a_batch_of_check_ins_costs_a_bounded_number_of_queries_per_item(desk, today):
    people = [RegistrationFactory(event=today) for _ in range(12)]
    sync(desk, [head_count(today, 1)])  # warm the session
    counts = []
    for group in (people[:2], people[2:]):
        items = [check_in(today, person) for person in group]
        with CaptureQueriesContext(connection) as queries:
            assert statuses(sync(desk, items)) == ["created"] * len(items)
        counts.append(len(queries))
    per_item = (counts[1] - counts[0]) / 8
    assert per_item == int(per_item)  # linear in the batch: no query grows with it
    # The event lock, the key check, the sign-up (locked), the key row, the attendance service's
    # own lock, update and event read, and six savepoint statements (four outside tests).
    assert per_item <= 13
    items = [check_in(today, person) for person in people]
    with CaptureQueriesContext(connection) as queries:
        assert set(statuses(sync(desk, items))) == {"refused"}  # already checked in
    assert len(queries) <= counts[1]


def test_the_demo_has_a_pop_up_going_on_to_check_people_in_to_offline():
    from events import demo
    from events.offline import offline_events
    from kototori.management.commands.demo import seed_core

    ctx = seed_core()
    demo.seed(ctx)
    demo.seed(ctx)  # idempotent
    events = list(offline_events(hubs=[ctx.hubs["hervanta"]]))
    pop_up = next(e for e in events if e.title_en == "Advice in the clubroom")
    assert pop_up.registrations.filter(status=Registration.Status.CONFIRMED).count() == 6
    assert pop_up.starts_at <= timezone.now() <= pop_up.ends_at  # a check-in now is accepted
