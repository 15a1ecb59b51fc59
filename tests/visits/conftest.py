from __future__ import annotations

import pytest

from kototori.models import Language, Role, Topic
from kototori.reference_data import seed_reference_data


@pytest.fixture
def desk(client_for, hub):
    """A front-desk person's logged-in client in ``hub``."""
    return client_for(Role.FRONT_DESK, hub)


@pytest.fixture
def htmx_headers():
    return {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _reference_data(db):
    """Topics and languages come from a data migration; a transactional test's flush elsewhere
    (browser tests, worker tests) drops them for the tests after it, so put them back."""
    if not Topic.objects.exists():
        seed_reference_data(Topic, Language)
