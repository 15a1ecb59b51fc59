"""Every advisors page × every role: the right role in the right hub gets in, everyone else gets
404 (or login), and the same role in another hub gets 404."""

import pytest
from django.urls import reverse

from advisors.models import Training, TrainingSession
from kototori.models import Role
from tests.advisors.factories import AdvisorProfileFactory, AssignmentFactory, visitor

pytestmark = pytest.mark.django_db

R = Role
PAGES = {
    # url name: (roles allowed, kwargs builder)
    "home": ({R.ADVISOR, R.PROFESSIONAL}, None),
    "supervision": ({R.PROFESSIONAL, R.MANAGER}, None),
    "pool": ({R.ADVISOR, R.PROFESSIONAL}, None),
    "cases": ({R.PROFESSIONAL, R.MANAGER}, None),
    "advisors": ({R.PROFESSIONAL, R.MANAGER}, None),
    "advisor": ({R.PROFESSIONAL, R.MANAGER}, "advisor"),
    "advisor_from_visitor": ({R.PROFESSIONAL, R.MANAGER}, "visitor"),
    "trainings": ({R.PROFESSIONAL, R.MANAGER}, None),
    "training_session": ({R.PROFESSIONAL, R.MANAGER}, "session"),
    "supervision_sessions": ({R.PROFESSIONAL, R.MANAGER}, None),
    "shifts": ({R.ADVISOR, R.COORDINATOR, R.PROFESSIONAL, R.MANAGER}, None),
    "hours": ({R.ADVISOR}, None),
    "expert_home": ({R.EXPERT}, None),
    "assignments": ({R.COORDINATOR, R.MANAGER}, None),
    "assignment": ({R.COORDINATOR, R.MANAGER}, "assignment"),
    "experts": ({R.COORDINATOR, R.MANAGER}, None),
}


def _kwargs(kind, hub):
    if kind == "advisor":
        return {"pk": AdvisorProfileFactory(hubs=[hub]).pk}
    if kind == "visitor":
        return {"visitor": visitor(hub).pk}
    if kind == "session":
        training = Training.objects.first()
        return {
            "pk": TrainingSession.objects.create(
                training=training, hub=hub, starts_at="2026-01-01T10:00Z"
            ).pk
        }
    if kind == "assignment":
        return {"pk": AssignmentFactory(hub=hub).pk}
    return {}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_page_admits_exactly_its_roles_in_its_hub(name, client_for, client, hub, other_hub):
    allowed, kind = PAGES[name]
    kwargs = _kwargs(kind, hub)
    url = reverse(f"advisors:{name}", kwargs={"hub": hub.slug, **kwargs})
    for role in Role:
        status = client_for(role, hub).get(url).status_code
        assert status == (200 if role in allowed else 404), (name, role, status)
        elsewhere = client_for(role, other_hub).get(url).status_code
        assert elsewhere == 404, (name, role, "other hub", elsewhere)
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]


def test_an_object_of_another_hub_is_404_even_in_ones_own_hub_url(client_for, hub, other_hub):
    manager = client_for(Role.MANAGER, hub)
    for name, (_allowed, kind) in PAGES.items():
        if kind is None:
            continue
        kwargs = _kwargs(kind, other_hub)
        url = reverse(f"advisors:{name}", kwargs={"hub": hub.slug, **kwargs})
        assert manager.get(url).status_code == 404, name
