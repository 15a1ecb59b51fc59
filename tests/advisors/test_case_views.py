from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advisors import services
from kototori.models import AccessLog, Role
from tests.advisors.factories import AdvisorProfileFactory, CaseFactory
from tests.factories import language, topic
from visits.models import Case

pytestmark = pytest.mark.django_db


def url(name, hub, **kwargs):
    return reverse(f"advisors:{name}", kwargs={"hub": hub.slug, **kwargs})


@pytest.fixture
def advisor_client(client_for, hub):
    client = client_for(Role.ADVISOR, hub, full_name="Ahmed Advisor")
    AdvisorProfileFactory(
        user=client.user,
        name="Ahmed",
        hubs=[hub],
        speaks=["ar"],
        skills=[topic("housing")],
    )
    return client


def test_the_pool_ranks_language_first_then_topic_skills_then_age(advisor_client, hub):
    now = timezone.now()
    oldest_no_match = CaseFactory(
        hub=hub,
        summary="Old Somali",
        languages=[language("so")],
        created_at=now - timedelta(days=9),
    )
    arabic_other_topic = CaseFactory(
        hub=hub,
        summary="Arabic employment",
        languages=[language("ar")],
        topics=[topic("employment")],
        created_at=now - timedelta(days=5),
    )
    arabic_housing = CaseFactory(
        hub=hub,
        summary="Arabic housing",
        languages=[language("ar")],
        topics=[topic("housing")],
        created_at=now - timedelta(days=1),
    )
    any_language_old = CaseFactory(
        hub=hub, summary="Any language", created_at=now - timedelta(days=3)
    )
    response = advisor_client.get(url("pool", hub))
    assert response.status_code == 200
    ranked = [c.pk for c in response.context["cases"]]
    assert ranked == [
        arabic_housing.pk,
        arabic_other_topic.pk,
        any_language_old.pk,
        oldest_no_match.pk,
    ]


def test_urgency_counts_in_the_pool_after_language_and_before_topic_skills(advisor_client, hub):
    now = timezone.now()

    def case(summary, lang, topic_key, urgency, days):
        return CaseFactory(
            hub=hub,
            summary=summary,
            languages=[language(lang)],
            topics=[topic(topic_key)],
            urgency=urgency,
            created_at=now - timedelta(days=days),
        )

    can_wait = case("Arabic housing, can wait", "ar", "housing", "low", 10)
    normal = case("Arabic housing", "ar", "housing", "normal", 2)
    urgent = case("Arabic employment, urgent", "ar", "employment", "high", 1)
    urgent_older = case("Arabic housing, urgent", "ar", "housing", "high", 1.5)
    somali_urgent = case("Somali, urgent", "so", "housing", "high", 20)
    response = advisor_client.get(url("pool", hub))
    ranked = [c.summary for c in response.context["cases"]]
    assert ranked == [
        urgent_older.summary,  # urgent, and in the advisor's topics
        urgent.summary,
        normal.summary,
        can_wait.summary,
        somali_urgent.summary,  # urgent, but nobody here can talk with the client
    ]
    assert "urgent ones first" in response.content.decode()  # the page says how it ranks


def test_the_pool_shows_short_summaries_and_no_other_hubs_cases(advisor_client, hub, other_hub):
    CaseFactory(hub=hub, summary="Help with a Kela form", topics=[topic("social_insurance")])
    CaseFactory(hub=other_hub, summary="Kontula only")
    html = advisor_client.get(url("pool", hub)).content.decode()
    assert "Help with a Kela form" in html
    assert "Kontula only" not in html


def test_the_pool_runs_a_fixed_number_of_queries(
    advisor_client, hub, django_assert_max_num_queries
):
    for _i in range(3):
        CaseFactory(hub=hub, topics=[topic("housing")], languages=[language("ar")])
    with django_assert_max_num_queries(12) as captured:
        advisor_client.get(url("pool", hub))
    baseline = len(captured)
    for _i in range(15):
        CaseFactory(hub=hub, topics=[topic("housing"), topic("health")], languages=[language("so")])
    with django_assert_max_num_queries(baseline):
        advisor_client.get(url("pool", hub))


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.ADVISOR, 200), (Role.PROFESSIONAL, 200), (Role.FRONT_DESK, 404), (Role.FUNDER, 404)],
)
def test_who_may_see_the_pool(client_for, hub, role, status):
    assert client_for(role, hub).get(url("pool", hub)).status_code == status


