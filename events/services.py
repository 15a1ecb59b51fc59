"""Writes for events: sign-up with capacity and a waiting list, cancellation and promotion,
attendance, publishing and cancelling, and the messages each of these sends.

Every message goes through ``kototori.messaging.message_enqueue`` in the same transaction as the
state change it announces, keyed by occasion and registration (``event-reminder:<pk>``): a job or a
request that runs twice sends once, and a rolled-back change sends nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kototori.messaging import message_enqueue, message_link

from .models import Event, Feedback, Group, Registration, Status, calendar_bump

if TYPE_CHECKING:
    from datetime import datetime

    from kototori.models import User

CANCEL_SALT = "events.registration.cancel"


class RegistrationClosed(Exception):
    """The event no longer takes sign-ups (not published, cancelled, over, or open only)."""


# Signed links


def cancel_token(registration: Registration) -> str:
    return signing.dumps(str(registration.token), salt=CANCEL_SALT, compress=True)


def registration_from_cancel_token(value: str) -> Registration | None:
    try:
        token = signing.loads(value, salt=CANCEL_SALT)
    except signing.BadSignature:
        return None
    return Registration.objects.select_related("event__hub").filter(token=token).first()


# Messages


def _message(registration: Registration, occasion: str, *, send_after=None) -> bool:
    """Queue one message about ``registration`` in the registrant's language, once per occasion."""
    contact = registration.channel_and_address
    if contact is None:
        return False
    channel, to = contact
    event = registration.event
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": event,
            "hub": event.hub,
            "cancel_url": message_link(
                reverse(
                    "events:cancel_registration", kwargs={"signed": cancel_token(registration)}
                ),
                language=registration.language,
            ),
            "event_url": message_link(event.get_absolute_url(), language=registration.language),
        }
        body = render_to_string(f"events/messages/{occasion}.txt", context).strip()
        subject = render_to_string("events/messages/subject.txt", {**context, "occasion": occasion})
    _message_row, created = message_enqueue(
        key=f"event-{occasion}:{registration.pk}",
        channel=channel,
        to=to,
        body=body,
        subject=" ".join(subject.split()),
        language=registration.language,
        hub=event.hub,
        send_after=send_after,
    )
    return created


# Registration


@dataclass(frozen=True)
class SignUp:
    name: str
    party_size: int = 1
    phone: str = ""
    email: str = ""
    language: str = "fi"
    remind: bool = False
    group: str = Group.UNKNOWN


def _lock_event(event: Event) -> Event:
    # The row lock serialises every sign-up and cancellation of one event: the places count read
    # below cannot change until this transaction ends, so concurrent sign-ups never overbook.
    return Event.objects.select_for_update().select_related("hub").get(pk=event.pk)


def _places_taken(event: Event) -> int:
    return (
        event.registrations.filter(status=Registration.Status.CONFIRMED).aggregate(
            n=Sum("party_size")
        )["n"]
        or 0
    )


@transaction.atomic
def registration_create(
    *,
    event: Event,
    signup: SignUp,
    token: uuid.UUID | None = None,
    walk_in: bool = False,
    user: User | None = None,
) -> tuple[Registration, bool]:
    """Sign up for ``event``: confirmed while places last, else on the waiting list.

    Returns ``(registration, created)``. The same form ``token`` twice (a double-click) returns the
    first registration. Walk-ins added by staff are confirmed and checked in even when the event is
    full (they are already in the room).
    """
    event = _lock_event(event)
    if token is not None:
        existing = Registration.objects.filter(token=token).first()
        if existing is not None:
            return existing, False
    if not walk_in and not event.accepts_registrations:
        raise RegistrationClosed
    if walk_in and event.is_cancelled:
        raise RegistrationClosed
    taken = _places_taken(event)
    fits = event.capacity is None or taken + signup.party_size <= event.capacity
    now = timezone.now()
    registration = Registration(
        event=event,
        name=signup.name,
        party_size=signup.party_size,
        phone=signup.phone,
        email=signup.email,
        language=signup.language,
        remind=signup.remind,
        group=signup.group,
        status=Registration.Status.CONFIRMED if fits or walk_in else Registration.Status.WAITING,
        walk_in=walk_in,
        user=user,
        token=token or uuid.uuid4(),
        created_at=now,
    )
    if walk_in:
        registration.attendance = Registration.Attendance.CAME
        registration.checked_in_at = now
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:  # the same token from another process; the lock makes this rare
        return Registration.objects.get(token=registration.token), False
    if walk_in:
        _training_completion_if_linked(registration)
    else:
        _message(
            registration,
            "confirmed" if registration.status == Registration.Status.CONFIRMED else "waiting",
        )
        _reminder_if_due(registration)
    calendar_bump(event.hub_id)
    return registration, True


