"""Sign-ups from many threads at once never overbook (PostgreSQL row lock on the event)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from events.models import Registration
from events.services import SignUp, registration_cancel, registration_create
from tests.events.factories import EventFactory

# Transactional: threads need committed rows. The autouse _reference_data fixture (tests/conftest.py)
# puts back the seeded topics and languages a flush removed; serialized_rollback would instead clash
# with the content types a flush recreates (IntegrityError when it runs after another such test).
pytestmark = pytest.mark.django_db(transaction=True)


def _sign_up(event_pk: int, n: int) -> str:
    from events.models import Event

    try:
        event = Event.objects.get(pk=event_pk)
        registration, _ = registration_create(event=event, signup=SignUp(name=f"Person {n}"))
        return registration.status
    finally:
        connection.close()


def test_forty_concurrent_sign_ups_for_ten_places_confirm_exactly_ten(hub):
    event = EventFactory(hub=hub, capacity=10)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda n: _sign_up(event.pk, n), range(40)))
    assert statuses.count("confirmed") == 10
    assert statuses.count("waiting") == 30
    confirmed = Registration.objects.filter(event=event, status="confirmed")
    assert sum(r.party_size for r in confirmed) == 10


def _cancel(pk: int) -> int:
    try:
        return len(registration_cancel(registration=Registration.objects.get(pk=pk)))
    finally:
        connection.close()


def test_concurrent_cancellations_promote_each_waiting_person_once(hub):
    event = EventFactory(hub=hub, capacity=5)
    for n in range(10):
        registration_create(event=event, signup=SignUp(name=f"P{n}"))
    confirmed = list(event.registrations.filter(status="confirmed").values_list("pk", flat=True))
    with ThreadPoolExecutor(max_workers=5) as pool:
        promoted = sum(pool.map(_cancel, confirmed))
    assert promoted == 5
    assert event.registrations.filter(status="confirmed").count() == 5
    assert event.registrations.filter(status="waiting").count() == 0