def test_an_advisor_of_another_hub_gets_404_and_anonymous_goes_to_login(
    client_for, client, hub, other_hub
):
    assert client_for(Role.ADVISOR, other_hub).get(url("pool", hub)).status_code == 404
    response = client.get(url("pool", hub))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_claim_then_note_then_follow_up_then_close(advisor_client, hub):
    case = CaseFactory(hub=hub, topics=[topic("housing")])
    response = advisor_client.post(url("claim", hub, pk=case.pk))
    assert response.status_code == 302
    assert response["Location"] == url("case", hub, pk=case.pk)
    page = advisor_client.get(url("case", hub, pk=case.pk))
    assert page.status_code == 200
    follow_up = (timezone.localdate() + timedelta(days=3)).isoformat()
    advisor_client.post(
        url("case_note", hub, pk=case.pk),
        {"text": "Called the landlord", "next_follow_up": follow_up},
    )
    case.refresh_from_db()
    assert case.next_follow_up.isoformat() == follow_up
    response = advisor_client.post(
        url("case_close", hub, pk=case.pk), {"outcome": "resolved", "text": "Done"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert [n.kind for n in case.notes.all()] == ["claimed", "note", "closed"]


def test_a_note_with_a_past_follow_up_is_refused_and_keeps_the_text(advisor_client, hub, advisor):
    case = CaseFactory(hub=hub)
    services.case_claim(case_id=case.pk, advisor=advisor_client.user)
    response = advisor_client.post(
        url("case_note", hub, pk=case.pk),
        {"text": "Typed carefully", "next_follow_up": "2001-01-01"},
    )
    assert response.status_code == 400
    assert "Typed carefully" in response.content.decode()
    assert case.notes.filter(kind="note").count() == 0


def test_claiming_a_taken_case_says_so_clearly(advisor_client, hub, advisor):
    case = CaseFactory(hub=hub)
    services.case_claim(case_id=case.pk, advisor=advisor)
    response = advisor_client.post(url("claim", hub, pk=case.pk), follow=True)
    assert "Someone else claimed this case" in response.content.decode()


def test_an_advisor_opens_only_the_cases_they_hold(advisor_client, hub, advisor, other_hub):
    theirs = services.case_claim(case_id=CaseFactory(hub=hub).pk, advisor=advisor)
    in_pool = CaseFactory(hub=hub)
    elsewhere = CaseFactory(hub=other_hub)
    for case in (theirs, in_pool):
        assert advisor_client.get(url("case", hub, pk=case.pk)).status_code == 404
    assert advisor_client.get(url("case", other_hub, pk=elsewhere.pk)).status_code == 404
    assert advisor_client.get(url("case", hub, pk=elsewhere.pk)).status_code == 404
    assert (
        advisor_client.post(
            url("case_close", hub, pk=theirs.pk), {"outcome": "resolved"}
        ).status_code
        == 404
    )


def test_a_professional_sees_every_case_of_their_hub_but_not_others(
    client_for, hub, other_hub, advisor
):
    professional = client_for(Role.PROFESSIONAL, hub)
    claimed = services.case_claim(case_id=CaseFactory(hub=hub).pk, advisor=advisor)
    elsewhere = CaseFactory(hub=other_hub)
    assert professional.get(url("case", hub, pk=claimed.pk)).status_code == 200
    assert professional.get(url("case", other_hub, pk=elsewhere.pk)).status_code == 404
    listing = professional.get(url("cases", hub))
    assert claimed in listing.context["cases"]


def test_the_case_page_shows_no_contact_data_and_logs_nothing_without_a_person(advisor_client, hub):
    case = CaseFactory(hub=hub, summary="Needs help reading a letter")
    advisor_client.post(url("claim", hub, pk=case.pk))
    html = advisor_client.get(url("case", hub, pk=case.pk)).content.decode()
    assert "Needs help reading a letter" in html
    assert AccessLog.objects.count() == 0


def test_escalation_reaches_the_professionals_queue(advisor_client, client_for, hub):
    professional = client_for(Role.PROFESSIONAL, hub)
    case = CaseFactory(hub=hub, topics=[topic("legal_aid")])
    advisor_client.post(url("claim", hub, pk=case.pk))
    refused = advisor_client.post(
        url("case_close", hub, pk=case.pk), {"outcome": "resolved"}, follow=True
    )
    assert "escalate it instead" in refused.content.decode()
    advisor_client.post(url("case_escalate", hub, pk=case.pk), {"reason": "Court letter"})
    dashboard = professional.get(url("supervision", hub))
    assert [c.pk for c in dashboard.context["escalations"]] == [case.pk]
    assert "Court letter" in dashboard.content.decode()
    professional.post(url("case_close", hub, pk=case.pk), {"outcome": "professional"})
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED


def test_release_and_transfer_from_the_case_page(advisor_client, hub, make_member):
    colleague = make_member(Role.ADVISOR, hub)
    case = CaseFactory(hub=hub)
    advisor_client.post(url("claim", hub, pk=case.pk))
    advisor_client.post(
        url("case_transfer", hub, pk=case.pk), {"to": colleague.pk, "text": "You speak Somali"}
    )
    case.refresh_from_db()
    assert case.claimed_by == colleague
    assert advisor_client.get(url("case", hub, pk=case.pk)).status_code == 404


def test_supervision_and_advisor_dashboards_run_bounded_queries(
    advisor_client, client_for, hub, advisor, django_assert_max_num_queries
):
    professional = client_for(Role.PROFESSIONAL, hub)
    for _i in range(6):
        services.case_claim(
            case_id=CaseFactory(hub=hub, topics=[topic("housing")]).pk, advisor=advisor_client.user
        )
        c = services.case_claim(case_id=CaseFactory(hub=hub).pk, advisor=advisor)
        services.case_escalate(case=c, by=advisor, reason="x")
        CaseFactory(hub=hub, topics=[topic("health")])
    with django_assert_max_num_queries(20):
        assert professional.get(url("supervision", hub)).status_code == 200
    with django_assert_max_num_queries(20):
        assert advisor_client.get(url("home", hub)).status_code == 200


@pytest.mark.parametrize(
    ("role", "page", "status"),
    [
        (Role.ADVISOR, "home", 200),
        (Role.EXPERT, "home", 404),
        (Role.FRONT_DESK, "home", 404),
        (Role.PROFESSIONAL, "supervision", 200),
        (Role.MANAGER, "supervision", 200),
        (Role.ADVISOR, "supervision", 404),
        (Role.ADVISOR, "cases", 404),
        (Role.COORDINATOR, "cases", 404),
    ],
)
def test_dashboards_by_role(client_for, hub, role, page, status):
    assert client_for(role, hub).get(url(page, hub)).status_code == status


def test_each_role_lands_on_its_dashboard(client_for, hub):
    for role, name in [
        (Role.ADVISOR, "home"),
        (Role.PROFESSIONAL, "supervision"),
        (Role.EXPERT, "expert_home"),
    ]:
        response = client_for(role, hub).get(reverse("home"))
        assert response["Location"] == url(name, hub)


def test_the_case_list_runs_a_fixed_number_of_queries(
    client_for, hub, advisor, django_assert_max_num_queries
):
    professional = client_for(Role.PROFESSIONAL, hub)
    CaseFactory(hub=hub, topics=[topic("housing")])
    with django_assert_max_num_queries(30) as captured:
        professional.get(url("cases", hub))
    baseline = len(captured)
    for _i in range(10):
        services.case_claim(
            case_id=CaseFactory(hub=hub, topics=[topic("health")]).pk, advisor=advisor
        )
    with django_assert_max_num_queries(baseline):
        professional.get(url("cases", hub))


def test_only_a_professional_hands_an_escalated_case_back(client_for, hub, advisor):
    case = services.case_claim(case_id=CaseFactory(hub=hub).pk, advisor=advisor)
    services.case_escalate(case=case, by=advisor, reason="Unsure")
    holder = client_for(Role.ADVISOR, hub)
    holder.force_login(advisor)
    assert holder.post(url("case_deescalate", hub, pk=case.pk)).status_code == 404
    professional = client_for(Role.PROFESSIONAL, hub)
    professional.post(url("case_deescalate", hub, pk=case.pk), {"text": "Go ahead"})
    case.refresh_from_db()
    assert case.status == Case.Status.CLAIMED


def test_the_pool_refreshes_itself_as_a_fragment(advisor_client, hub):
    CaseFactory(hub=hub, summary="Fresh in the pool")
    response = advisor_client.get(url("pool", hub), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="pool"')
    assert "Fresh in the pool" in html
    assert "<html" not in html


def test_the_supervision_dashboard_counts_outcomes_and_hours(client_for, hub, advisor):
    from decimal import Decimal

    from advisors.models import PathwayOutcome
    from advisors.services import hours_log

    professional = client_for(Role.PROFESSIONAL, hub)
    PathwayOutcome.objects.create(
        advisor=advisor.advisor_profile, kind="employment", started_on=timezone.localdate()
    )
    hours_log(user=advisor, hub=hub, on=timezone.localdate(), hours=Decimal("2.5"), description="x")
    page = professional.get(url("supervision", hub))
    assert ("Employment", 1) in [(str(label), n) for label, n in page.context["outcomes"]]
    assert page.context["hub_hours"] == Decimal("2.5")


def test_every_label_of_the_case_page_points_at_its_own_field(client_for, hub, advisor):
    from tests.markup import dangling_references, duplicate_ids

    professional = client_for(Role.PROFESSIONAL, hub, preferred_language="en")
    case = CaseFactory(hub=hub, topics=[topic("housing")])
    services.case_claim(case_id=case.pk, advisor=advisor)
    page = url("case", hub, pk=case.pk)
    html = professional.get(page).content.decode()
    assert "Add a note" in html and "Escalate to a professional" in html and "Hand over" in html
    assert duplicate_ids(html) == []
    assert dangling_references(html) == []
    services.case_escalate(case=Case.objects.get(pk=case.pk), by=advisor, reason="Threats")
    html = professional.get(page).content.decode()
    assert "Hand back to the advisor" in html
    assert duplicate_ids(html) == []
    assert dangling_references(html) == []
    # A refused form shows its errors next to its own fields.
    response = professional.post(url("case_close", hub, pk=case.pk), {"outcome": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert duplicate_ids(html) == []
    assert dangling_references(html) == []


# Referring a case to a partner


def _partner(hub, name="Kela Hervanta"):
    from tests.factories import PartnerFactory

    return PartnerFactory(name=name, hubs_served=[hub])


def test_a_professional_refers_a_case_to_a_partner_and_the_case_shows_it(client_for, hub, advisor):
    from visits.models import Referral

    professional = client_for(Role.PROFESSIONAL, hub, preferred_language="en")
    case = CaseFactory(hub=hub, topics=[topic("housing")], languages=[language("ar")])
    services.case_claim(case_id=case.pk, advisor=advisor)
    partner = _partner(hub)
    page = professional.get(url("case", hub, pk=case.pk)).content.decode()
    refer = url("case_refer", hub, pk=case.pk)
    assert f'href="{refer}"' in page
    form = professional.get(refer)
    assert form.status_code == 200
    assert [t.key for t in form.context["form"].initial["topics"]] == ["housing"]
    assert form.context["form"].initial["language"] == language("ar")
    response = professional.post(
        refer,
        {"partner": partner.pk, "topics": [topic("housing").pk], "note": "Needs a rent plan"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("case", hub, pk=case.pk)
    referral = Referral.objects.get()
    assert (referral.case, referral.partner, referral.hub) == (case, partner, hub)
    assert referral.created_by == professional.user
    page = professional.get(url("case", hub, pk=case.pk)).content.decode()
    detail = reverse("visits:referral_detail", kwargs={"hub": hub.slug, "pk": referral.pk})
    assert f'href="{detail}"' in page and "Kela Hervanta" in page
    assert "Referred to a partner" in page  # in the timeline
    assert [n.kind for n in Case.objects.get(pk=case.pk).notes.all()] == ["claimed", "referred"]


def test_a_refused_case_referral_keeps_what_was_typed_and_saves_nothing(client_for, hub):
    from visits.models import Referral

    professional = client_for(Role.PROFESSIONAL, hub, preferred_language="en")
    case = CaseFactory(hub=hub, topics=[topic("housing")])
    response = professional.post(url("case_refer", hub, pk=case.pk), {"note": "Needs a rent plan"})
    assert response.status_code == 400
    assert "Needs a rent plan" in response.content.decode()
    assert not Referral.objects.exists()
    assert not case.notes.exists()


def test_only_roles_that_may_refer_and_open_the_case_can_refer_it(
    client_for, advisor_client, hub, other_hub
):
    case = CaseFactory(hub=hub, topics=[topic("housing")])
    services.case_claim(case_id=case.pk, advisor=advisor_client.user)
    refer = url("case_refer", hub, pk=case.pk)
    # The advisor holding the case may not refer (the policy's referral roles), and is not invited to.
    assert advisor_client.get(refer).status_code == 404
    assert refer not in advisor_client.get(url("case", hub, pk=case.pk)).content.decode()
    assert client_for(Role.FRONT_DESK, hub).get(refer).status_code == 404  # may refer, not see
    assert client_for(Role.PROFESSIONAL, other_hub).get(refer).status_code == 404
    theirs = CaseFactory(hub=other_hub)
    mine = client_for(Role.MANAGER, hub)
    assert mine.get(url("case_refer", hub, pk=theirs.pk)).status_code == 404
    assert mine.get(refer).status_code == 200
