from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advisors import services
from advisors.models import Assignment, AssignmentOffer, ExpertProfile
from kototori.models import OutboundMessage, Role
from tests.advisors.factories import AssignmentFactory, ExpertProfileFactory
from tests.factories import language, topic

pytestmark = pytest.mark.django_db


def url(name, hub, **kwargs):
    return reverse(f"advisors:{name}", kwargs={"hub": hub.slug, **kwargs})


@pytest.fixture
def expert(client_for, hub):
    client = client_for(Role.EXPERT, hub, full_name="Eeva Expert")
    ExpertProfileFactory(
        user=client.user, hubs=[hub], speaks=["fi", "ar"], themes=[topic("housing")]
    )
    return client


def test_offers_go_only_to_experts_whose_languages_and_themes_match(hub, expert, make_member):
    russian = make_member(Role.EXPERT, hub)
    ExpertProfileFactory(user=russian, hubs=[hub], speaks=["ru"], themes=[topic("housing")])
    schools = make_member(Role.EXPERT, hub)
    ExpertProfileFactory(user=schools, hubs=[hub], speaks=["fi"], themes=[topic("education")])
    assignment = AssignmentFactory(hub=hub, language=language("fi"), themes=[topic("housing")])
    offers = services.assignment_offer(assignment=assignment, by=expert.user)
    assert [o.expert for o in offers] == [expert.user]
    assert services.assignment_offer(assignment=assignment, by=expert.user) == []
    assert OutboundMessage.objects.filter(key__startswith="assignment-offer:").count() == 1


def test_an_expert_accepts_and_the_coordinator_confirms_then_it_is_done(client_for, hub, expert):
    coordinator = client_for(Role.COORDINATOR, hub)
    assignment = AssignmentFactory(hub=hub, themes=[topic("housing")])
    coordinator.post(url("assignment_action", hub, pk=assignment.pk, action="offer"))
    offer = AssignmentOffer.objects.get()
    page = expert.get(url("expert_home", hub))
    assert page.context["offers"] == [offer]
    expert.post(url("offer_respond", hub, pk=offer.pk, answer="accept"))
    assignment.refresh_from_db()
    assert assignment.expert == expert.user
    coordinator.post(url("assignment_action", hub, pk=assignment.pk, action="confirm"))
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CONFIRMED
    early = expert.post(
        url("assignment_done", hub, pk=assignment.pk),
        {"audience_size": 28, "hours": "2"},
        follow=True,
    )
    assert "once it has taken place" in early.content.decode()
    Assignment.objects.filter(pk=assignment.pk).update(
        starts_at=timezone.now() - timedelta(hours=3)
    )
    expert.post(url("assignment_done", hub, pk=assignment.pk), {"audience_size": 28, "hours": "2"})
    assignment.refresh_from_db()
    assert (assignment.status, assignment.audience_size) == (Assignment.Status.DONE, 28)


def test_when_two_experts_accept_the_second_is_thanked_but_not_given_it(hub, expert, make_member):
    second = make_member(Role.EXPERT, hub)
    ExpertProfileFactory(user=second, hubs=[hub], speaks=["fi"], themes=[topic("housing")])
    assignment = AssignmentFactory(hub=hub, themes=[topic("housing")])
    services.assignment_offer(assignment=assignment, by=expert.user)
    first_offer, second_offer = AssignmentOffer.objects.order_by("expert_id")
    services.assignment_respond(offer=first_offer, accept=True)
    second_offer.refresh_from_db()
    assert second_offer.response == AssignmentOffer.Response.WITHDRAWN
    with pytest.raises(services.AssignmentError):
        services.assignment_respond(offer=second_offer, accept=True)


def test_a_declined_offer_leaves_the_assignment_open(hub, expert):
    assignment = AssignmentFactory(hub=hub, themes=[topic("housing")])
    services.assignment_offer(assignment=assignment, by=expert.user)
    expert.post(url("offer_respond", hub, pk=AssignmentOffer.objects.get().pk, answer="decline"))
    assignment.refresh_from_db()
    assert assignment.expert is None
    assert AssignmentOffer.objects.get().response == AssignmentOffer.Response.DECLINED


