import pytest

from kototori.models import Role
from tests.advisors.factories import AdvisorProfileFactory, ensure_reference_data


@pytest.fixture
def advisor(make_member, hub):
    """An active advisor of the hub who speaks Arabic and Finnish and knows housing."""
    from tests.factories import topic

    user = make_member(Role.ADVISOR, hub, full_name="Ahmed Advisor")
    AdvisorProfileFactory(
        user=user, name=user.full_name, hubs=[hub], speaks=["ar", "fi"], skills=[topic("housing")]
    )
    return user


@pytest.fixture
def professional(make_member, hub):
    return make_member(Role.PROFESSIONAL, hub, full_name="Paula Professional")


@pytest.fixture(autouse=True)
def _reference_data(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    ensure_reference_data()


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English (the msgids); outside a request the default
    language would be Finnish."""
    from django.utils import translation

    with translation.override("en"):
        yield
