"""Event attendance recorded on a device without network and saved when it is back online
(``kototori.offline`` has the protocol): a named check-in of someone who signed up, or people
counted at the door added to the head count. Each item is saved once per device-made key
(``SyncedAttendance``), under the event's row lock, through the attendance services."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kototori.offline import ItemResult, Refused, Status, item_key

from .models import Event, Registration, SyncedAttendance
from .models import Status as EventStatus
from .services import event_head_count_add, registration_attendance_set

if TYPE_CHECKING:
    from datetime import datetime

    from kototori.models import Hub, User

    from .models import EventQuerySet

# Which events a device takes along for check-in: those of the coming week still going on.
WINDOW_BEFORE = timedelta(hours=12)
WINDOW_AHEAD = timedelta(days=7)
# A check-in or count may be recorded from a while before the start (people arrive early) to the
# evening after the end (the desk catches up); a device clock a few minutes fast is forgiven.
EARLIEST_BEFORE_START = timedelta(hours=3)
LATEST_AFTER_END = timedelta(hours=12)
CLOCK_SLACK = timedelta(minutes=5)
MAX_COUNT = 1000


def offline_events(*, hubs: list[Hub], now: datetime | None = None) -> EventQuerySet:
    """The published events a device may check people in to, soonest first."""
    now = now or timezone.now()
    return (
        Event.objects.filter(hub__in=hubs, status=EventStatus.PUBLISHED)
        .filter(ends_at__gte=now - WINDOW_BEFORE, starts_at__lte=now + WINDOW_AHEAD)
        .select_related("hub")
        .order_by("starts_at", "pk")
    )


def _when(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _recorded_at(item: dict, event: Event) -> datetime:
    """When the device recorded the item; refused when it can't be true for this event."""
    value = item.get("at")
    at = parse_datetime(value) if isinstance(value, str) else None
    if at is None or timezone.is_naive(at):
        raise Refused("invalid", _("The time this was recorded is missing or not readable."))
    if at > timezone.now() + CLOCK_SLACK:
        raise Refused(
            "time",
            _("It was recorded at %(time)s, in the future: check the device's clock.")
            % {"time": _when(at)},
        )
    if not (event.starts_at - EARLIEST_BEFORE_START <= at <= event.ends_at + LATEST_AFTER_END):
        raise Refused(
            "time",
            _("It was recorded at %(time)s, outside the event (%(start)s–%(end)s).")
            % {"time": _when(at), "start": _when(event.starts_at), "end": _when(event.ends_at)},
        )
    return at


def _count(item: dict, name: str) -> int:
    value = item.get(name, 0)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
        raise Refused(
            "invalid",
            _("A count must be a whole number from 0 to %(max)s.") % {"max": MAX_COUNT},
        )
    return value


def _lock(event: Event, key: str) -> Event | None:
    """The event, locked; None when this key was saved before. The row lock serialises everything
    sent for one event, as the check-in page's services do, so the key check sees any item
    committed before it."""
    event = Event.objects.select_for_update().select_related("hub").get(pk=event.pk)
    if SyncedAttendance.objects.filter(key=key).exists():
        return None
    if event.status == EventStatus.CANCELLED:
        raise Refused("event_cancelled", _("The event was cancelled, so this was not saved."))
    return event