def test_an_expert_cannot_answer_someone_elses_offer(hub, expert, make_member, client_for):
    other = make_member(Role.EXPERT, hub)
    ExpertProfileFactory(user=other, hubs=[hub], speaks=["fi"], themes=[topic("housing")])
    assignment = AssignmentFactory(hub=hub, themes=[topic("housing")])
    services.assignment_offer(assignment=assignment, by=expert.user)
    theirs = AssignmentOffer.objects.get(expert=other)
    assert expert.post(url("offer_respond", hub, pk=theirs.pk, answer="accept")).status_code == 404


def test_reminders_go_to_the_confirmed_expert_once(hub, expert):
    assignment = AssignmentFactory(
        hub=hub,
        starts_at=timezone.now() + timedelta(hours=30),
        status=Assignment.Status.CONFIRMED,
        expert=expert.user,
    )
    AssignmentFactory(
        hub=hub,
        starts_at=timezone.now() + timedelta(days=9),
        status="confirmed",
        expert=expert.user,
    )
    services.assignment_reminders_send()
    services.assignment_reminders_send()
    messages = OutboundMessage.objects.filter(key__startswith="assignment-remind:")
    assert [m.key for m in messages] == [
        f"assignment-remind:{assignment.pk}:{int(assignment.starts_at.timestamp())}"
    ]


def test_a_coordinator_requests_an_assignment_and_bad_input_is_kept(client_for, hub):
    coordinator = client_for(Role.COORDINATOR, hub)
    data = {
        "title": "Day care parents' evening",
        "kind": "day_care",
        "starts_at": "2001-01-01T18:00",
        "duration_hours": "1.5",
        "place": "Päiväkoti",
        "audience": "Parents",
        "language": language("fi").pk,
    }
    response = coordinator.post(url("assignments", hub), data)
    assert response.status_code == 400
    assert "Day care parents" in response.content.decode()
    data["starts_at"] = "2031-01-01T18:00"
    response = coordinator.post(url("assignments", hub), data)
    assert response.status_code == 302
    assert Assignment.objects.get().created_by == coordinator.user


def test_a_coordinator_adds_an_expert_profile(client_for, hub, make_member):
    coordinator = client_for(Role.COORDINATOR, hub)
    person = make_member(Role.EXPERT, hub)
    coordinator.post(
        url("experts", hub),
        {
            "user": person.pk,
            "cohort": "2025",
            "languages": [language("so").pk],
            "themes": [topic("housing").pk],
        },
    )
    profile = ExpertProfile.objects.get(user=person)
    assert list(profile.hubs.all()) == [hub]


@pytest.mark.parametrize(
    ("role", "name", "status"),
    [
        (Role.EXPERT, "expert_home", 200),
        (Role.ADVISOR, "expert_home", 404),
        (Role.COORDINATOR, "assignments", 200),
        (Role.MANAGER, "experts", 200),
        (Role.EXPERT, "assignments", 404),
        (Role.PROFESSIONAL, "assignments", 404),
    ],
)
def test_who_may_open_expert_pages(client_for, hub, role, name, status):
    assert client_for(role, hub).get(url(name, hub)).status_code == status


def test_assignments_of_another_hub_are_404(client_for, hub, other_hub):
    theirs = AssignmentFactory(hub=other_hub)
    coordinator = client_for(Role.COORDINATOR, hub)
    assert coordinator.get(url("assignment", hub, pk=theirs.pk)).status_code == 404
    assert coordinator.get(url("assignment", other_hub, pk=theirs.pk)).status_code == 404


def test_the_expert_home_runs_a_fixed_number_of_queries(hub, expert, django_assert_max_num_queries):
    AssignmentFactory(hub=hub, expert=expert.user, status="confirmed")
    with django_assert_max_num_queries(30) as captured:
        expert.get(url("expert_home", hub))
    baseline = len(captured)
    for _i in range(6):
        a = AssignmentFactory(hub=hub, themes=[topic("housing")])
        services.assignment_offer(assignment=a, by=expert.user)
        AssignmentFactory(hub=hub, expert=expert.user, status="done")
    with django_assert_max_num_queries(baseline):
        expert.get(url("expert_home", hub))
