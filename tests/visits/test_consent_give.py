"""A visitor gives a consent after their record was made: one they did not give at first, or one
they withdrew and now give again. The record comes first: without it, nothing else is kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kototori.models import AccessLog, Role
from tests.visits.factories import VisitorFactory
from visits.models import Consent
from visits.services import consent_give, consent_withdraw

pytestmark = pytest.mark.django_db

S = Consent.Scope


@pytest.fixture
def visitor(hub):
    """A record, nothing else agreed yet (the factory gives the record consent)."""
    return VisitorFactory(hub=hub, first_name="Amal", message_language="ar")


def give_url(visitor, hub=None):
    slug = (hub or visitor.hub).slug
    return reverse("visits:consent_give", kwargs={"hub": slug, "pk": visitor.pk})


def detail_url(visitor):
    return reverse("visits:visitor_detail", kwargs={"hub": visitor.hub.slug, "pk": visitor.pk})


def active_scopes(visitor) -> set[str]:
    return set(visitor.consents.active().values_list("scope", flat=True))


@pytest.fixture
def desk(client_for, hub):
    return client_for(Role.FRONT_DESK, hub, preferred_language="en")


def test_the_record_page_offers_the_consents_not_given(desk, visitor):
    page = desk.get(detail_url(visitor)).content.decode()
    assert f"{give_url(visitor)}?scope=reminders" in page
    assert f"{give_url(visitor)}?scope=reporting" in page
    assert f"{give_url(visitor)}?scope=record" not in page  # already given


def test_the_page_shows_what_the_visitor_agrees_to_and_asks_the_language(desk, visitor):
    response = desk.get(give_url(visitor), {"scope": "reminders"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "We may send you reminders" in page
    assert "?lang=ar" in page  # the text in the visitor's own language, one click away
    assert active_scopes(visitor) == {S.RECORD}  # looking changed nothing


def test_the_desk_records_a_consent_with_who_and_which_language(desk, visitor):
    response = desk.post(give_url(visitor), {"scope": "reminders", "language": "ar"})
    assert response.status_code == 302 and response["Location"] == detail_url(visitor)
    consent = visitor.consents.get(scope=S.REMINDERS)
    assert (consent.recorded_by, consent.language, consent.is_active) == (desk.user, "ar", True)
    assert AccessLog.objects.filter(
        user=desk.user, subject_id=visitor.pk, purpose="consent"
    ).exists()
    page = desk.get(detail_url(visitor)).content.decode()
    assert f"{give_url(visitor)}?scope=reminders" not in page


def test_a_withdrawn_consent_can_be_given_again_and_the_withdrawal_stays_on_record(desk, visitor):
    first = consent_give(visitor=visitor, scope=S.REMINDERS, language="ar", by=desk.user)
    consent_withdraw(consent=first, by=desk.user)
    desk.post(give_url(visitor), {"scope": "reminders", "language": "fi"})
    reminders = list(visitor.consents.filter(scope=S.REMINDERS).order_by("pk"))
    assert [c.is_active for c in reminders] == [False, True]


def test_a_record_whose_consent_was_withdrawn_takes_the_record_consent_first(desk, visitor):
    consent_withdraw(consent=visitor.consents.get(scope=S.RECORD), by=desk.user)
    page = desk.get(detail_url(visitor)).content.decode()
    assert f"{give_url(visitor)}?scope=record" in page
    assert f"{give_url(visitor)}?scope=reminders" not in page
    response = desk.post(give_url(visitor), {"scope": "reminders", "language": "fi"})
    assert response.status_code == 400
    assert "First the visitor must agree to keeping a record" in response.content.decode()
    assert active_scopes(visitor) == set()
    desk.post(give_url(visitor), {"scope": "record", "language": "fi"})
    assert active_scopes(visitor) == {S.RECORD}  # no longer waiting to be erased


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scope": "record", "language": "fi"}, "already given this consent"),
        ({"scope": "everything", "language": "fi"}, "There is no such consent"),
        ({"language": "fi"}, "Choose which consent the visitor gives"),
        ({"scope": "reminders", "language": "xx"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_saves_nothing(desk, visitor, data, message):
    response = desk.post(give_url(visitor), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert visitor.consents.count() == 1


def test_giving_twice_makes_one_consent(desk, visitor):
    for _ in range(2):
        consent_give(visitor=visitor, scope=S.REPORTING, language="fi", by=desk.user)
    assert visitor.consents.filter(scope=S.REPORTING).count() == 1


def test_who_may_record_a_consent(client_for, hub, other_hub, visitor, client):
    for role in (Role.FRONT_DESK, Role.PROFESSIONAL, Role.MANAGER):
        assert (
            client_for(role, hub).get(give_url(visitor), {"scope": "reporting"}).status_code == 200
        )
    for role in (Role.ADVISOR, Role.FUNDER, Role.COORDINATOR):
        response = client_for(role, hub).post(give_url(visitor), {"scope": "reporting"})
        assert response.status_code in (403, 404)
    other = client_for(Role.FRONT_DESK, other_hub)
    assert other.post(give_url(visitor, other_hub), {"scope": "reporting"}).status_code == 404
    assert client.get(give_url(visitor)).status_code == 302  # to the login page
    assert active_scopes(visitor) == {S.RECORD}
