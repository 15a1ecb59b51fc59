from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from kototori.models import Role
from tests.factories import PartnerFactory, PartnerServiceFactory, language, topic
from tests.visits.factories import VisitFactory, VisitorFactory
from visits.models import Case, CaseNote, Consent, QueueEntry, Referral, Visit, Visitor
from visits.services import (
    QueueMoveError,
    case_open,
    queue_add,
    queue_call_next,
    queue_entry_move,
    referral_create,
    referral_from_token,
    referral_token,
    visit_log,
    visit_undo,
    visitor_create,
    visitor_merge,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(make_member, hub):
    return make_member(Role.FRONT_DESK, hub)


def test_a_visit_logged_twice_with_one_key_is_logged_once(hub, user):
    first, created = visit_log(hub=hub, user=user, topics=[topic("housing")], idempotency_key="k1")
    again, created_again = visit_log(
        hub=hub, user=user, topics=[topic("health")], idempotency_key="k1"
    )
    assert created and not created_again
    assert first.pk == again.pk
    assert Visit.objects.count() == 1
    assert list(first.topics.values_list("key", flat=True)) == ["housing"]


def test_a_visit_is_anonymous_and_keeps_its_local_day(hub, user):
    visit, _ = visit_log(hub=hub, user=user, topics=[topic("housing")])
    assert visit.visitor is None
    assert visit.day == timezone.localdate(visit.visited_at)
    assert visit.served_by == user


def test_a_visit_can_be_undone_by_its_author_for_a_short_while(hub, user, make_member, settings):
    settings.VISIT_UNDO_SECONDS = 120
    visit, _ = visit_log(hub=hub, user=user, topics=[topic("housing")])
    colleague = make_member(Role.FRONT_DESK, hub)
    assert not visit_undo(visit=visit, user=colleague)
    Visit.objects.filter(pk=visit.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    visit.refresh_from_db()
    assert not visit_undo(visit=visit, user=user)
    fresh, _ = visit_log(hub=hub, user=user, topics=[topic("housing")])
    assert visit_undo(visit=fresh, user=user)
    assert not Visit.objects.filter(pk=fresh.pk).exists()


def test_ticket_numbers_count_up_per_hub_and_start_again_each_day(hub, other_hub):
    assert queue_add(hub=hub)[0].number == 1
    assert queue_add(hub=hub)[0].number == 2
    assert queue_add(hub=other_hub)[0].number == 1
    QueueEntry.objects.update(day=timezone.localdate() - timedelta(days=1))
    assert queue_add(hub=hub)[0].number == 1


def test_a_resent_kiosk_form_gives_the_same_ticket(hub):
    first, created = queue_add(hub=hub, idempotency_key="abc")
    again, created_again = queue_add(hub=hub, idempotency_key="abc")
    assert created and not created_again and first.pk == again.pk


def test_call_next_calls_the_longest_waiting_ticket(hub, user):
    queue_add(hub=hub)
    queue_add(hub=hub)
    called = queue_call_next(hub=hub, user=user)
    assert called.number == 1
    assert called.status == QueueEntry.Status.CALLED
    assert called.called_at is not None
    assert queue_call_next(hub=hub, user=user).number == 2
    assert queue_call_next(hub=hub, user=user) is None


def test_done_logs_the_visit_and_keeps_every_timestamp(hub, user):
    entry, _ = queue_add(hub=hub, topics=[topic("housing")], language=language("ar"))
    QueueEntry.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(minutes=12))
    entry = queue_call_next(hub=hub, user=user)
    entry = queue_entry_move(entry=entry, status=QueueEntry.Status.SERVING, user=user)
    entry = queue_entry_move(entry=entry, status=QueueEntry.Status.DONE, user=user)
    assert entry.created_at < entry.called_at <= entry.served_at <= entry.done_at
    assert entry.waited_minutes == 12
    visit = entry.visit
    assert visit.outcome == "advice"
    assert visit.language.code == "ar"
    assert [t.key for t in visit.topics.all()] == ["housing"]


def test_a_ticket_that_left_logs_a_left_visit(hub, user):
    entry, _ = queue_add(hub=hub)
    entry = queue_entry_move(entry=entry, status=QueueEntry.Status.LEFT, user=user)
    assert entry.left_at and entry.visit.outcome == "left"


def test_a_ticket_cannot_move_backwards_or_twice(hub, user):
    entry, _ = queue_add(hub=hub)
    queue_entry_move(entry=entry, status=QueueEntry.Status.LEFT, user=user)
    with pytest.raises(QueueMoveError):
        queue_entry_move(entry=entry, status=QueueEntry.Status.DONE, user=user)
    with pytest.raises(QueueMoveError):
        queue_entry_move(entry=entry, status=QueueEntry.Status.LEFT, user=user)
    assert Visit.objects.count() == 1


def test_no_consent_no_visitor_record(hub, user):
    with pytest.raises(ValueError):
        visitor_create(
            hub=hub,
            user=user,
            consent_scopes=[Consent.Scope.REMINDERS],
            consent_language="ar",
            first_name="Amal",
        )
    assert not Visitor.objects.exists()


def test_a_visitor_record_stores_the_consent_and_links_the_visit(hub, user):
    visit = VisitFactory(hub=hub)
    visitor = visitor_create(
        hub=hub,
        user=user,
        consent_scopes=[Consent.Scope.RECORD, Consent.Scope.REMINDERS],
        consent_language="ar",
        languages=[language("ar")],
        visit=visit,
        first_name="Amal",
        phone="040 123 4567",
    )
    consents = list(visitor.consents.order_by("scope"))
    assert [c.scope for c in consents] == ["record", "reminders"]
    assert all(c.language == "ar" and c.recorded_by == user and c.text_version for c in consents)
    visit.refresh_from_db()
    assert visit.visitor == visitor
    assert visitor.phone_digits == "0401234567"


def test_merging_moves_everything_to_the_kept_record(hub, user):
    keep = VisitorFactory(hub=hub, first_name="Amal", phone="")
    duplicate = VisitorFactory(hub=hub, first_name="Amal A.", phone="0401112222")
    VisitFactory(hub=hub, visitor=duplicate)
    visitor_merge(keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    assert keep.visits.count() == 1
    assert keep.consents.count() == 2
    assert keep.phone == "0401112222"
    assert not Visitor.objects.filter(pk=duplicate.pk).exists()


def test_records_of_two_hubs_are_never_merged(hub, other_hub):
    with pytest.raises(ValueError):
        visitor_merge(keep=VisitorFactory(hub=hub), duplicate=VisitorFactory(hub=other_hub))


def test_a_referral_e_mails_the_partner_its_link_once(hub, user):
    from kototori.models import OutboundMessage

    partner = PartnerFactory(email="kela@example.org", hubs_served=[hub])
    referral = referral_create(
        hub=hub, user=user, partner=partner, service=PartnerServiceFactory(partner=partner)
    )
    message = OutboundMessage.objects.get(key=f"referral-sent:{referral.pk}")
    assert message.to == "kela@example.org"
    assert "/r/" in message.body


def test_a_referral_link_is_refused_when_tampered_expired_or_revoked(hub, user, settings):
    referral = referral_create(hub=hub, user=user, partner=PartnerFactory(hubs_served=[hub]))
    token = referral_token(referral)
    assert referral_from_token(token) == referral
    with pytest.raises(signing.BadSignature):
        referral_from_token(token[:-2] + "xx")
    settings.REFERRAL_LINK_MAX_AGE_DAYS = -1
    with pytest.raises(signing.SignatureExpired):
        referral_from_token(token)
    settings.REFERRAL_LINK_MAX_AGE_DAYS = 60
    Referral.objects.filter(pk=referral.pk).update(link_key="new")
    with pytest.raises(signing.BadSignature):
        referral_from_token(token)


def test_an_opened_case_waits_in_the_pool(hub, user):
    visit = VisitFactory(hub=hub, visitor=VisitorFactory(hub=hub))
    case = case_open(
        hub=hub,
        user=user,
        topics=[topic("housing")],
        languages=[language("ar")],
        summary="Needs help with a housing application",
        visit=visit,
    )
    assert case in Case.objects.in_pool()
    assert case.visitor == visit.visitor
    assert case.notes.get().kind == CaseNote.Kind.OPENED
    visit.refresh_from_db()
    assert visit.outcome == "case"


def test_first_names_typed_at_the_kiosk_are_forgotten_after_the_day(hub):
    from visits.tasks import forget_queue_names

    old, _ = queue_add(hub=hub, first_name="Zainab")
    QueueEntry.objects.filter(pk=old.pk).update(day=timezone.localdate() - timedelta(days=1))
    today, _ = queue_add(hub=hub, first_name="Hodan")
    forget_queue_names.delay()
    old.refresh_from_db()
    today.refresh_from_db()
    assert old.first_name == "" and today.first_name == "Hodan"
    assert forget_queue_names() == 0  # nothing left: running again changes nothing


def test_reports_get_the_waiting_time_of_each_ticket(hub, user):
    called, _ = queue_add(hub=hub)
    gone, _ = queue_add(hub=hub)
    earlier = timezone.now() - timedelta(minutes=9)
    QueueEntry.objects.update(created_at=earlier)
    queue_call_next(hub=hub, user=user)
    queue_entry_move(entry=gone, status=QueueEntry.Status.LEFT, user=user)
    waits = dict(QueueEntry.objects.with_waiting().values_list("number", "waiting"))
    assert timedelta(minutes=9) <= waits[called.number] < timedelta(minutes=10)
    assert timedelta(minutes=9) <= waits[gone.number] < timedelta(minutes=10)
