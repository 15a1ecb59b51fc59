import pytest

from events import demo as events_demo
from kototori.management.commands.demo import seed_core
from kototori.models import Membership, Role
from translations import demo
from translations.catalogue import State, visitor_rows
from translations.events import event_row
from translations.models import EventTranslationReview, StringReview

pytestmark = pytest.mark.django_db


def test_the_demo_reviewer_checks_arabic_and_tigrinya_with_some_texts_approved():
    ctx = seed_core()
    events_demo.seed(ctx)
    demo.seed(ctx)
    membership = Membership.objects.get(user__email="reviewer@demo.kototori.fi")
    assert membership.role == Role.REVIEWER and membership.review_languages == ["ar", "ti"]
    states = {row.state for row in visitor_rows("ar")}
    assert {State.APPROVED, State.DRAFT} <= states
    bazaar = EventTranslationReview.objects.get(language="ar").event
    assert event_row(bazaar, "ar").state == State.APPROVED
    assert event_row(bazaar, "ti").state == State.DRAFT
    counts = (StringReview.objects.count(), EventTranslationReview.objects.count())
    demo.seed(seed_core())
    assert (StringReview.objects.count(), EventTranslationReview.objects.count()) == counts
