"""Two desks and a kiosk at once: every ticket gets its own number, every call its own ticket."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from kototori.models import Hub, Role
from visits.models import QueueEntry
from visits.services import queue_add, queue_call_next

# Transactional: threads need committed rows. The autouse _reference_data fixture (tests/conftest.py)
# puts back the seeded topics and languages a flush removed; serialized_rollback would instead clash
# with the content types a flush recreates (IntegrityError when it runs after another such test).
pytestmark = pytest.mark.django_db(transaction=True)


def _take_ticket(hub_pk: int, n: int) -> int:
    try:
        entry, _ = queue_add(hub=Hub.objects.get(pk=hub_pk), idempotency_key=f"t{n}")
        return entry.number
    finally:
        connection.close()


def test_tickets_taken_at_the_same_moment_get_distinct_numbers(hub):
    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(lambda n: _take_ticket(hub.pk, n), range(24)))
    assert sorted(numbers) == list(range(1, 25))


def _call(hub_pk: int, user_pk: int):
    from kototori.models import User

    try:
        entry = queue_call_next(hub=Hub.objects.get(pk=hub_pk), user=User.objects.get(pk=user_pk))
        return entry.number if entry else None
    finally:
        connection.close()


def test_desks_calling_next_at_once_never_call_the_same_ticket(hub, make_member):
    desks = [make_member(Role.FRONT_DESK, hub) for _ in range(4)]
    for _ in range(6):
        queue_add(hub=hub)
    with ThreadPoolExecutor(max_workers=4) as pool:
        called = list(pool.map(lambda n: _call(hub.pk, desks[n % 4].pk), range(8)))
    numbers = [n for n in called if n is not None]
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]
    assert called.count(None) == 2
    assert QueueEntry.objects.filter(status="called").count() == 6
