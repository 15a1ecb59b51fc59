import pytest
from django.urls import reverse

from kototori.models import PartnerOrganisation, Role
from tests.factories import PartnerFactory, PartnerServiceFactory

pytestmark = pytest.mark.django_db


def test_staff_search_partners_by_service(frontdesk_client, hub):
    kela = PartnerFactory(name="Kela", hubs_served=[hub], kind="social_insurance")
    PartnerServiceFactory(partner=kela, name="Benefit advice")
    PartnerFactory(name="St Mary", hubs_served=[hub], kind="parish")
    html = frontdesk_client.get(reverse("partners:list"), {"q": "benefit"}).content.decode()
    assert "Kela" in html
    assert "St Mary" not in html


def test_partner_list_runs_a_bounded_number_of_queries(
    frontdesk_client, hub, django_assert_max_num_queries
):
    for _ in range(15):
        PartnerServiceFactory(partner=PartnerFactory(hubs_served=[hub]))
    with django_assert_max_num_queries(12):
        assert frontdesk_client.get(reverse("partners:list")).status_code == 200


def test_a_coordinator_adds_a_partner_with_services_and_contacts(client_for, hub):
    coordinator = client_for(Role.COORDINATOR, hub)
    data = {
        "name": "Housing Co",
        "kind": "housing",
        "description": "",
        "website": "",
        "email": "",
        "phone": "",
        "address": "",
        "hubs_served": [hub.pk],
        "is_active": "on",
        "services-TOTAL_FORMS": "1",
        "services-INITIAL_FORMS": "0",
        "services-0-name": "Housing advice",
        "services-0-description": "",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "Hanna",
        "contacts-0-title": "",
        "contacts-0-email": "",
        "contacts-0-phone": "",
    }
    response = coordinator.post(reverse("partners:create"), data)
    partner = PartnerOrganisation.objects.get(name="Housing Co")
    assert response.status_code == 302
    assert list(partner.services.values_list("name", flat=True)) == ["Housing advice"]
    assert list(partner.contacts.values_list("name", flat=True)) == ["Hanna"]


def test_bad_partner_input_keeps_what_was_typed_and_saves_nothing(client_for, hub):
    coordinator = client_for(Role.COORDINATOR, hub)
    data = {
        "name": "Typed name",
        "kind": "housing",
        "email": "not-an-email",
        "hubs_served": [hub.pk],
        "services-TOTAL_FORMS": "1",
        "services-INITIAL_FORMS": "0",
        "services-0-name": "Kept service",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    response = coordinator.post(reverse("partners:create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="Typed name"' in html
    assert 'value="Kept service"' in html
    assert "valid email" in html
    assert not PartnerOrganisation.objects.exists()


def test_a_coordinator_cannot_attach_a_partner_to_a_hub_they_do_not_coordinate(
    client_for, hub, other_hub
):
    coordinator = client_for(Role.COORDINATOR, hub)
    data = {
        "name": "Sneaky",
        "kind": "ngo",
        "hubs_served": [other_hub.pk],
        "services-TOTAL_FORMS": "0",
        "services-INITIAL_FORMS": "0",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    response = coordinator.post(reverse("partners:create"), data)
    assert response.status_code == 400
    assert not PartnerOrganisation.objects.exists()


def test_front_desk_reads_but_cannot_edit_partners(frontdesk_client, hub):
    partner = PartnerFactory(hubs_served=[hub])
    assert frontdesk_client.get(reverse("partners:edit", args=[partner.pk])).status_code == 403
