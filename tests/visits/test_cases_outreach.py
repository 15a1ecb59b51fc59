from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kototori.models import Role
from tests.factories import language, topic
from tests.visits.factories import VisitFactory
from visits.models import Case, OutreachSession

pytestmark = pytest.mark.django_db


def test_front_desk_opens_a_case_from_a_visit_and_it_lands_in_the_pool(desk, hub):
    visit = VisitFactory(hub=hub, topics=[topic("housing")])
    url = reverse("visits:case_create", kwargs={"hub": hub.slug})
    prefilled = desk.get(url, {"visit": visit.pk})
    assert prefilled.context["form"].initial["topics"] == [topic("housing")]
    response = desk.post(
        url,
        {
            "visit": visit.pk,
            "topics": [topic("housing").pk],
            "languages": [language("ar").pk],
            "urgency": "high",
            "summary": "Help with a rental application",
            "next_follow_up": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    case = Case.objects.in_pool().get()
    assert case.hub == hub and case.visit == visit and case.urgency == "high"


def test_a_case_without_a_topic_or_with_a_past_follow_up_is_refused(desk, hub):
    url = reverse("visits:case_create", kwargs={"hub": hub.slug})
    response = desk.post(
        url,
        {
            "summary": "Kept text",
            "urgency": "normal",
            "next_follow_up": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Pick at least one topic." in html and "Kept text" in html
    assert not Case.objects.exists()


def test_a_visit_of_another_hub_is_never_linked_to_a_case(desk, hub, other_hub):
    theirs = VisitFactory(hub=other_hub)
    desk.post(
        reverse("visits:case_create", kwargs={"hub": hub.slug}),
        {"visit": theirs.pk, "topics": [topic("housing").pk], "urgency": "normal", "summary": "x"},
    )
    assert Case.objects.get().visit is None


def test_an_advisor_cannot_open_cases_here(client_for, hub):
    advisor = client_for(Role.ADVISOR, hub)
    assert advisor.get(reverse("visits:case_create", kwargs={"hub": hub.slug})).status_code == 404


def test_outreach_is_logged_with_counts_by_topic_and_no_names(desk, hub):
    url = reverse("visits:outreach_create", kwargs={"hub": hub.slug})
    response = desk.post(
        url,
        {
            "place_kind": "housing",
            "place": "Club room, Insinöörinkatu 10",
            "date": timezone.localdate().isoformat(),
            "staff": [desk.user.pk],
            "topic_housing": "6",
            "topic_employment": "2",
        },
    )
    assert response.status_code == 302
    session = OutreachSession.objects.get()
    assert session.head_count == 8
    assert {row.topic.key: row.count for row in session.topic_counts.all()} == {
        "housing": 6,
        "employment": 2,
    }
    listing = desk.get(reverse("visits:outreach", kwargs={"hub": hub.slug}))
    assert "Club room" in listing.content.decode()


def test_outreach_without_people_or_in_the_future_is_refused(desk, hub):
    url = reverse("visits:outreach_create", kwargs={"hub": hub.slug})
    response = desk.post(
        url,
        {
            "place_kind": "housing",
            "place": "Club room",
            "date": (timezone.localdate() + timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert not OutreachSession.objects.exists()


def test_outreach_of_another_hub_is_404(client_for, hub, other_hub):
    theirs = client_for(Role.FRONT_DESK, other_hub)
    assert theirs.get(reverse("visits:outreach", kwargs={"hub": hub.slug})).status_code == 404


@pytest.mark.parametrize("size", [1, 10])
def test_the_outreach_list_runs_a_bounded_number_of_queries(
    desk, hub, django_assert_max_num_queries, size
):
    from visits.services import outreach_log

    for _ in range(size):
        outreach_log(
            hub=hub,
            user=desk.user,
            place_kind="housing",
            place="Club room",
            date=timezone.localdate(),
            head_count=5,
            counts={topic("housing"): 3, topic("employment"): 2},
            staff=[desk.user],
        )
    with django_assert_max_num_queries(12):
        assert desk.get(reverse("visits:outreach", kwargs={"hub": hub.slug})).status_code == 200