def _promote_waiting(event: Event) -> list[Registration]:
    """Fill freed places from the waiting list, first come first served; a party too big for the
    places left waits while smaller ones behind it move up."""
    waiting = list(
        event.registrations.filter(status=Registration.Status.WAITING).order_by("created_at", "pk")
    )
    left = None if event.capacity is None else event.capacity - _places_taken(event)
    promoted = []
    now = timezone.now()
    for registration in waiting:
        if left is not None and registration.party_size > left:
            continue
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        if left is not None:
            left -= registration.party_size
        _message(registration, "promoted")
        _reminder_if_due(registration)
        promoted.append(registration)
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration) -> list[Registration]:
    """Cancel a sign-up (idempotent) and promote from the waiting list; returns who moved up."""
    event = _lock_event(registration.event)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return []
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    promoted = [] if event.is_past or event.is_cancelled else _promote_waiting(event)
    calendar_bump(event.hub_id)
    return promoted


@transaction.atomic
def event_capacity_set(*, event: Event, capacity: int | None) -> list[Registration]:
    """Change the number of places; more places promote people from the waiting list."""
    event = _lock_event(event)
    event.capacity = capacity
    event.save(update_fields=["capacity", "updated_at"])
    return _promote_waiting(event) if not event.is_cancelled else []


# Publishing


@transaction.atomic
def event_save(*, event: Event, partners=None, languages=None, organisers=None) -> Event:
    """Save an event edited by a coordinator; more places promote people waiting."""
    grew = False
    if event.pk:
        old = Event.objects.select_for_update().get(pk=event.pk)
        grew = event.capacity is None or (
            old.capacity is not None and event.capacity > old.capacity
        )
    event.save()
    if partners is not None:
        event.partners.set(partners)
    if languages is not None:
        event.languages.set(languages)
    if organisers is not None:
        event.organisers.set(organisers)
    if grew and event.status == Status.PUBLISHED:
        _promote_waiting(_lock_event(event))
    return event


@transaction.atomic
def event_publish(*, event: Event) -> Event:
    event = _lock_event(event)
    if event.status != Status.DRAFT:
        return event
    event.status = Status.PUBLISHED
    event.published_at = timezone.now()
    event.save(update_fields=["status", "published_at", "updated_at"])
    return event


@transaction.atomic
def event_cancel(*, event: Event) -> int:
    """Cancel the event and tell everyone signed up or waiting; returns how many were notified."""
    event = _lock_event(event)
    if event.status == Status.CANCELLED:
        return 0
    event.status = Status.CANCELLED
    event.cancelled_at = timezone.now()
    event.save(update_fields=["status", "cancelled_at", "updated_at"])
    notified = 0
    for registration in event.registrations.exclude(status=Registration.Status.CANCELLED):
        registration.event = event
        notified += _message(registration, "event_cancelled")
    return notified


# Reminders


def _reminder_if_due(registration: Registration) -> None:
    """A sign-up made inside the reminder window gets its reminder queued at once."""
    event = registration.event
    if (
        registration.remind
        and registration.status == Registration.Status.CONFIRMED
        and event.reminder_due_at() <= timezone.now() < event.starts_at
    ):
        _message(registration, "reminder")


def reminders_send(*, now=None) -> int:
    """Queue the reminder of every confirmed registrant who asked for one, once each, for events
    starting within their hub's reminder window. Safe to run any number of times."""
    now = now or timezone.now()
    queued = 0
    events = (
        Event.objects.published()
        .filter(starts_at__gt=now, starts_at__lte=now + timedelta(hours=24 * 14))
        .select_related("hub")
    )
    for event in events:
        if event.reminder_due_at() > now:
            continue
        registrations = event.registrations.filter(
            status=Registration.Status.CONFIRMED, remind=True
        )
        for registration in registrations:
            registration.event = event
            with transaction.atomic():
                queued += _message(registration, "reminder")
    return queued


# Retention

CONTACT_RETENTION_DAYS = 30


