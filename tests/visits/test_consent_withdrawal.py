"""A visitor withdraws a consent (GDPR art. 7(3)): the staff record it on the visitor's page, it
stops what it allowed, and a record without any consent is erased."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kototori.models import AccessLog, Role
from kototori.rights.retention import retention_apply
from tests.factories import topic
from tests.visits.factories import VisitFactory, VisitorFactory
from visits.models import Consent, Visitor
from visits.services import consent_withdraw

pytestmark = pytest.mark.django_db

S = Consent.Scope


@pytest.fixture
def visitor(hub):
    """A visitor who agreed to all three: a record, reminders and anonymous reports."""
    person = VisitorFactory(hub=hub, first_name="Amal", birth_year=1990, gender="woman")
    for scope in (S.REMINDERS, S.REPORTING):
        Consent.objects.create(visitor=person, scope=scope, language="ar")
    return person


def withdraw_url(visitor, hub=None):
    slug = (hub or visitor.hub).slug
    return reverse("visits:consent_withdraw", kwargs={"hub": slug, "pk": visitor.pk})


def detail_url(visitor):
    return reverse("visits:visitor_detail", kwargs={"hub": visitor.hub.slug, "pk": visitor.pk})


def active_scopes(visitor) -> set[str]:
    return set(visitor.consents.active().values_list("scope", flat=True))


# The record page and the confirmation step


def test_the_record_page_offers_to_withdraw_each_active_consent(desk, visitor):
    page = desk.get(detail_url(visitor)).content.decode()
    for scope in S.values:
        assert f"{withdraw_url(visitor)}?scope={scope}" in page


def test_withdrawing_asks_first_and_says_what_it_will_stop(desk, visitor):
    response = desk.get(withdraw_url(visitor), {"scope": "reminders"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "No more reminders are sent to the visitor" in page
    assert 'name="csrfmiddlewaretoken"' in page and 'value="reminders"' in page
    assert active_scopes(visitor) == set(S.values)  # asking changed nothing


def test_front_desk_records_a_withdrawal_and_the_page_shows_when_and_who(desk, visitor):
    response = desk.post(withdraw_url(visitor), {"scope": "reminders"})
    assert response.status_code == 302 and response["Location"] == detail_url(visitor)
    consent = visitor.consents.get(scope=S.REMINDERS)
    assert consent.withdrawn_by == desk.user
    assert timezone.now() - consent.withdrawn_at < timedelta(minutes=1)
    assert active_scopes(visitor) == {S.RECORD, S.REPORTING}
    page = desk.get(detail_url(visitor)).content.decode()
    assert "withdrawn" in page and str(desk.user) in page
    assert f"{withdraw_url(visitor)}?scope=reminders" not in page
    assert f"{withdraw_url(visitor)}?scope=reporting" in page


def test_the_withdrawal_is_in_the_access_log(desk, visitor):
    desk.post(withdraw_url(visitor), {"scope": "reporting"})
    assert AccessLog.objects.filter(
        user=desk.user, subject_id=visitor.pk, purpose="consent withdrawal"
    ).exists()


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.MANAGER])
def test_professionals_and_the_manager_can_withdraw_too(client_for, hub, visitor, role):
    staff = client_for(role, hub)
    assert staff.get(withdraw_url(visitor), {"scope": "reporting"}).status_code == 200
    assert staff.post(withdraw_url(visitor), {"scope": "reporting"}).status_code == 302
    assert visitor.consents.get(scope=S.REPORTING).withdrawn_by == staff.user


# Idempotency


def test_withdrawing_twice_changes_nothing_and_does_not_fail(desk, client_for, hub, visitor):
    consent = visitor.consents.get(scope=S.REMINDERS)
    first = consent_withdraw(consent=consent, by=desk.user)
    assert [c.pk for c in first] == [consent.pk]
    consent.refresh_from_db()
    when = consent.withdrawn_at
    assert consent_withdraw(consent=consent, by=None) == []
    manager = client_for(Role.MANAGER, hub)
    again = manager.post(withdraw_url(visitor), {"scope": "reminders"}, follow=True)
    assert again.status_code == 200
    assert "already withdrawn" in again.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at == when and consent.withdrawn_by == desk.user


def test_a_merge_that_left_two_consents_of_a_scope_withdraws_both(desk, hub, visitor):
    Consent.objects.create(visitor=visitor, scope=S.REMINDERS, language="fi")
    desk.post(withdraw_url(visitor), {"scope": "reminders"})
    assert not visitor.consents.active().filter(scope=S.REMINDERS).exists()


# The effects


def test_after_withdrawing_reminders_the_visitor_is_no_longer_one_to_remind(desk, visitor):
    assert visitor.consents_to(S.REMINDERS)
    assert Visitor.objects.consenting_to(S.REMINDERS).filter(pk=visitor.pk).exists()
    desk.post(withdraw_url(visitor), {"scope": "reminders"})
    assert not visitor.consents_to(S.REMINDERS)
    assert not Visitor.objects.consenting_to(S.REMINDERS).filter(pk=visitor.pk).exists()
    # The other consents still hold.
    assert Visitor.objects.consenting_to(S.REPORTING).filter(pk=visitor.pk).exists()


def test_withdrawing_the_record_withdraws_every_consent_and_says_when_it_is_erased(
    desk, hub, visitor
):
    confirm = desk.get(withdraw_url(visitor), {"scope": "record"}).content.decode()
    assert "erases the record at its first run after" in confirm
    assert "ask your hub manager" in confirm  # the front desk may not erase at once
    assert reverse("rights:visitor_erase", kwargs={"hub": hub.slug, "pk": visitor.pk}) not in (
        confirm
    )
    desk.post(withdraw_url(visitor), {"scope": "record"})
    assert active_scopes(visitor) == set()
    page = desk.get(detail_url(visitor))
    withdrawn_at = visitor.consents.get(scope=S.RECORD).withdrawn_at
    # The hub's default withdrawn_consent_days; the retention job erases at its next run after.
    assert page.context["erasure_due"] == withdrawn_at + timedelta(days=30)
    assert "Every consent of this record is withdrawn" in page.content.decode()


def test_a_record_whose_consent_was_withdrawn_is_erased_by_the_retention_job(desk, hub, visitor):
    VisitFactory(hub=hub, visitor=visitor, topics=[topic("housing")])
    desk.post(withdraw_url(visitor), {"scope": "record"})
    retention_apply(hub=hub, now=timezone.now() + timedelta(days=29))
    assert Visitor.objects.filter(pk=visitor.pk).exists()
    retention_apply(hub=hub, now=timezone.now() + timedelta(days=31))
    assert not Visitor.objects.filter(pk=visitor.pk).exists()


def test_those_who_may_erase_are_offered_to_erase_at_once(client_for, hub, visitor):
    manager = client_for(Role.MANAGER, hub)
    erase = reverse("rights:visitor_erase", kwargs={"hub": hub.slug, "pk": visitor.pk})
    assert erase in manager.get(withdraw_url(visitor), {"scope": "record"}).content.decode()
    manager.post(withdraw_url(visitor), {"scope": "record"})
    assert erase in manager.get(detail_url(visitor)).content.decode()


# Who may


@pytest.mark.parametrize(
    "role", [Role.FUNDER, Role.ADVISOR, Role.EXPERT, Role.COORDINATOR], ids=str
)
def test_roles_that_do_not_manage_visitors_are_refused_and_change_nothing(
    client_for, hub, visitor, role
):
    outsider = client_for(role, hub)
    assert outsider.get(withdraw_url(visitor), {"scope": "record"}).status_code == 404
    assert outsider.post(withdraw_url(visitor), {"scope": "record"}).status_code == 404
    assert active_scopes(visitor) == set(S.values)


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.MANAGER], ids=str)
def test_the_same_role_in_another_hub_gets_not_found_and_changes_nothing(
    client_for, other_hub, visitor, role
):
    elsewhere = client_for(role, other_hub)
    for url in (withdraw_url(visitor), withdraw_url(visitor, hub=other_hub)):
        assert elsewhere.get(url, {"scope": "reminders"}).status_code == 404
        assert elsewhere.post(url, {"scope": "reminders"}).status_code == 404
    assert active_scopes(visitor) == set(S.values)


def test_anonymous_visitors_are_sent_to_log_in(client, visitor):
    response = client.post(withdraw_url(visitor), {"scope": "record"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert active_scopes(visitor) == set(S.values)


def test_once_every_consent_is_withdrawn_the_page_offers_no_more_withdrawals(desk, visitor):
    desk.post(withdraw_url(visitor), {"scope": "record"})
    page = desk.get(detail_url(visitor)).content.decode()
    assert withdraw_url(visitor) not in page


# Bad input


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose which consent the visitor withdraws."),
        ({"scope": ""}, "Choose which consent the visitor withdraws."),
        ({"scope": "marketing"}, "There is no such consent."),
        ({"scope": "record\x00"}, "There is no such consent."),
        ({"scope": "x" * 5000}, "There is no such consent."),
    ],
)
def test_a_missing_or_unknown_scope_is_refused_clearly_and_nothing_is_saved(
    desk, visitor, data, message
):
    for response in (desk.post(withdraw_url(visitor), data), desk.get(withdraw_url(visitor), data)):
        assert response.status_code == 400
        assert message in response.content.decode()
    assert active_scopes(visitor) == set(S.values)


def test_a_consent_the_visitor_never_gave_cannot_be_withdrawn(desk, hub):
    only_record = VisitorFactory(hub=hub)
    response = desk.post(withdraw_url(only_record), {"scope": "reminders"})
    assert response.status_code == 400
    assert "The visitor has not given this consent." in response.content.decode()
    assert not only_record.consents.filter(withdrawn_at__isnull=False).exists()


def test_other_methods_are_not_allowed(desk, visitor):
    assert desk.put(withdraw_url(visitor)).status_code == 405


# Queries


@pytest.mark.parametrize(("size", "withdrawn"), [(1, False), (8, False), (8, True)])
def test_the_record_page_runs_a_bounded_number_of_queries(
    desk, hub, visitor, django_assert_max_num_queries, size, withdrawn
):
    for _ in range(size):
        Consent.objects.create(visitor=visitor, scope=S.REMINDERS, language="fi")
        VisitFactory(hub=hub, visitor=visitor, topics=[topic("housing")])
    if withdrawn:
        desk.post(withdraw_url(visitor), {"scope": "record"})
    with django_assert_max_num_queries(15):
        response = desk.get(detail_url(visitor))
    assert response.status_code == 200


# Two desks at once


def _withdraw(consent_pk: int, user_pk: int) -> list[int]:
    from django.db import connection

    from kototori.models import User

    try:
        consent = Consent.objects.get(pk=consent_pk)
        done = consent_withdraw(consent=consent, by=User.objects.get(pk=user_pk))
        return [c.pk for c in done]
    finally:
        connection.close()


# Transactional: threads need committed rows. The autouse _reference_data fixture (tests/conftest.py)
# puts back the seeded topics and languages a flush removed; serialized_rollback would instead clash
# with the content types a flush recreates (IntegrityError when it runs after another such test).
@pytest.mark.django_db(transaction=True)
def test_withdrawals_pressed_at_the_same_moment_are_recorded_once(hub, make_member):
    from concurrent.futures import ThreadPoolExecutor

    person = VisitorFactory(hub=hub)
    for scope in (S.REMINDERS, S.REPORTING):
        Consent.objects.create(visitor=person, scope=scope, language="fi")
    desks = [make_member(Role.FRONT_DESK, hub) for _ in range(4)]
    targets = [person.consents.get(scope=s).pk for s in (S.RECORD, S.REMINDERS)] * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda n: _withdraw(targets[n], desks[n % 4].pk), range(len(targets)))
        )
    withdrawn = sorted(pk for done in results for pk in done)
    assert withdrawn == sorted(person.consents.values_list("pk", flat=True))  # each exactly once
    for consent in person.consents.all():
        assert consent.withdrawn_at is not None and consent.withdrawn_by_id in {d.pk for d in desks}
