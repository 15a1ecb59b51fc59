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
    # Another referral's number in the real link's payload: the signature no longer matches.
    token = referral_token(referral)
    rest = token.split(":", 1)[1]
    other = signing.dumps({"r": referral.pk + 1, "k": referral.link_key}, salt=REFERRAL_SALT)
    forged = other.split(":", 1)[0] + ":" + rest
    assert forged != token
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


def partner_url(referral) -> str:
    return reverse("visits:partner_referral", args=[referral_token(referral)])


def detail_url(referral) -> str:
    return reverse("visits:referral_detail", kwargs={"hub": referral.hub.slug, "pk": referral.pk})


def revoke_url(referral) -> str:
    return reverse(
        "visits:referral_link_revoke", kwargs={"hub": referral.hub.slug, "pk": referral.pk}
    )


def new_link_url(referral) -> str:
    return reverse("visits:referral_link_new", kwargs={"hub": referral.hub.slug, "pk": referral.pk})


def link_on_page(html: str) -> str | None:
    match = re.search(r'value="(https?://[^"]+/r/[^"]+)"', html)
    return match.group(1).removeprefix("http://testserver") if match else None


def key_of(link: str) -> str:
    """The referral key a link opens (its text also carries the time it was signed)."""
    token = re.search(r"/r/([^/?]+)/", link).group(1)
    return signing.loads(token, salt=REFERRAL_SALT)["k"]


class TestRevokingTheLink:
    def test_front_desk_revokes_the_link_after_confirming_and_sees_when(
        self, desk, client, hub, partner
    ):
        referral = ReferralFactory(hub=hub, partner=partner, note="Housing allowance")
        link = partner_url(referral)
        page = desk.get(detail_url(referral)).content.decode()
        form = re.search(rf'<form[^>]*action="{revoke_url(referral)}".*?</form>', page, re.S)
        assert form and "data-confirm=" in form.group(0)  # the button asks first
        assert desk.post(revoke_url(referral)).status_code == 302
        referral.refresh_from_db()
        assert referral.link_revoked_at is not None
        assert referral.link_revoked_by == desk.user
        page = desk.get(detail_url(referral)).content.decode()
        assert "Link revoked on" in page
        assert link_on_page(page) is None  # nothing left to copy
        gone = client.get(link, headers=ENGLISH)
        assert gone.status_code == 410
        html = gone.content.decode()
        assert "withdrawn" in html
        assert "Housing allowance" not in html
        assert client.post(link, {"status": "completed", "feedback": "x"}).status_code == 410
        referral.refresh_from_db()
        assert referral.status == "sent" and referral.partner_feedback == ""

    def test_the_revoked_page_speaks_the_partners_language(self, desk, client, hub, partner):
        referral = ReferralFactory(hub=hub, partner=partner)
        link = partner_url(referral)
        desk.post(revoke_url(referral))
        html = client.get(link, headers={"accept-language": "sv"}).content.decode()
        assert '<html lang="sv"' in html

    def test_a_new_link_works_is_sent_to_the_partner_and_the_old_one_stays_dead(
        self, desk, client, hub, partner
    ):
        referral = ReferralFactory(hub=hub, partner=partner)
        old = partner_url(referral)
        desk.post(revoke_url(referral))
        assert desk.post(new_link_url(referral)).status_code == 302
        referral.refresh_from_db()
        assert referral.link_revoked_at is None
        new = link_on_page(desk.get(detail_url(referral)).content.decode())
        assert new and key_of(new) != key_of(old)
        assert client.get(new).status_code == 200
        assert client.get(old, headers=ENGLISH).status_code == 410
        sent = OutboundMessage.objects.get(key__startswith=f"referral-link:{referral.pk}:")
        assert sent.to == partner.email
        assert key_of(re.search(r"https?://\S+", sent.body).group(0)) == key_of(new)
        desk.post(new_link_url(referral))  # a double-click issues and sends one link
        assert key_of(link_on_page(desk.get(detail_url(referral)).content.decode())) == key_of(new)
        assert OutboundMessage.objects.filter(key__startswith="referral-link:").count() == 1
        desk.post(revoke_url(referral))
        desk.post(new_link_url(referral))
        assert OutboundMessage.objects.filter(key__startswith="referral-link:").count() == 2

    @pytest.mark.parametrize("status", ["completed", "no_show"])
    def test_the_link_expires_when_the_referral_closes(self, desk, client, hub, partner, status):
        referral = ReferralFactory(hub=hub, partner=partner, note="Housing allowance")
        link = partner_url(referral)
        desk.post(detail_url(referral), {"status": status, "feedback": ""})
        closed = client.get(link, headers=ENGLISH)
        assert closed.status_code == 410
        html = closed.content.decode()
        assert "closed" in html and "Housing allowance" not in html
        page = desk.get(detail_url(referral)).content.decode()
        assert "The link expired when the referral was closed" in page
        # Reopened by the hub, the same link works again.
        desk.post(detail_url(referral), {"status": "accepted", "feedback": ""})
        assert client.get(link).status_code == 200

    def test_the_partner_who_closes_it_is_thanked_on_the_closed_page(self, client, hub, partner):
        referral = ReferralFactory(hub=hub, partner=partner)
        response = client.post(
            partner_url(referral),
            {"status": "completed", "feedback": "Done."},
            headers=ENGLISH,
            follow=True,
        )
        html = response.content.decode()
        assert "Thank you. The hub can now see the update." in html
        assert response.status_code == 410 and "closed" in html

    def test_only_the_roles_that_manage_referrals_revoke_in_their_own_hub(
        self, client_for, client, hub, other_hub
    ):
        referral = ReferralFactory(hub=hub)
        for url in (revoke_url(referral), new_link_url(referral)):
            assert client_for(Role.COORDINATOR, hub).post(url).status_code == 404
            assert client_for(Role.FRONT_DESK, other_hub).post(url).status_code == 404
            assert client.post(url).status_code == 302  # to the login page
            assert client_for(Role.PROFESSIONAL, hub).get(url).status_code == 405
        referral.refresh_from_db()
        assert referral.link_revoked_at is None
        assert client_for(Role.MANAGER, hub).post(revoke_url(referral)).status_code == 302
        referral.refresh_from_db()
        assert referral.link_revoked_at is not None


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