def registrations_contacts_erase(*, now=None) -> int:
    """Erase the e-mail addresses and phone numbers of sign-ups once their event is
    ``CONTACT_RETENTION_DAYS`` over (the sign-up form promises it); returns how many were erased.
    Names stay for the attendance record."""
    cutoff = (now or timezone.now()) - timedelta(days=CONTACT_RETENTION_DAYS)
    return (
        Registration.objects.filter(event__ends_at__lt=cutoff)
        .exclude(email="", phone="")
        .update(email="", phone="", remind=False)
    )


# Attendance


@transaction.atomic
def registration_attendance_set(
    *, registration: Registration, attendance: str, at: datetime | None = None
) -> Registration:
    """Mark who came. ``at`` is when they were checked in, if not now (a device that was offline
    sends it later)."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.attendance = attendance
    registration.checked_in_at = (
        (at or timezone.now()) if attendance == Registration.Attendance.CAME else None
    )
    registration.save(update_fields=["attendance", "checked_in_at"])
    _training_completion_if_linked(registration)
    return registration


@transaction.atomic
def event_no_shows_mark(*, event: Event) -> int:
    """After the event: everyone confirmed and not checked in did not come."""
    return event.registrations.filter(
        status=Registration.Status.CONFIRMED, attendance=Registration.Attendance.UNKNOWN
    ).update(attendance=Registration.Attendance.NO_SHOW)


@transaction.atomic
def event_head_count_set(*, event: Event, newcomers: int, residents: int) -> Event:
    event = _lock_event(event)
    event.head_count_newcomers = newcomers
    event.head_count_residents = residents
    event.save(update_fields=["head_count_newcomers", "head_count_residents", "updated_at"])
    return event


@transaction.atomic
def event_head_count_add(*, event: Event, newcomers: int, residents: int) -> Event:
    """Add people counted at the door (a device's tally) to the head count, where
    ``event_head_count_set`` replaces it with a total."""
    event = _lock_event(event)
    event.head_count_newcomers += newcomers
    event.head_count_residents += residents
    event.save(update_fields=["head_count_newcomers", "head_count_residents", "updated_at"])
    return event


def attendance_split(event: Event) -> dict[str, int]:
    """People who came, newcomers and long-term residents: named check-ins plus the head count."""
    split = {Group.NEWCOMER: 0, Group.RESIDENT: 0, Group.UNKNOWN: 0}
    rows = (
        event.registrations.filter(
            status=Registration.Status.CONFIRMED, attendance=Registration.Attendance.CAME
        )
        .values("group")
        .annotate(n=Sum("party_size"))
    )
    for row in rows:
        split[row["group"]] += row["n"]
    split[Group.NEWCOMER] += event.head_count_newcomers
    split[Group.RESIDENT] += event.head_count_residents
    return {
        "newcomers": split[Group.NEWCOMER],
        "residents": split[Group.RESIDENT],
        "unknown": split[Group.UNKNOWN],
        "total": sum(split.values()),
    }


def _training_completion_if_linked(registration: Registration) -> None:
    """Advisor trainings: an advisor checked in has completed the training (advisors app)."""
    event = registration.event
    if not (
        event.training_id
        and registration.user_id
        and registration.attendance == Registration.Attendance.CAME
    ):
        return
    from advisors.services import training_completion_record

    training_completion_record(
        user=registration.user,
        training=event.training,
        completed_on=timezone.localtime(event.starts_at).date(),
        event_id=event.pk,
    )


# Feedback


@transaction.atomic
def feedback_create(
    *, event: Event, enjoyed: int, met_people: int, come_again: int, language: str, token
) -> tuple[Feedback, bool]:
    existing = Feedback.objects.filter(token=token).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                event=event,
                enjoyed=enjoyed,
                met_people=met_people,
                come_again=come_again,
                language=language,
                token=token,
            )
    except IntegrityError:
        return Feedback.objects.get(token=token), False
    return feedback, True


# Sharing


def share_text(event: Event, languages: list[str]) -> str:
    """A ready message for the hub's WhatsApp group: the event in each chosen language."""
    parts = []
    for code in languages:
        with translation.override(code):
            parts.append(
                render_to_string(
                    "events/messages/share.txt",
                    {
                        "event": event,
                        "event_url": message_link(event.get_absolute_url(), language=code),
                    },
                ).strip()
            )
    return "\n\n".join(parts)


def whatsapp_url(text: str) -> str:
    from urllib.parse import quote

    return "https://wa.me/?text=" + quote(text)
