import pytest
from django.urls import reverse

from kototori.models import AccessLog, Role
from tests.factories import language
from tests.visits.factories import VisitFactory, VisitorFactory
from visits.models import Consent, Visitor

pytestmark = pytest.mark.django_db


def new_url(hub):
    return reverse("visits:visitor_create", kwargs={"hub": hub.slug})


def detail_url(visitor):
    return reverse("visits:visitor_detail", kwargs={"hub": visitor.hub.slug, "pk": visitor.pk})


def form_data(**extra):
    return {
        "visitor-first_name": "Amal",
        "visitor-phone": "+358 40 123 4567",
        "visitor-email": "",
        "visitor-languages": [language("ar").pk],
        "visitor-message_language": "ar",
        "visitor-birth_year": "1990",
        "consent-scopes": ["record", "reminders"],
        "consent-language": "ar",
        **extra,
    }


def test_front_desk_records_a_consenting_visitor_from_a_visit(desk, hub):
    visit = VisitFactory(hub=hub)
    response = desk.post(new_url(hub), {**form_data(), "visit": visit.pk})
    visitor = Visitor.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(visitor)
    consent = visitor.consents.get(scope=Consent.Scope.RECORD)
    assert consent.recorded_by == desk.user and consent.language == "ar"
    visit.refresh_from_db()
    assert visit.visitor == visitor


