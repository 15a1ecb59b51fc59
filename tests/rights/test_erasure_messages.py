"""Erasure reaches the messages about the person through keys, never by searching the hub's text.

Four people share a first name here, in Arabic and in Latin script. Erasing one of them must leave
every message to or about the others as it was, sent or still waiting to go out.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kototori.messaging import message_enqueue
from kototori.models import Channel, OutboundMessage
from kototori.rights.services import visitor_erase
from tests.advisors.factories import CaseFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import PartnerFactory, UserFactory
from tests.visits.factories import VisitorFactory
from visits.services import referral_create

pytestmark = pytest.mark.django_db

LATER = timedelta(days=2)


def _messages_about(hub, visitor, name: str) -> dict[str, OutboundMessage]:
    """What the app queues about one person: the partner's e-mail about their referral (sent), a
    reminder to them (pending), and the advisor's follow-up reminder about their case (pending)."""
    partner = PartnerFactory(hubs_served=[hub], email="partner@example.org")
    staff = UserFactory()
    referral = referral_create(
        hub=hub, user=staff, partner=partner, visitor=visitor, note=f"{name} needs a flat"
    )
    referral_message = OutboundMessage.objects.get(key=f"referral-sent:{referral.pk}")
    referral_message.status = OutboundMessage.Status.SENT
    referral_message.save()
    reminder, _ = message_enqueue(
        key=f"visitor-reminder:{visitor.pk}",
        channel=Channel.SMS,
        to=visitor.phone,
        body=f"Hei {name}, muistathan huomisen ajan.",
        language="fi",
        hub=hub,
        about=visitor,
        send_after=timezone.now() + LATER,
    )
    case = CaseFactory(hub=hub, visitor=visitor, summary=f"{name}: housing")
    follow_up, _ = message_enqueue(
        key=f"follow-up:{case.pk}:2030-01-01",
        channel=Channel.EMAIL,
        to=staff.email,
        subject="A follow-up is due today",
        body=f"Today is the follow-up day of case {case.pk}: {name}: housing",
        language="en",
        hub=hub,
        send_after=timezone.now() + LATER,
    )
    return {"referral": referral_message, "reminder": reminder, "follow_up": follow_up}


@pytest.fixture
def saras(hub):
    """Four people called Sara: two write it سارة, two Sara. The first is erased."""
    people = [
        VisitorFactory(hub=hub, first_name="سارة", phone="+358 40 100 0001"),
        VisitorFactory(hub=hub, first_name="سارة", phone="+358 40 100 0002"),
        VisitorFactory(hub=hub, first_name="Sara", phone="+358 40 100 0003"),
        VisitorFactory(hub=hub, first_name="SARA", phone="+358 40 100 0004"),
    ]
    return [(person, _messages_about(hub, person, person.first_name)) for person in people]


def _fresh(message: OutboundMessage) -> OutboundMessage:
    return OutboundMessage.objects.get(pk=message.pk)


def test_erasing_one_sara_leaves_every_other_saras_messages_untouched(saras):
    (erased, _theirs), *others = saras
    before = {
        m.pk: (m.to, m.subject, m.body, m.status)
        for _person, messages in others
        for m in messages.values()
    }
    visitor_erase(visitor=erased)
    after = {
        pk: (m.to, m.subject, m.body, m.status)
        for pk, m in OutboundMessage.objects.in_bulk(list(before)).items()
    }
    assert after == before


def test_the_erased_persons_own_messages_are_emptied_and_the_pending_ones_never_go(saras):
    (erased, theirs), *_others = saras
    visitor_erase(visitor=erased)
    for message in map(_fresh, theirs.values()):
        assert (message.to, message.subject, message.body) == ("", "", ""), message.key
    assert _fresh(theirs["referral"]).status == OutboundMessage.Status.SENT
    assert _fresh(theirs["reminder"]).status == OutboundMessage.Status.CANCELLED
    assert _fresh(theirs["follow_up"]).status == OutboundMessage.Status.CANCELLED


def test_a_pending_reminder_to_someone_sharing_their_phone_still_goes_out(hub, saras):
    """A mother who signed up for an event with the family phone is not the visitor erased."""
    (erased, _theirs), *_others = saras
    registration = RegistrationFactory(
        event=EventFactory(hub=hub), name="Mother", phone=erased.phone, remind=True
    )
    reminder, _ = message_enqueue(
        key=f"event-reminder:{registration.pk}",
        channel=Channel.SMS,
        to=erased.phone,
        body="Muistutus: kielikahvila huomenna.",
        language="fi",
        hub=hub,
        send_after=timezone.now() + LATER,
    )
    visitor_erase(visitor=erased)
    reminder = _fresh(reminder)
    assert reminder.body and reminder.to == erased.phone
    assert reminder.status == OutboundMessage.Status.PENDING


def test_each_message_knows_what_it_is_about():
    """The outbox keys name the occasion; the row says which record it is about."""
    from kototori.messaging import about_from_key

    assert about_from_key("referral-sent:12") == ("visits.referral", 12)
    assert about_from_key("event-reminder:7") == ("events.registration", 7)
    assert about_from_key("case-escalated:3:1700000000:9") == ("visits.case", 3)
    assert about_from_key("follow-up:3:2030-01-01") == ("visits.case", 3)
    assert about_from_key("something-new:3") == ("", None)


def test_every_message_key_in_the_code_names_a_record_the_outbox_knows():
    """A new kind of message must say what it is about, or erasure could not find it."""
    import re
    from pathlib import Path

    from kototori.messaging import about_from_key

    root = Path(__file__).resolve().parents[2]
    prefixes = set()
    for app in ("kototori", "visits", "advisors", "events"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text()
            if "message_enqueue" not in source and "_notify(" not in source:
                continue
            prefixes |= set(re.findall(r'\bkey=f"([a-z-]+?)[:{]', source))
    assert {"referral-sent", "follow-up", "event-", "invite"} <= prefixes
    # "event-{occasion}:{pk}": the occasion varies, the prefix names the record.
    examples = {p: f"{p}reminder:1" if p.endswith("-") else f"{p}:1" for p in prefixes}
    unknown = {p for p, key in examples.items() if about_from_key(key)[1] is None}
    assert not unknown, f"message keys the outbox cannot tie to a record: {unknown}"


def test_the_migration_ties_existing_messages_to_their_records_and_leaves_unknown_ones(hub):
    """Rows from before the key existed: the backfill reads it from the idempotency key."""
    import importlib
    from pathlib import Path

    from django.apps import apps

    import kototori.migrations

    # Found by name, not number: migrations of parallel branches get renumbered when merged.
    (path,) = Path(kototori.migrations.__file__).parent.glob("*_message_about_*.py")
    backfill = importlib.import_module(f"kototori.migrations.{path.stem}")
    rows = {
        key: OutboundMessage.objects.create(
            key=key, channel=Channel.SMS, to="+358401", body="x", language="fi", hub=hub
        )
        for key in ("referral-sent:41", "event-reminder:42", "stale-remind:43:0", "legacy:44")
    }
    OutboundMessage.objects.filter(pk__in=[r.pk for r in rows.values()]).update(
        about_type="", about_id=None
    )
    backfill.link_messages(apps, None)
    found = {
        m.key: (m.about_type, m.about_id)
        for m in OutboundMessage.objects.filter(pk__in=[r.pk for r in rows.values()])
    }
    assert found == {
        "referral-sent:41": ("visits.referral", 41),
        "event-reminder:42": ("events.registration", 42),
        "stale-remind:43:0": ("visits.case", 43),
        "legacy:44": ("", None),
    }
