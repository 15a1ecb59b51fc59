"""Two advisors press "claim" on the same case at the same moment, on two real connections."""

import threading

import pytest
from django.db import connection

from advisors import services
from kototori.models import Role
from tests.advisors.factories import CaseFactory
from visits.models import Case, CaseNote

pytestmark = pytest.mark.django_db(transaction=True)


def test_of_two_simultaneous_claims_exactly_one_wins(hub, make_member):
    assert connection.vendor == "postgresql"
    first, second = make_member(Role.ADVISOR, hub), make_member(Role.ADVISOR, hub)
    for _round in range(8):
        case = CaseFactory(hub=hub)
        barrier = threading.Barrier(2)
        results: dict[int, str] = {}

        def claim(user, case_id=case.pk, barrier=barrier, results=results):
            from django.db import connection as thread_connection
            from django.utils import translation

            try:
                translation.activate("en")
                barrier.wait()
                services.case_claim(case_id=case_id, advisor=user)
                results[user.pk] = "won"
            except services.CaseError as exc:
                results[user.pk] = str(exc)
            finally:
                translation.deactivate()
                thread_connection.close()

        threads = [threading.Thread(target=claim, args=(u,)) for u in (first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        outcomes = sorted(results.values())
        assert outcomes.count("won") == 1, outcomes
        assert "Someone else claimed" in next(o for o in outcomes if o != "won")
        case.refresh_from_db()
        assert case.status == Case.Status.CLAIMED
        winner = next(pk for pk, o in results.items() if o == "won")
        assert case.claimed_by_id == winner
        assert case.notes.filter(kind=CaseNote.Kind.CLAIMED).count() == 1
