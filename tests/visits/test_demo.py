import time

import pytest
from django.db.models import Count
from django.utils import timezone

from kototori.management.commands.demo import seed_core
from visits import demo
from visits.models import Case, Consent, OutreachSession, QueueEntry, Referral, Visit, Visitor

pytestmark = pytest.mark.django_db

MODELS = [Visit, QueueEntry, Visitor, Consent, Referral, Case, OutreachSession]


def _counts():
    return [model.objects.count() for model in MODELS]


def test_demo_data_covers_months_of_both_hubs_quickly_and_is_idempotent():
    ctx = seed_core()
    started = time.monotonic()
    demo.seed(ctx)
    assert time.monotonic() - started < 20
    first = _counts()
    demo.seed(seed_core())
    assert _counts() == first

    per_hub = dict(Visit.objects.values_list("hub__slug").annotate(n=Count("pk")))
    assert per_hub["hervanta"] > 1000 and per_hub["kontula"] > 500
    span = timezone.localdate() - Visit.objects.order_by("day").first().day
    assert span.days >= 90
    assert set(Visit.objects.values_list("outcome", flat=True)) == {
        "advice",
        "referred",
        "case",
        "left",
    }
    assert QueueEntry.objects.filter(called_at__isnull=False).count() > 500
    assert QueueEntry.objects.filter(day=timezone.localdate(), status="waiting").exists()
    assert Visitor.objects.filter(consents__scope="record").distinct().count() == 30
    assert set(Referral.objects.values_list("status", flat=True)) >= {"sent", "completed"}
    assert Case.objects.in_pool().filter(visit__isnull=False).exists()
    assert OutreachSession.objects.filter(head_count__gt=0).count() == 12
