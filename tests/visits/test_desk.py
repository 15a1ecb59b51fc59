from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kototori.models import Role
from tests.factories import language, topic
from tests.visits.factories import QueueEntryFactory, VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db


def desk_url(hub):
    return reverse("visits:desk", kwargs={"hub": hub.slug})


def log_url(hub):
    return reverse("visits:log_visit", kwargs={"hub": hub.slug})


def walk_in(**extra):
    return {
        "topics": [topic("housing").pk],
        "channel": "walk_in",
        "outcome": "advice",
        "key": "key-1",
        **extra,
    }


class TestPersonas:
    def test_front_desk_of_the_hub_opens_the_desk(self, desk, hub):
        response = desk.get(desk_url(hub))
        assert response.status_code == 200
        assert "Log visit" in response.content.decode()

    def test_a_role_without_visit_logging_gets_404(self, client_for, hub):
        advisor = client_for(Role.ADVISOR, hub)
        assert advisor.get(desk_url(hub)).status_code == 404
        assert advisor.post(log_url(hub), walk_in()).status_code == 404

    def test_front_desk_of_another_hub_gets_404(self, client_for, hub, other_hub):
        theirs = client_for(Role.FRONT_DESK, other_hub)
        assert theirs.get(desk_url(hub)).status_code == 404
        assert theirs.post(log_url(hub), walk_in()).status_code == 404
        assert not Visit.objects.exists()

    def test_anonymous_is_sent_to_login(self, client, hub):
        response = client.get(desk_url(hub))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_the_front_desk_lands_on_the_desk_after_login(self, desk, hub):
        response = desk.get(reverse("home"))
        assert response["Location"] == desk_url(hub)