def test_without_consent_no_record_is_made_and_the_form_keeps_what_was_typed(desk, hub):
    response = desk.post(new_url(hub), form_data(**{"consent-scopes": ["reminders"]}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "no record is made" in html
    assert 'value="Amal"' in html
    assert not Visitor.objects.exists()


def test_an_impossible_birth_year_is_refused(desk, hub):
    response = desk.post(new_url(hub), form_data(**{"visitor-birth_year": "2190"}))
    assert response.status_code == 400
    assert not Visitor.objects.exists()


def test_reading_a_record_is_written_to_the_access_log(desk, hub):
    visitor = VisitorFactory(hub=hub, first_name="Amal")
    response = desk.get(detail_url(visitor))
    assert response.status_code == 200
    assert "Amal" in response.content.decode()
    entry = AccessLog.objects.get()
    assert entry.user == desk.user
    assert (entry.subject_type, entry.subject_id) == ("visits.visitor", visitor.pk)
    assert entry.view == "visits:visitor_detail"


def test_search_finds_by_name_or_phone_and_logs_each_person_shown(desk, hub, other_hub):
    amal = VisitorFactory(hub=hub, first_name="Amal", phone="040 555 1234")
    VisitorFactory(hub=other_hub, first_name="Amal", phone="040 555 1234")
    url = reverse("visits:visitors", kwargs={"hub": hub.slug})
    by_name = desk.get(url, {"q": "ama"})
    assert list(by_name.context["results"]) == [amal]
    by_phone = desk.get(url, {"q": "0405551234"})
    assert list(by_phone.context["results"]) == [amal]
    assert AccessLog.objects.filter(subject_id=amal.pk).count() == 2


def test_an_empty_search_shows_nobody(desk, hub):
    VisitorFactory(hub=hub)
    response = desk.get(reverse("visits:visitors", kwargs={"hub": hub.slug}))
    assert response.context["results"] == []
    assert not AccessLog.objects.exists()


class TestPersonas:
    def test_an_advisor_cannot_open_visitor_records(self, client_for, hub):
        visitor = VisitorFactory(hub=hub)
        advisor = client_for(Role.ADVISOR, hub)
        assert advisor.get(detail_url(visitor)).status_code == 404
        assert not AccessLog.objects.exists()

    def test_front_desk_of_another_hub_gets_404(self, client_for, hub, other_hub):
        visitor = VisitorFactory(hub=hub)
        theirs = client_for(Role.FRONT_DESK, other_hub)
        assert theirs.get(detail_url(visitor)).status_code == 404
        wrong_hub = reverse(
            "visits:visitor_detail", kwargs={"hub": other_hub.slug, "pk": visitor.pk}
        )
        assert theirs.get(wrong_hub).status_code == 404
        assert not AccessLog.objects.exists()

    def test_a_funder_never_sees_a_person(self, client_for, hub):
        visitor = VisitorFactory(hub=hub)
        assert client_for(Role.FUNDER, hub).get(detail_url(visitor)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, hub):
        assert client.get(detail_url(VisitorFactory(hub=hub))).status_code == 302


def test_two_records_merge_into_one(desk, hub):
    keep = VisitorFactory(hub=hub)
    duplicate = VisitorFactory(hub=hub)
    VisitFactory(hub=hub, visitor=duplicate)
    url = reverse("visits:visitor_merge", kwargs={"hub": hub.slug, "pk": keep.pk})
    response = desk.post(url, {"duplicate": duplicate.pk}, follow=True)
    assert "now one" in response.content.decode()
    assert keep.visits.count() == 1
    assert not Visitor.objects.filter(pk=duplicate.pk).exists()


def test_a_record_of_another_hub_cannot_be_merged_in(desk, hub, other_hub):
    keep = VisitorFactory(hub=hub)
    theirs = VisitorFactory(hub=other_hub)
    url = reverse("visits:visitor_merge", kwargs={"hub": hub.slug, "pk": keep.pk})
    desk.post(url, {"duplicate": theirs.pk})
    assert Visitor.objects.filter(pk=theirs.pk).exists()


def test_a_record_can_be_edited(desk, hub):
    visitor = VisitorFactory(hub=hub, first_name="Amal")
    url = reverse("visits:visitor_edit", kwargs={"hub": hub.slug, "pk": visitor.pk})
    assert desk.get(url).status_code == 200
    data = {
        k: v
        for k, v in form_data(**{"visitor-first_name": "Amala"}).items()
        if k.startswith("visitor")
    }
    assert desk.post(url, data).status_code == 302
    visitor.refresh_from_db()
    assert visitor.first_name == "Amala"


def test_the_consent_text_is_shown_in_the_visitors_language(desk, hub):
    url = reverse("visits:consent_text", kwargs={"hub": hub.slug})
    response = desk.get(url, {"lang": "ar"})
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()
    assert desk.get(url, {"lang": "xx"}).status_code == 404


def test_the_consent_text_page_is_for_staff_of_the_hub_only(client_for, client, hub, other_hub):
    url = reverse("visits:consent_text", kwargs={"hub": hub.slug})
    assert client_for(Role.FRONT_DESK, other_hub).get(url, {"lang": "ar"}).status_code == 404
    assert client.get(url, {"lang": "ar"}).status_code == 302


@pytest.mark.parametrize("size", [2, 20])
def test_visitor_search_runs_a_bounded_number_of_queries(
    desk, hub, django_assert_max_num_queries, size
):
    for _ in range(size):
        VisitorFactory(hub=hub, first_name="Amal").languages.set([language("ar")])
    with django_assert_max_num_queries(9):
        response = desk.get(reverse("visits:visitors", kwargs={"hub": hub.slug}), {"q": "Amal"})
    assert len(response.context["results"]) == size


def test_a_record_with_the_same_phone_is_offered_for_merging_by_number_only(desk, hub, other_hub):
    first = VisitorFactory(hub=hub, first_name="Amal", phone="040 111 2222")
    second = VisitorFactory(hub=hub, first_name="Amal K.", phone="0401112222")
    VisitorFactory(hub=other_hub, phone="0401112222")
    response = desk.get(detail_url(second))
    assert response.context["possible_duplicates"] == [first.pk]
    html = response.content.decode()
    assert f"Merge record {first.pk} into this one" in html
    assert "Amal K." in html and ">Amal<" not in html
    assert AccessLog.objects.filter(subject_id=first.pk).count() == 0


def test_search_covers_every_hub_of_the_user_and_logs_each_in_its_hub(make_member, hub, other_hub):
    from django.test import Client

    from tests.factories import MembershipFactory

    user = make_member(Role.FRONT_DESK, hub)
    MembershipFactory(user=user, hub=other_hub, role=Role.FRONT_DESK)
    third = VisitorFactory(hub=VisitorFactory().hub, first_name="Amal")  # a hub not theirs
    here = VisitorFactory(hub=hub, first_name="Amal")
    there = VisitorFactory(hub=other_hub, first_name="Amal")
    client = Client()
    client.force_login(user)
    response = client.get(reverse("visits:visitors", kwargs={"hub": hub.slug}), {"q": "Amal"})
    assert response.context["results"] == [here, there]
    assert third not in response.context["results"]
    assert AccessLog.objects.get(subject_id=there.pk).hub == other_hub
    html = response.content.decode()
    assert reverse("visits:visitor_detail", kwargs={"hub": other_hub.slug, "pk": there.pk}) in html


def test_the_visitor_page_links_to_the_rights_pages_each_role_may_use(client_for, hub):
    from django.urls import reverse

    from kototori.models import Role
    from visits.models import Visitor

    visitor = Visitor.objects.create(hub=hub, first_name="Amina")
    url = reverse("visits:visitor_detail", kwargs={"hub": hub.slug, "pk": visitor.pk})
    manager_page = client_for(Role.MANAGER, hub).get(url).content.decode()
    desk_page = client_for(Role.FRONT_DESK, hub).get(url).content.decode()
    assert (
        reverse("rights:visitor_data", kwargs={"hub": hub.slug, "pk": visitor.pk}) in manager_page
    )
    assert reverse("access_log", kwargs={"hub": hub.slug}) in manager_page
    assert (
        reverse("advisors:advisor_from_visitor", kwargs={"hub": hub.slug, "visitor": visitor.pk})
        in manager_page
    )
    assert reverse("access_log", kwargs={"hub": hub.slug}) not in desk_page
