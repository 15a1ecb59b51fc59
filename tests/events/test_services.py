import re
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from events.models import Group, Registration, Status
from events.services import (
    RegistrationClosed,
    SignUp,
    attendance_split,
    event_cancel,
    event_capacity_set,
    event_head_count_set,
    event_no_shows_mark,
    event_publish,
    registration_attendance_set,
    registration_cancel,
    registration_create,
    registration_from_cancel_token,
    reminders_send,
)
from kototori.messaging import messages_deliver
from kototori.models import OutboundMessage
from kototori.sms import LocmemBackend
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def deliver():
    """What the outbox worker does after the commit."""
    return messages_deliver()


def sign_up(event, name="Amina", **fields):
    return registration_create(event=event, signup=SignUp(name=name, **fields))[0]


def test_sign_ups_are_confirmed_until_the_places_run_out_then_wait(event):
    first = sign_up(event, "A")
    second = sign_up(event, "B")
    third = sign_up(event, "C")
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waiting"]


def test_a_party_counts_every_person_against_the_places(event):
    family = sign_up(event, "Family", party_size=2)
    single = sign_up(event, "Single")
    assert family.status == "confirmed"
    assert single.status == "waiting"


def test_the_same_form_token_twice_registers_once(event):
    token = uuid.uuid4()
    first, created = registration_create(event=event, signup=SignUp(name="A"), token=token)
    again, created_again = registration_create(event=event, signup=SignUp(name="A"), token=token)
    assert created and not created_again
    assert first.pk == again.pk
    assert event.registrations.count() == 1


def test_a_cancellation_promotes_the_first_person_waiting_and_tells_them_once(event):
    a = sign_up(event, "A")
    sign_up(event, "B")
    waiting = sign_up(event, "C", email="c@example.org", language="ar")
    deliver()
    mail.outbox.clear()
    promoted = registration_cancel(registration=a)
    assert [r.pk for r in promoted] == [waiting.pk]
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    deliver()
    assert len(mail.outbox) == 1
    # Cancelling again changes nothing and sends nothing.
    assert registration_cancel(registration=a) == []
    deliver()
    assert len(mail.outbox) == 1
    assert OutboundMessage.objects.filter(key=f"event-promoted:{waiting.pk}").count() == 1


def test_a_big_party_waits_while_a_smaller_one_behind_it_fits(event):
    a = sign_up(event, "A")
    sign_up(event, "B")
    big = sign_up(event, "Big", party_size=2)
    small = sign_up(event, "Small")
    registration_cancel(registration=a)
    big.refresh_from_db()
    small.refresh_from_db()
    assert big.status == "waiting"
    assert small.status == "confirmed"


def test_more_places_promote_people_waiting(event):
    sign_up(event, "A")
    sign_up(event, "B")
    waiting = sign_up(event, "C")
    event_capacity_set(event=event, capacity=3)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_events_without_a_limit_never_fill(hub):
    event = EventFactory(hub=hub, capacity=None)
    assert all(sign_up(event, str(i)).status == "confirmed" for i in range(30))


@pytest.mark.parametrize(
    "change",
    [
        {"status": Status.DRAFT},
        {"status": Status.CANCELLED},
        {"registration_required": False},
    ],
)
def test_drafts_cancelled_and_open_events_take_no_sign_ups(hub, change):
    event = EventFactory(hub=hub, **change)
    with pytest.raises(RegistrationClosed):
        sign_up(event)


def test_past_events_take_no_sign_ups(hub):
    start = timezone.now() - timedelta(days=2)
    event = EventFactory(hub=hub, starts_at=start, ends_at=start + timedelta(hours=1))
    with pytest.raises(RegistrationClosed):
        sign_up(event)


def test_a_walk_in_is_confirmed_and_checked_in_even_when_full(event):
    sign_up(event, "A")
    sign_up(event, "B")
    walk_in, _ = registration_create(
        event=event, signup=SignUp(name="Door", group=Group.RESIDENT), walk_in=True
    )
    assert walk_in.status == "confirmed"
    assert walk_in.attendance == "came"
    assert attendance_split(event)["residents"] == 1


def test_the_confirmation_is_in_the_registrants_language_with_a_working_cancel_link(event):
    registration = sign_up(event, "Amina", email="amina@example.org", language="en")
    deliver()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert event.title_en in message.subject
    assert "Amina" in message.body
    # The token carries its signing time: compare what it opens, not its text.
    signed = re.search(r"/e/cancel/([^/]+)/", message.body).group(1)
    assert registration_from_cancel_token(signed) == registration
    assert registration_from_cancel_token("forged") is None


