from __future__ import annotations

import pytest

from kototori.models import Role


@pytest.fixture
def desk(client_for, hub):
    """A front-desk person's logged-in client in ``hub``."""
    return client_for(Role.FRONT_DESK, hub)


@pytest.fixture
def htmx_headers():
    return {"HX-Request": "true"}
