import pytest
from django.urls import reverse

from kototori.access import PERSON_DATA_ROLES, POLICY, Perm
from kototori.models import Membership, Role
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_every_permission_is_in_the_policy_table():
    assert set(Perm) == set(POLICY)


def test_funders_hold_no_permission_that_shows_a_person():
    assert Role.FUNDER not in PERSON_DATA_ROLES
    assert Role.FRONT_DESK in PERSON_DATA_ROLES


def test_anonymous_visitors_are_sent_to_login(client, hub):
    for url in [
        reverse("home"),
        reverse("partners:list"),
        reverse("team", kwargs={"hub": hub.slug}),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_a_user_of_one_hub_cannot_open_another_hubs_pages(client_for, hub, other_hub):
    manager = client_for(Role.MANAGER, hub)
    assert manager.get(reverse("team", kwargs={"hub": hub.slug})).status_code == 200
    assert manager.get(reverse("team", kwargs={"hub": other_hub.slug})).status_code == 404
    assert manager.get(reverse("hub_dashboard", kwargs={"hub": other_hub.slug})).status_code == 404


def test_a_user_cannot_read_a_partner_that_serves_only_another_hub(client_for, hub, other_hub):
    theirs = PartnerFactory(name="Only Kontula", hubs_served=[other_hub])
    ours = PartnerFactory(name="Serves Hervanta", hubs_served=[hub])
    desk = client_for(Role.FRONT_DESK, hub)
    assert desk.get(reverse("partners:detail", args=[ours.pk])).status_code == 200
    assert desk.get(reverse("partners:detail", args=[theirs.pk])).status_code == 404
    listing = desk.get(reverse("partners:list")).content.decode()
    assert "Serves Hervanta" in listing
    assert "Only Kontula" not in listing


def test_the_wrong_role_in_the_right_hub_is_refused(client_for, hub):
    desk = client_for(Role.FRONT_DESK, hub)
    assert desk.get(reverse("team", kwargs={"hub": hub.slug})).status_code == 404
    assert desk.get(reverse("partners:create")).status_code == 403
    funder = client_for(Role.FUNDER, hub)
    assert funder.get(reverse("partners:list")).status_code == 403


def test_a_removed_membership_stops_working_on_the_next_request(client_for, hub):
    manager = client_for(Role.MANAGER, hub)
    url = reverse("team", kwargs={"hub": hub.slug})
    assert manager.get(url).status_code == 200
    Membership.objects.filter(user=manager.user).update(is_active=False)
    assert manager.get(url).status_code == 404