def links_in(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


@pytest.mark.parametrize("occasion", ["confirmed", "waiting", "promoted", "reminder"])
def test_every_link_in_a_message_names_the_registrants_language(hub, occasion):
    event = EventFactory(hub=hub, capacity=1, starts_at=timezone.now() + timedelta(hours=2))
    if occasion in ("waiting", "promoted"):
        first = sign_up(event, "First")
    registration = sign_up(event, "Amina", phone="+358401234567", language="ar", remind=True)
    if occasion == "promoted":
        registration_cancel(registration=first)
    body = OutboundMessage.objects.get(key=f"event-{occasion}:{registration.pk}").body
    links = links_in(body)
    assert links
    for link in links:
        assert link.endswith("?lang=ar"), link
    (cancel_link,) = [link for link in links if "/cancel/" in link]
    signed = cancel_link.split("/cancel/")[1].split("/")[0]
    assert registration_from_cancel_token(signed) == registration


def test_a_message_link_opens_in_the_registrants_language_whatever_the_browser_says(event, client):
    registration = sign_up(event, "Amina", email="amina@example.org", language="ar")
    body = OutboundMessage.objects.get(key=f"event-confirmed:{registration.pk}").body
    (cancel_link,) = [link for link in links_in(body) if "/cancel/" in link]
    page = client.get(
        cancel_link.removeprefix(settings.SITE_URL), headers={"accept-language": "en"}
    )
    assert page.status_code == 200  # the signature still holds with ?lang= beside it
    html = page.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "Amina" in html


def test_a_phone_number_gets_an_sms_and_no_contact_gets_nothing(event):
    sign_up(event, "Sms", phone="+358401234567")
    sign_up(event, "Nobody")
    deliver()
    assert len(LocmemBackend.outbox) == 1
    assert LocmemBackend.outbox[0]["to"] == "+358401234567"
    deliver()
    assert len(mail.outbox) == 0


def test_publishing_puts_a_draft_on_the_calendar(hub):
    event = EventFactory(hub=hub, status=Status.DRAFT)
    event_publish(event=event)
    event.refresh_from_db()
    assert event.status == "published"
    assert event.published_at is not None


def test_cancelling_an_event_tells_everyone_signed_up_or_waiting_once(event):
    sign_up(event, "A", email="a@example.org", language="en")
    sign_up(event, "B", phone="+358401111111", language="en")
    sign_up(event, "C", email="c@example.org", language="en")  # waiting
    deliver()
    mail.outbox.clear()
    LocmemBackend.outbox.clear()
    assert event_cancel(event=event) == 3
    assert event_cancel(event=event) == 0
    deliver()
    assert len(mail.outbox) == 2
    deliver()
    assert len(LocmemBackend.outbox) == 1
    assert "cancelled" in mail.outbox[0].subject.lower()


def test_reminders_go_out_once_inside_the_hubs_window(hub):
    hub.event_reminder_hours = 24
    hub.save()
    soon = EventFactory(hub=hub, starts_at=timezone.now() + timedelta(hours=5))
    later = EventFactory(hub=hub, starts_at=timezone.now() + timedelta(days=5))
    # Sign-ups made before the window opened.
    wants = RegistrationFactory(event=soon, email="r@example.org", remind=True, language="en")
    RegistrationFactory(event=soon, email="no@example.org", remind=False)
    RegistrationFactory(event=later, email="later@example.org", remind=True)
    assert reminders_send() == 1
    assert reminders_send() == 0
    deliver()
    reminders = [m for m in mail.outbox if m.to == ["r@example.org"]]
    assert len(reminders) == 1
    assert "Reminder" in reminders[0].subject
    assert OutboundMessage.objects.filter(key=f"event-reminder:{wants.pk}").count() == 1


def test_a_sign_up_inside_the_window_gets_its_reminder_at_once(hub):
    soon = EventFactory(hub=hub, starts_at=timezone.now() + timedelta(hours=2), capacity=5)
    registration = sign_up(soon, "Late", email="late@example.org", remind=True)
    assert OutboundMessage.objects.filter(key=f"event-reminder:{registration.pk}").exists()
    assert reminders_send() == 0


def test_attendance_counts_newcomers_and_residents_with_the_head_count(event):
    newcomer = sign_up(event, "N", group=Group.NEWCOMER, party_size=2)
    event.capacity = 10
    event.save()
    resident = sign_up(event, "R", group=Group.RESIDENT)
    registration_attendance_set(registration=newcomer, attendance="came")
    event = event_head_count_set(event=event, newcomers=3, residents=4)
    assert attendance_split(event) == {"newcomers": 5, "residents": 4, "unknown": 0, "total": 9}
    assert event_no_shows_mark(event=event) == 1
    resident.refresh_from_db()
    assert resident.attendance == Registration.Attendance.NO_SHOW