def _record(**fields: Any) -> bool:
    """Write the key first: if another request wrote it meanwhile, this one adds nothing."""
    try:
        with transaction.atomic():
            SyncedAttendance.objects.create(**fields)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def check_in_record(
    *, key: str, event: Event, registration_id: int, at: datetime, user: User
) -> bool:
    """Check in someone who signed up, as recorded on a device at ``at``; False when this key was
    saved before. Raises ``Refused`` when the event was cancelled, the sign-up is gone or was
    cancelled, or the person was checked in already (on another device or the check-in page)."""
    locked = _lock(event, key)
    if locked is None:
        return False
    registration = (
        Registration.objects.select_for_update().filter(event=locked, pk=registration_id).first()
    )
    if registration is None:
        raise Refused("not_found", _("This sign-up no longer exists."))
    if registration.status != Registration.Status.CONFIRMED:
        raise Refused(
            "registration_cancelled",
            _("This sign-up was cancelled or is on the waiting list; add the person as a walk-in."),
        )
    if registration.attendance == Registration.Attendance.CAME:
        raise Refused(
            "already_checked_in",
            _("Already checked in at %(time)s, on another device or the check-in page.")
            % {"time": _when(registration.checked_in_at or at)},
        )
    if not _record(
        key=key,
        event=locked,
        kind=SyncedAttendance.Kind.CHECK_IN,
        registration=registration,
        recorded_at=at,
        synced_by=user,
    ):
        return False
    registration_attendance_set(
        registration=registration, attendance=Registration.Attendance.CAME, at=at
    )
    return True


@transaction.atomic
def head_count_record(
    *, key: str, event: Event, newcomers: int, residents: int, at: datetime, user: User
) -> bool:
    """Add people counted at the door on a device to the event's head count; False when this key
    was saved before."""
    locked = _lock(event, key)
    if locked is None:
        return False
    if not _record(
        key=key,
        event=locked,
        kind=SyncedAttendance.Kind.HEAD_COUNT,
        newcomers=newcomers,
        residents=residents,
        recorded_at=at,
        synced_by=user,
    ):
        return False
    event_head_count_add(event=locked, newcomers=newcomers, residents=residents)
    return True


class AttendanceBatch:
    """One batch of queued attendance from one user: keys already saved and the events named are
    read once for the batch."""

    def __init__(self, *, user: User, hubs: list[Hub], items: list) -> None:
        self.user = user
        self.hubs = {hub.slug: hub for hub in hubs}
        keys, event_ids = [], set()
        for item in items:
            if not isinstance(item, dict):
                continue
            with contextlib.suppress(Refused):
                keys.append(item_key(item))
            if isinstance(item.get("event"), int):
                event_ids.add(item["event"])
        self.saved = {
            str(key): event_id
            for key, event_id in SyncedAttendance.objects.filter(key__in=keys).values_list(
                "key", "event_id"
            )
        }
        self.events = {
            event.pk: event
            for event in Event.objects.filter(hub__in=self.hubs.values(), pk__in=event_ids)
        }

    def apply(self, item: dict, key: str) -> ItemResult:
        hub = self.hubs.get(str(item.get("hub", "")))
        if hub is None:
            raise Refused(
                "hub",
                _(
                    "You no longer check people in for this hub, so this can't be saved. "
                    "Ask your hub manager if that is a mistake."
                ),
            )
        event = self.events.get(item.get("event"))
        if event is None or event.hub_id != hub.pk:
            raise Refused("not_found", _("This event no longer exists."))
        url = reverse("events:checkin", kwargs={"hub": hub.slug, "pk": event.pk})
        if key in self.saved:
            return ItemResult(key, Status.DUPLICATE, url=url)
        kind = item.get("kind")
        if kind == SyncedAttendance.Kind.CHECK_IN:
            registration_id = item.get("registration")
            if not isinstance(registration_id, int):
                raise Refused("invalid", _("This check-in names no sign-up."))
            created = check_in_record(
                key=key,
                event=event,
                registration_id=registration_id,
                at=_recorded_at(item, event),
                user=self.user,
            )
        elif kind == SyncedAttendance.Kind.HEAD_COUNT:
            newcomers, residents = _count(item, "newcomers"), _count(item, "residents")
            if newcomers + residents == 0:
                raise Refused("invalid", _("Count at least one person."))
            created = head_count_record(
                key=key,
                event=event,
                newcomers=newcomers,
                residents=residents,
                at=_recorded_at(item, event),
                user=self.user,
            )
        else:
            raise Refused("invalid", _("This item is not readable."))
        self.saved[key] = event.pk
        return ItemResult(key, Status.CREATED if created else Status.DUPLICATE, url=url)
