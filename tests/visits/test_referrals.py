import re

import pytest
from django.conf import settings
from django.core import signing
from django.urls import reverse

from kototori.models import OutboundMessage, Role
from tests.factories import PartnerFactory, PartnerServiceFactory, topic
from tests.visits.factories import ReferralFactory, VisitFactory
from visits.models import Referral
from visits.services import REFERRAL_SALT, referral_create, referral_token

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}


@pytest.fixture
def partner(hub):
    return PartnerFactory(name="Kela Hervanta", hubs_served=[hub], email="kela@example.org")


def test_front_desk_refers_a_visit_to_a_partner(desk, hub, partner):
    service = PartnerServiceFactory(partner=partner)
    visit = VisitFactory(hub=hub, topics=[topic("social_insurance")])
    url = reverse("visits:referral_create", kwargs={"hub": hub.slug})
    response = desk.post(
        url,
        {
            "partner": partner.pk,
            "service": service.pk,
            "topics": [topic("social_insurance").pk],
            "note": "Needs help applying for housing allowance",
            "visit": visit.pk,
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.status == "sent" and referral.visit == visit
    visit.refresh_from_db()
    assert visit.outcome == "referred"


def test_a_partner_of_another_hub_or_a_foreign_service_is_refused(desk, hub, other_hub, partner):
    foreign = PartnerFactory(hubs_served=[other_hub])
    url = reverse("visits:referral_create", kwargs={"hub": hub.slug})
    assert desk.post(url, {"partner": foreign.pk}).status_code == 400
    other_service = PartnerServiceFactory(partner=PartnerFactory(hubs_served=[hub]))
    response = desk.post(url, {"partner": partner.pk, "service": other_service.pk})
    assert response.status_code == 400
    assert "another partner" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_partner_closes_the_referral_through_its_link(client, hub, partner):
    referral = ReferralFactory(hub=hub, partner=partner, note="Housing allowance")
    url = reverse("visits:partner_referral", args=[referral_token(referral)])
    page = client.get(url)
    assert page.status_code == 200
    assert "Housing allowance" in page.content.decode()
    client.post(url, {"status": "completed", "feedback": "Application filed together."})
    referral.refresh_from_db()
    assert referral.status == "completed"
    assert referral.partner_feedback == "Application filed together."
    assert referral.closed_at and referral.updated_by_partner_at


def test_the_partner_link_shows_no_contact_details(client, hub, partner):
    from tests.visits.factories import VisitorFactory

    visitor = VisitorFactory(hub=hub, first_name="Secretname", phone="0401234567")
    referral = ReferralFactory(hub=hub, partner=partner, visitor=visitor)
    response = client.get(reverse("visits:partner_referral", args=[referral_token(referral)]))
    html = response.content.decode()
    assert "Secretname" not in html and "0401234567" not in html
    assert "no-store" in response["Cache-Control"]  # the referral itself is nobody's to keep


def test_a_tampered_link_gets_a_clear_message(client, hub, partner):
    referral = ReferralFactory(hub=hub, partner=partner)
    forged = signing.dumps({"r": referral.pk, "k": "guess"}, salt=REFERRAL_SALT)
    response = client.get(reverse("visits:partner_referral", args=[forged]), headers=ENGLISH)
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    response = client.post(
        reverse("visits:partner_referral", args=["nonsense"]), {"status": "no_show"}
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_an_expired_link_gets_a_clear_message(client, hub, partner, settings):
    referral = ReferralFactory(hub=hub, partner=partner)
    settings.REFERRAL_LINK_MAX_AGE_DAYS = -1
    url = reverse("visits:partner_referral", args=[referral_token(referral)])
    response = client.get(url, headers=ENGLISH)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_the_link_in_the_partners_message_opens_in_the_messages_language(
    client, hub, partner, make_member
):
    referral = referral_create(hub=hub, user=make_member(Role.FRONT_DESK, hub), partner=partner)
    body = OutboundMessage.objects.get(key=f"referral-sent:{referral.pk}").body
    link = re.search(r"https?://\S+", body).group(0)
    assert link.endswith(f"?lang={settings.LANGUAGE_CODE}")
    response = client.get(link.removeprefix(settings.SITE_URL), headers=ENGLISH)
    assert response.status_code == 200  # the signature holds with ?lang= beside it
    assert f'<html lang="{settings.LANGUAGE_CODE}"' in response.content.decode()


class TestPersonas:
    def test_staff_of_another_hub_cannot_open_the_referral(self, client_for, hub, other_hub):
        referral = ReferralFactory(hub=hub)
        theirs = client_for(Role.FRONT_DESK, other_hub)
        url = reverse("visits:referral_detail", kwargs={"hub": other_hub.slug, "pk": referral.pk})
        assert theirs.get(url).status_code == 404
        url = reverse("visits:referral_detail", kwargs={"hub": hub.slug, "pk": referral.pk})
        assert theirs.get(url).status_code == 404

    def test_a_coordinator_cannot_manage_referrals(self, client_for, hub):
        coordinator = client_for(Role.COORDINATOR, hub)
        assert (
            coordinator.get(reverse("visits:referrals", kwargs={"hub": hub.slug})).status_code
            == 404
        )

    def test_front_desk_lists_and_updates_referrals(self, desk, hub):
        referral = ReferralFactory(hub=hub)
        listing = desk.get(reverse("visits:referrals", kwargs={"hub": hub.slug}))
        assert str(referral.partner) in listing.content.decode()
        url = reverse("visits:referral_detail", kwargs={"hub": hub.slug, "pk": referral.pk})
        desk.post(url, {"status": "no_show", "feedback": ""})
        referral.refresh_from_db()
        assert referral.status == "no_show"

    def test_anonymous_is_sent_to_login(self, client, hub):
        assert client.get(reverse("visits:referrals", kwargs={"hub": hub.slug})).status_code == 302


@pytest.mark.parametrize("size", [2, 20])
def test_the_referral_list_runs_a_bounded_number_of_queries(
    desk, hub, django_assert_max_num_queries, size
):
    service = PartnerServiceFactory(partner=PartnerFactory(hubs_served=[hub]))
    for _ in range(size):
        ReferralFactory(hub=hub, partner=service.partner, service=service)
    with django_assert_max_num_queries(8):
        assert desk.get(reverse("visits:referrals", kwargs={"hub": hub.slug})).status_code == 200
