"""Capacity under concurrency, on PostgreSQL with real threads and one connection each.

100 people press "sign up" at once for 20 places: exactly 20 are confirmed and 80 wait, every
round. 100 advisors press "claim" on one case at once: exactly one holds it. Sign-ups go through
the public view (each person from their own address, so the per-IP rate limit doesn't interfere);
claims through the service the claim view calls.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from advisors import services as advisor_services
from events.models import Registration
from kototori.models import Role
from tests.advisors.factories import CaseFactory
from tests.events.factories import EventFactory
from visits.models import Case, CaseNote

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

PEOPLE = 100
PLACES = 20
# Threads at once: enough to collide, few enough to stay well inside PostgreSQL's
# max_connections, which the other test databases on this server share.
THREADS = 25


def _run_all(job, count: int) -> list:
    barrier = threading.Barrier(THREADS)

    def one(n: int):
        from django.db import connection as thread_connection

        try:
            if n < THREADS:  # the first wave starts together
                barrier.wait(timeout=30)
            return job(n)
        finally:
            thread_connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(one, range(count)))


@pytest.mark.parametrize("round_", range(3))
def test_a_hundred_simultaneous_sign_ups_for_twenty_places_confirm_exactly_twenty(hub, round_):
    event = EventFactory(hub=hub, capacity=PLACES)
    url = reverse("events:register", kwargs={"hub": hub.slug, "pk": event.pk})

    def sign_up(n: int) -> int:
        client = Client(REMOTE_ADDR=f"10.{round_}.{n // 250}.{n % 250 + 1}")
        response = client.post(
            url,
            {
                "name": f"Person {n}",
                "party_size": "1",
                "language": "fi",
                "group": "",
                "token": str(uuid.uuid4()),
            },
        )
        return response.status_code

    statuses = _run_all(sign_up, PEOPLE)
    assert statuses == [302] * PEOPLE, sorted(set(statuses))
    registrations = Registration.objects.filter(event=event)
    assert registrations.count() == PEOPLE
    assert registrations.filter(status=Registration.Status.CONFIRMED).count() == PLACES
    assert registrations.filter(status=Registration.Status.WAITING).count() == PEOPLE - PLACES


@pytest.mark.parametrize("round_", range(3))
def test_a_hundred_advisors_claiming_one_case_at_once_leave_exactly_one_holder(
    hub, make_member, round_
):
    advisors = [make_member(Role.ADVISOR, hub) for _ in range(PEOPLE)]
    case = CaseFactory(hub=hub)

    def claim(n: int) -> str:
        try:
            advisor_services.case_claim(case_id=case.pk, advisor=advisors[n])
        except advisor_services.CaseError:
            return "lost"
        return "won"

    outcomes = _run_all(claim, PEOPLE)
    assert outcomes.count("won") == 1
    assert outcomes.count("lost") == PEOPLE - 1
    case.refresh_from_db()
    assert case.status == Case.Status.CLAIMED
    assert case.claimed_by_id == advisors[outcomes.index("won")].pk
    assert case.notes.filter(kind=CaseNote.Kind.CLAIMED).count() == 1
