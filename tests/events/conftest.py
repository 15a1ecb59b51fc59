import pytest

from tests.events.factories import EventFactory


@pytest.fixture
def event(hub):
    return EventFactory(hub=hub, capacity=2)
