"""The access log: every response that shows a person writes who saw whom, when, where and why.

Call ``log_person_access`` from the view *before* rendering, inside the request's transaction
(``ATOMIC_REQUESTS`` is on): if the write fails, the request fails and no person data is served.
Lists log each person they show, in one INSERT.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from .access import memberships
from .models import AccessLog

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import Model
    from django.http import HttpRequest

    from .models import Hub


def subject_type(obj: Model) -> str:
    return obj._meta.label_lower  # e.g. "visits.visitor"


def log_person_access(
    request: HttpRequest,
    *,
    hub: Hub | int,
    subjects: Iterable[Model],
    purpose: str = "",
) -> int:
    """Write one row per person in ``subjects``; returns how many. Raises if the write fails."""
    now = timezone.now()
    hub_id = hub if isinstance(hub, int) else hub.pk
    match = getattr(request, "resolver_match", None)
    view = (match.view_name if match else request.path)[:80]
    # The roles held now (the request's memberships, already loaded): what the visitor's copy of
    # their data says about who used it, even after the roles change.
    roles = ",".join(sorted({m.role for m in memberships(request) if m.hub_id == hub_id}))
    rows = [
        AccessLog(
            at=now,
            user=request.user,
            hub_id=hub_id,
            subject_type=subject_type(obj),
            subject_id=obj.pk,
            view=view,
            purpose=purpose[:200],
            roles=roles[:120],
        )
        for obj in subjects
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)
