from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advisors.models import (
    AdvisorProfile,
    PathwayOutcome,
    SupervisionSession,
    Training,
    TrainingCompletion,
    TrainingSession,
)
from kototori.models import Role
from tests.advisors.factories import AdvisorProfileFactory
from tests.factories import topic

pytestmark = pytest.mark.django_db


def url(name, hub, **kwargs):
    return reverse(f"advisors:{name}", kwargs={"hub": hub.slug, **kwargs})


@pytest.fixture
def pro(client_for, hub):
    return client_for(Role.PROFESSIONAL, hub, full_name="Paula Professional")


def test_a_professional_puts_a_volunteer_on_the_pathway_and_moves_them_along(pro, hub, make_member):
    login = make_member(Role.ADVISOR, hub, full_name="Omar")
    response = pro.post(
        url("advisors", hub),
        {
            "name": "Omar Volunteer",
            "user": login.pk,
            "supervisor": pro.user.pk,
            "languages": "ar:native, fi:working",
            "topics": [topic("housing").pk],
            "note": "Came to ask how to help",
        },
    )
    advisor = AdvisorProfile.objects.get()
    assert response["Location"] == url("advisor", hub, pk=advisor.pk)
    assert advisor.stage == "interested"
    assert advisor.user == login
    assert sorted(advisor.languages.values_list("language__code", "level")) == [
        ("ar", "native"),
        ("fi", "working"),
    ]
    day = timezone.localdate() - timedelta(days=1)
    pro.post(
        url("advisor_move", hub, pk=advisor.pk),
        {"stage": "interviewed", "on": day, "note": "Good talk"},
    )
    advisor.refresh_from_db()
    assert advisor.stage == "interviewed"
    assert advisor.stage_since == day
    step = advisor.steps.order_by("created_at").last()
    assert (step.from_stage, step.stage, step.by, step.note) == (
        "interested",
        "interviewed",
        pro.user,
        "Good talk",
    )
    assert "Good talk" in pro.get(url("advisor", hub, pk=advisor.pk)).content.decode()


def test_a_bad_language_list_is_refused_and_the_form_keeps_the_name(pro, hub):
    response = pro.post(url("advisors", hub), {"name": "Keep me", "languages": "xx:native"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Unknown language code: xx" in html
    assert 'value="Keep me"' in html
    assert not AdvisorProfile.objects.exists()


def test_outcomes_and_trainings_are_recorded_on_the_advisor(pro, hub, advisor):
    profile = advisor.advisor_profile
    pro.post(
        url("advisor_outcome", hub, pk=profile.pk),
        {"kind": "tryout", "started_on": "2026-01-05", "ended_on": "2026-03-01", "note": ""},
    )
    assert PathwayOutcome.objects.get().kind == "tryout"
    bad = pro.post(
        url("advisor_outcome", hub, pk=profile.pk),
        {"kind": "studies", "started_on": "2026-03-05", "ended_on": "2026-01-01"},
    )
    assert bad.status_code == 400
    training = Training.objects.get(key="employment")
    for _twice in range(2):
        pro.post(
            url("advisor_completion", hub, pk=profile.pk),
            {"training": training.pk, "completed_on": "2026-02-02"},
        )
    assert TrainingCompletion.objects.filter(user=advisor).count() == 1


def test_a_training_session_records_completions_for_those_who_attended(pro, hub, advisor):
    training = Training.objects.get(key="cultural_questions")
    pro.post(
        url("trainings", hub),
        {"training": training.pk, "starts_at": "2026-02-03T10:00", "place": "Hub", "trainer": "T"},
    )
    session = TrainingSession.objects.get()
    pro.post(
        url("training_session", hub, pk=session.pk), {"advisors": [advisor.advisor_profile.pk]}
    )
    completion = TrainingCompletion.objects.get()
    assert (completion.user, completion.session) == (advisor, session)


def test_a_supervision_session_is_logged(pro, hub, advisor):
    pro.post(
        url("supervision_sessions", hub),
        {"held_on": "2026-02-03", "advisors": [advisor.advisor_profile.pk], "themes": "Boundaries"},
    )
    session = SupervisionSession.objects.get()
    assert session.supervisor == pro.user
    assert list(session.advisors.all()) == [advisor.advisor_profile]


def test_the_advisor_list_runs_a_fixed_number_of_queries(pro, hub, django_assert_max_num_queries):
    AdvisorProfileFactory(hubs=[hub], speaks=["ar"])
    with django_assert_max_num_queries(30) as captured:
        pro.get(url("advisors", hub))
    baseline = len(captured)
    for _i in range(10):
        AdvisorProfileFactory(hubs=[hub], speaks=["ar", "fi"], supervisor=pro.user)
    with django_assert_max_num_queries(baseline):
        pro.get(url("advisors", hub))


@pytest.mark.parametrize("name", ["advisors", "trainings", "supervision_sessions"])
@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.PROFESSIONAL, 200), (Role.MANAGER, 200), (Role.ADVISOR, 404), (Role.COORDINATOR, 404)],
)
def test_only_professionals_and_managers_manage_advisors(client_for, hub, name, role, status):
    assert client_for(role, hub).get(url(name, hub)).status_code == status


def test_an_advisor_of_another_hub_is_404_for_a_professional(pro, other_hub):
    elsewhere = AdvisorProfileFactory(hubs=[other_hub])
    hub = pro.user.memberships.get().hub
    assert pro.get(url("advisor", hub, pk=elsewhere.pk)).status_code == 404
    assert (
        pro.post(
            url("advisor_move", hub, pk=elsewhere.pk), {"stage": "active", "on": "2026-01-01"}
        ).status_code
        == 404
    )
    assert pro.get(url("advisors", other_hub)).status_code == 404


def test_anonymous_visitors_go_to_login(client, hub):
    for name in (
        "advisors",
        "trainings",
        "home",
        "supervision",
        "shifts",
        "hours",
        "expert_home",
        "assignments",
    ):
        response = client.get(url(name, hub))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
