"""A visitor becomes a volunteer candidate; a case's client is shown only to those who need it."""

import pytest
from django.urls import reverse

from advisors import services
from advisors.models import AdvisorProfile
from kototori.models import AccessLog, Role
from tests.advisors.factories import CaseFactory, visitor
from tests.factories import language

pytestmark = pytest.mark.django_db


def url(name, hub, **kwargs):
    return reverse(f"advisors:{name}", kwargs={"hub": hub.slug, **kwargs})


def test_a_visitor_who_agrees_becomes_a_traceable_candidate(client_for, hub):
    pro = client_for(Role.PROFESSIONAL, hub)
    record = visitor(hub, first_name="Samira", languages=[language("so"), language("fi")])
    page = pro.get(url("advisor_from_visitor", hub, visitor=record.pk))
    assert page.status_code == 200
    assert 'value="Samira"' in page.content.decode()
    refused = pro.post(url("advisor_from_visitor", hub, visitor=record.pk), {"name": "Samira"})
    assert refused.status_code == 400
    assert not AdvisorProfile.objects.exists()
    pro.post(
        url("advisor_from_visitor", hub, visitor=record.pk), {"name": "Samira", "consent": "on"}
    )
    candidate = AdvisorProfile.objects.get()
    assert candidate.visitor == record
    assert candidate.stage == "interested"
    assert candidate.candidate_consent_by == pro.user
    assert sorted(candidate.languages.values_list("language__code", flat=True)) == ["fi", "so"]
    assert list(candidate.hubs.all()) == [hub]
    again = pro.get(url("advisor_from_visitor", hub, visitor=record.pk))
    assert again["Location"] == url("advisor", hub, pk=candidate.pk)
    assert AccessLog.objects.filter(subject_type="visits.visitor", subject_id=record.pk).exists()


def test_only_staff_who_may_see_visitors_of_the_hub_can_do_it(client_for, hub, other_hub):
    record = visitor(hub)
    assert (
        client_for(Role.ADVISOR, hub)
        .get(url("advisor_from_visitor", hub, visitor=record.pk))
        .status_code
        == 404
    )
    pro_elsewhere = client_for(Role.PROFESSIONAL, other_hub)
    assert (
        pro_elsewhere.get(url("advisor_from_visitor", other_hub, visitor=record.pk)).status_code
        == 404
    )


def test_the_holder_sees_the_clients_contact_details_and_the_viewing_is_logged(
    client_for, hub, advisor
):
    record = visitor(hub, first_name="Samira", phone="+358 40 123 4567")
    case = CaseFactory(hub=hub, visitor=record)
    services.case_claim(case_id=case.pk, advisor=advisor)
    client = client_for(Role.ADVISOR, hub)
    client.force_login(advisor)
    html = client.get(url("case", hub, pk=case.pk)).content.decode()
    assert "+358 40 123 4567" in html
    log = AccessLog.objects.get()
    assert (log.user, log.subject_id, log.purpose) == (advisor, record.pk, "case follow-up")


def test_the_pool_never_shows_who_the_client_is(client_for, hub):
    record = visitor(hub, first_name="Zainab", phone="+358 40 999 8888")
    CaseFactory(hub=hub, visitor=record, summary="Needs help with Kela")
    html = client_for(Role.ADVISOR, hub).get(url("pool", hub)).content.decode()
    assert "Needs help with Kela" in html
    assert "Zainab" not in html
    assert "999 8888" not in html
    assert not AccessLog.objects.exists()
