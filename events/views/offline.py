"""Event attendance for the offline front-desk app (``visits.views.offline`` is the app): the
events a device takes along for check-in, and the endpoint that saves what it recorded."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kototori.access import Perm, hubs_with, permission_required
from kototori.audit import log_person_access
from kototori.offline import BadBatch, bad_batch, batch_items, sync_each

from ..models import Registration
from ..offline import AttendanceBatch, offline_events

if TYPE_CHECKING:
    from django.http import HttpRequest


@require_GET
@permission_required(Perm.EVENT_CHECKIN)
def offline_events_data(request: HttpRequest) -> JsonResponse:
    """The coming week's events in the user's check-in hubs, with the first names people signed
    up with (only what a named check-in needs: no contact details). The device keeps them until
    logout; each fetch is written to the access log like the check-in page."""
    hubs = hubs_with(request, Perm.EVENT_CHECKIN)
    events = list(offline_events(hubs=hubs))
    registrations = defaultdict(list)
    rows = Registration.objects.filter(
        event__in=events, status=Registration.Status.CONFIRMED
    ).order_by("name", "pk")
    for registration in rows:
        registrations[registration.event_id].append(registration)
    for hub in hubs:
        shown = [r for e in events if e.hub_id == hub.pk for r in registrations[e.pk]]
        if shown:
            log_person_access(request, hub=hub, subjects=shown, purpose="offline event check-in")
    return JsonResponse(
        {
            "events": [
                {
                    "id": event.pk,
                    "hub": event.hub.slug,
                    "title": event.title,
                    "starts_at": event.starts_at.isoformat(),
                    "ends_at": event.ends_at.isoformat(),
                    "place": event.place,
                    "head_count": {
                        "newcomers": event.head_count_newcomers,
                        "residents": event.head_count_residents,
                    },
                    "registrations": [
                        {
                            "id": r.pk,
                            "name": r.name,
                            "party_size": r.party_size,
                            "came": r.attendance == Registration.Attendance.CAME,
                        }
                        for r in registrations[event.pk]
                    ],
                }
                for event in events
            ],
            "fetched_at": timezone.now().isoformat(),
        }
    )


@transaction.non_atomic_requests
@require_POST
@permission_required(Perm.EVENT_CHECKIN)
def attendance_sync(request: HttpRequest) -> JsonResponse:
    """Save a batch of check-ins and head counts recorded on a device; one result per item."""
    try:
        items = batch_items(request)
    except BadBatch as error:
        return bad_batch(error)
    batch = AttendanceBatch(
        user=request.user, hubs=hubs_with(request, Perm.EVENT_CHECKIN), items=items
    )
    return JsonResponse({"results": sync_each(items, batch.apply)})
