import pytest

from events import demo
from events.models import Event, Feedback, Registration
from kototori.management.commands.demo import seed_core

pytestmark = pytest.mark.django_db


def test_the_demo_season_is_created_once_for_both_hubs():
    ctx = seed_core()
    demo.seed(ctx)
    counts = (Event.objects.count(), Registration.objects.count(), Feedback.objects.count())
    assert Event.objects.filter(hub__slug="hervanta").exists()
    assert Event.objects.filter(hub__slug="kontula").exists()
    assert Registration.objects.filter(status="waiting").exists()
    assert Registration.objects.filter(attendance="came").exists()
    assert Feedback.objects.exists()
    assert Event.objects.exclude(title_ar="").exclude(title_ar=None).exists()
    demo.seed(seed_core())
    assert (Event.objects.count(), Registration.objects.count(), Feedback.objects.count()) == counts