def test_an_anonymous_walk_in_is_logged_with_htmx(desk, hub, htmx_headers):
    response = desk.post(log_url(hub), walk_in(language=language("ar").pk), headers=htmx_headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Visit logged" in html
    assert "Undo" in html
    assert "<html" not in html  # a fragment, not a page
    visit = Visit.objects.get()
    assert visit.visitor is None and visit.served_by == desk.user
    assert visit.language.code == "ar"


def test_the_last_language_and_channel_are_remembered(desk, hub, htmx_headers):
    desk.post(
        log_url(hub),
        walk_in(language=language("so").pk, channel="phone"),
        headers=htmx_headers,
    )
    form = desk.get(desk_url(hub)).context["form"]
    assert form.initial["channel"] == "phone"
    assert form.initial["language"] == language("so").pk


def test_a_double_click_logs_one_visit(desk, hub, htmx_headers):
    desk.post(log_url(hub), walk_in(), headers=htmx_headers)
    response = desk.post(log_url(hub), walk_in(), headers=htmx_headers)
    assert "already logged" in response.content.decode()
    assert Visit.objects.count() == 1


def test_each_fresh_form_carries_a_new_key(desk, hub, htmx_headers):
    first = desk.get(desk_url(hub)).context["form"].initial["key"]
    response = desk.post(log_url(hub), walk_in(key=first), headers=htmx_headers)
    assert response.context["form"].initial["key"] not in ("", first)


def test_a_visit_without_a_topic_is_refused_and_keeps_what_was_typed(desk, hub, htmx_headers):
    data = walk_in(note="asked about the bus card")
    del data["topics"]
    response = desk.post(log_url(hub), data, headers=htmx_headers)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Pick at least one topic." in html
    assert "asked about the bus card" in html
    assert not Visit.objects.exists()


def test_a_visit_in_the_future_is_refused(desk, hub):
    later = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = desk.post(log_url(hub), walk_in(visited_at=later))
    assert response.status_code == 400
    assert "can&#x27;t be in the future" in response.content.decode()
    assert not Visit.objects.exists()


def test_an_unknown_topic_is_refused(desk, hub):
    response = desk.post(log_url(hub), walk_in(topics=[999999]))
    assert response.status_code == 400
    assert not Visit.objects.exists()


def test_a_just_logged_visit_can_be_undone(desk, hub, htmx_headers):
    desk.post(log_url(hub), walk_in(), headers=htmx_headers)
    visit = Visit.objects.get()
    url = reverse("visits:undo_visit", kwargs={"hub": hub.slug, "pk": visit.pk})
    response = desk.post(url, headers=htmx_headers)
    assert "The visit was removed." in response.content.decode()
    assert not Visit.objects.exists()


def test_another_hubs_visit_cannot_be_undone_or_read(desk, hub, other_hub):
    theirs = VisitFactory(hub=other_hub, created_by=desk.user)
    undo = reverse("visits:undo_visit", kwargs={"hub": hub.slug, "pk": theirs.pk})
    detail = reverse("visits:visit_detail", kwargs={"hub": hub.slug, "pk": theirs.pk})
    assert desk.post(undo).status_code == 404
    assert desk.get(detail).status_code == 404
    assert Visit.objects.filter(pk=theirs.pk).exists()


def test_a_visit_page_offers_the_next_steps(desk, hub):
    visit = VisitFactory(hub=hub, topics=[topic("housing")])
    html = desk.get(reverse("visits:visit_detail", kwargs={"hub": hub.slug, "pk": visit.pk}))
    html = html.content.decode()
    assert "Refer to a partner" in html and "Open a follow-up case" in html


def _lots_of_data(hub, n):
    for i in range(n):
        VisitFactory(hub=hub, topics=[topic("housing"), topic("health")], language=language("ar"))
        QueueEntryFactory(hub=hub, number=1000 + i).topics.set([topic("housing")])


@pytest.mark.parametrize("size", [2, 20])
def test_the_desk_home_runs_a_bounded_number_of_queries(
    desk, hub, django_assert_max_num_queries, size
):
    _lots_of_data(hub, size)
    with django_assert_max_num_queries(15):
        assert desk.get(desk_url(hub)).status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_logging_a_visit_runs_a_bounded_number_of_queries(
    desk, hub, htmx_headers, django_assert_max_num_queries, size
):
    _lots_of_data(hub, size)
    data = walk_in(topics=[topic("housing").pk, topic("health").pk, topic("employment").pk])
    # The answer redraws the side panel: today's counts, the week's chart (one GROUP BY) and the
    # open data requests (one COUNT), whatever the number of visits.
    with django_assert_max_num_queries(26):
        assert desk.post(log_url(hub), data, headers=htmx_headers).status_code == 200


def test_a_colleague_can_be_named_as_the_one_who_served(desk, hub, make_member, other_hub):
    colleague = make_member(Role.FRONT_DESK, hub)
    outsider = make_member(Role.FRONT_DESK, other_hub)
    assert desk.post(log_url(hub), walk_in(served_by=outsider.pk)).status_code == 400
    assert not Visit.objects.exists()
    desk.post(log_url(hub), walk_in(served_by=colleague.pk))
    visit = Visit.objects.get()
    assert visit.served_by == colleague and visit.created_by == desk.user


def test_an_unknown_hub_is_404_and_logs_nothing(desk):
    assert desk.get(reverse("visits:desk", kwargs={"hub": "atlantis"})).status_code == 404
    url = reverse("visits:log_visit", kwargs={"hub": "atlantis"})
    assert desk.post(url, walk_in()).status_code == 404
    assert not Visit.objects.exists()


def test_the_menu_shows_the_front_desk_pages_by_role(desk, client_for, hub):
    labels = [item["label"] for item in desk.get(desk_url(hub)).context["nav"]]
    assert {"Desk", "Queue", "Visitors", "Referrals", "Outreach"} <= {str(x) for x in labels}
    assert "Kiosk" not in {str(x) for x in labels}
    manager = client_for(Role.MANAGER, hub)
    labels = {str(item["label"]) for item in manager.get(desk_url(hub)).context["nav"]}
    assert "Kiosk" in labels


def test_a_visit_can_be_corrected_later_by_the_desk_of_its_hub(desk, hub, client_for, other_hub):
    visit = VisitFactory(hub=hub, topics=[topic("housing")], served_by=desk.user)
    url = reverse("visits:visit_detail", kwargs={"hub": hub.slug, "pk": visit.pk})
    assert desk.get(url).status_code == 200
    response = desk.post(
        url, {"topics": [topic("employment").pk], "channel": "phone", "outcome": "referred"}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert [t.key for t in visit.topics.all()] == ["employment"]
    assert (visit.channel, visit.outcome) == ("phone", "referred")
    assert desk.post(url, {"channel": "phone", "outcome": "advice"}).status_code == 400
    theirs = client_for(Role.FRONT_DESK, other_hub)
    assert theirs.get(url).status_code == 404
    foreign = reverse("visits:visit_detail", kwargs={"hub": other_hub.slug, "pk": visit.pk})
    assert theirs.post(foreign, {"topics": [topic("health").pk]}).status_code == 404
    assert [t.key for t in visit.topics.all()] == ["employment"]


def test_the_desk_shows_this_weeks_visits_as_a_chart(frontdesk_client, hub):
    from django.urls import reverse
    from django.utils import timezone

    from visits.models import Visit

    for _ in range(3):
        Visit.objects.create(hub=hub, visited_at=timezone.now())
    html = frontdesk_client.get(reverse("visits:desk", kwargs={"hub": hub.slug})).content.decode()
    assert 'class="chart"' in html
    assert ": 3" in html  # today's bar, in the chart's text description


def test_the_desk_says_how_many_data_requests_wait_and_links_the_queue(client_for, hub, other_hub):
    from visits.models import DataRequest

    desk = client_for(Role.FRONT_DESK, hub, preferred_language="en")
    queue = reverse("visits:data_requests", kwargs={"hub": hub.slug})
    assert queue not in desk.get(desk_url(hub)).content.decode()  # none open: nothing shown
    for kind in ("copy", "erase"):
        DataRequest.objects.create(hub=hub, kind=kind, name="A", phone="040 1")
    DataRequest.objects.create(hub=hub, kind="copy", name="B", phone="040 2", status="done")
    DataRequest.objects.create(hub=other_hub, kind="copy", name="C", phone="040 3")
    page = desk.get(desk_url(hub)).content.decode()
    assert queue in page
    assert '<span class="stat">2</span> data requests open' in page


def _open_data_request(hub):
    from visits.models import DataRequest

    return DataRequest.objects.create(hub=hub, kind="copy", name="A", phone="040 1")


@pytest.mark.parametrize("outcome", ["logged", "refused", "undone"])
def test_the_side_panel_keeps_its_chart_and_counts_after_the_desk_answers(
    client_for, hub, htmx_headers, outcome
):
    desk = client_for(Role.FRONT_DESK, hub, preferred_language="en")
    _open_data_request(hub)
    VisitFactory(hub=hub, topics=[topic("housing")])
    if outcome == "logged":
        response = desk.post(log_url(hub), walk_in(), headers=htmx_headers)
        visits = 2
    elif outcome == "refused":
        response = desk.post(log_url(hub), walk_in(topics=[]), headers=htmx_headers)
        visits = 1
    else:
        desk.post(log_url(hub), walk_in(), headers=htmx_headers)
        undo = reverse(
            "visits:undo_visit", kwargs={"hub": hub.slug, "pk": Visit.objects.latest("pk").pk}
        )
        response = desk.post(undo, headers=htmx_headers)
        visits = 1
    html = response.content.decode()
    assert "<html" not in html  # still the fragment
    assert 'class="chart"' in html and "Visits this week" in html
    assert f": {visits}" in html  # today's bar, in the chart's text description
    assert f'<span class="stat">{visits}</span> visit' in html
    assert '<span class="stat">1</span> data request open' in html
    assert reverse("visits:data_requests", kwargs={"hub": hub.slug}) in html


def test_no_id_appears_twice_on_the_desk_and_the_visit_page(client_for, hub, htmx_headers):
    from tests.markup import dangling_references, duplicate_ids

    desk = client_for(Role.FRONT_DESK, hub, preferred_language="en")
    visit = VisitFactory(hub=hub, topics=[topic("housing")])
    refused = walk_in(topics=[])
    for html in (
        desk.get(desk_url(hub)).content.decode(),
        desk.post(log_url(hub), refused, headers=htmx_headers).content.decode(),
        desk.post(log_url(hub), refused).content.decode(),
        desk.get(
            reverse("visits:visit_detail", kwargs={"hub": hub.slug, "pk": visit.pk})
        ).content.decode(),
        desk.post(
            reverse("visits:visit_detail", kwargs={"hub": hub.slug, "pk": visit.pk}), refused
        ).content.decode(),
    ):
        assert duplicate_ids(html) == []
        assert dangling_references(html) == []


def test_a_visit_shows_the_referral_made_from_it_and_does_not_invite_a_second(client_for, hub):
    from tests.factories import PartnerFactory
    from tests.visits.factories import ReferralFactory

    desk = client_for(Role.FRONT_DESK, hub, preferred_language="en")
    visit = VisitFactory(hub=hub, topics=[topic("housing")], outcome="referred")
    page = reverse("visits:visit_detail", kwargs={"hub": hub.slug, "pk": visit.pk})
    write = reverse("visits:referral_create", kwargs={"hub": hub.slug}) + f"?visit={visit.pk}"
    html = desk.get(page).content.decode()
    assert "Refer to a partner" in html and write in html
    referral = ReferralFactory(hub=hub, visit=visit, partner=PartnerFactory(name="Kela Hervanta"))
    html = desk.get(page).content.decode()
    detail = reverse("visits:referral_detail", kwargs={"hub": hub.slug, "pk": referral.pk})
    assert f'href="{detail}"' in html
    assert "Kela Hervanta" in html and "Sent" in html
    assert "Refer to a partner" not in html  # the big button would make a duplicate
    assert "Refer to another partner as well" in html  # a second partner is still possible


def test_a_visit_shows_its_case_and_does_not_invite_a_second(client_for, hub):
    from tests.advisors.factories import CaseFactory

    desk = client_for(Role.FRONT_DESK, hub, preferred_language="en")
    visit = VisitFactory(hub=hub, topics=[topic("housing")], outcome="case")
    page = reverse("visits:visit_detail", kwargs={"hub": hub.slug, "pk": visit.pk})
    assert "Open a follow-up case" in desk.get(page).content.decode()
    CaseFactory(hub=hub, visit=visit, topics=[topic("housing")])
    html = desk.get(page).content.decode()
    assert "Open a follow-up case" not in html
    assert "Follow-up case: In the pool" in html


def test_the_visit_page_runs_a_fixed_number_of_queries(
    client_for, hub, django_assert_max_num_queries
):
    from tests.advisors.factories import CaseFactory
    from tests.visits.factories import ReferralFactory

    desk = client_for(Role.FRONT_DESK, hub, preferred_language="en")
    visit = VisitFactory(hub=hub, topics=[topic("housing")], outcome="referred")
    for _ in range(5):
        ReferralFactory(hub=hub, visit=visit)
        CaseFactory(hub=hub, visit=visit, topics=[topic("housing")])
    page = reverse("visits:visit_detail", kwargs={"hub": hub.slug, "pk": visit.pk})
    with django_assert_max_num_queries(16):
        assert desk.get(page).status_code == 200
