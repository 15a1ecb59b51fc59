import pytest

from kototori.models import Language, Topic
from kototori.reference_data import seed_reference_data
from tests.events.factories import EventFactory


@pytest.fixture(autouse=True)
def _reference_data(db):
    """A transactional test elsewhere may have flushed the migration-seeded languages."""
    if not Language.objects.exists():
        seed_reference_data(Topic, Language)


@pytest.fixture
def event(hub):
    return EventFactory(hub=hub, capacity=2)
