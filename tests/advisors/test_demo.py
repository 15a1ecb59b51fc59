import pytest

from advisors import demo
from advisors.models import AdvisorProfile, Assignment, Shift, Stage
from kototori.management.commands.demo import seed_core
from visits.models import Case

pytestmark = pytest.mark.django_db


def _counts():
    return (
        AdvisorProfile.objects.count(),
        Case.objects.count(),
        Shift.objects.count(),
        Assignment.objects.count(),
    )


def test_demo_data_has_every_stage_and_a_busy_pool_and_is_idempotent():
    ctx = seed_core()
    demo.seed(ctx)
    first = _counts()
    demo.seed(seed_core())
    assert _counts() == first
    assert set(AdvisorProfile.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert Case.objects.in_pool().count() >= 5
    assert Case.objects.filter(status=Case.Status.ESCALATED).count() == 1
    assert Case.objects.claimed_by(ctx.users["advisor"]).count() == 3
    assert Assignment.objects.filter(expert=ctx.users["expert"]).count() == 2
