"""The stale-claim job really runs in a Celery worker process, against the database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from advisors import services
from advisors.tasks import process_stale_claims
from kototori.models import OutboundMessage, Role
from tests.advisors.factories import CaseFactory
from visits.models import Case

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_returns_a_quiet_claim_to_the_pool_once(celery_worker, hub, make_member):
    advisor = make_member(Role.ADVISOR, hub)
    make_member(Role.PROFESSIONAL, hub)
    case = services.case_claim(case_id=CaseFactory(hub=hub).pk, advisor=advisor)
    Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now() - timedelta(days=30))
    process_stale_claims.delay()
    process_stale_claims.delay()
    celery_worker.wait_for(
        lambda: Case.objects.filter(pk=case.pk, status=Case.Status.OPEN).exists()
    )
    celery_worker.wait_for(
        lambda: OutboundMessage.objects.filter(key__startswith="stale-").count() == 2
    )
    assert case.notes.filter(kind="returned").count() == 1
