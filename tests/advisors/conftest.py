import pytest

from kototori.models import Role
from tests.advisors.factories import AdvisorProfileFactory


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


def ensure_reference_data() -> None:
    """Transactional tests flush the database, reference rows seeded by migrations included; put
    them back when a reused test database lost them."""
    from advisors.models import Training
    from advisors.reference_data import seed_trainings
    from kototori.models import Language, Topic
    from kototori.reference_data import seed_reference_data

    if not Topic.objects.exists():
        seed_reference_data(Topic, Language)
    if not Training.objects.exists():
        seed_trainings(Training)


@pytest.fixture(autouse=True)
def _reference_data(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    ensure_reference_data()
