"""Who has used or received a visitor's data, for the copy of their data.

GDPR art. 15(1)(c) gives the person the recipients of their data; the Finnish client-data act the
right to know who has used or received it, and why. The copy names the **role** and the
**organisation and hub** of each reader, when and why, in the visitor's language, and each partner
organisation a referral went to. It does not name the staff member: the access log keeps who it
was (the user), and the hub can tell the person on request when they need it to exercise their
rights, e.g. to contest a use; see docs/dpia.md for why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kototori.models import AccessLog, Membership, Role
from visits.models import Referral

if TYPE_CHECKING:
    from datetime import datetime

# Roles as a visitor would understand them (not the staff's short labels).
ROLE_FOR_VISITORS = {
    Role.FRONT_DESK: _("Front-desk staff"),
    Role.ADVISOR: _("A volunteer community advisor"),
    Role.EXPERT: _("An experience expert (volunteer)"),
    Role.PROFESSIONAL: _("A professional (social worker or counsellor)"),
    Role.COORDINATOR: _("A coordinator"),
    Role.MANAGER: _("The hub manager"),
    Role.FUNDER: _("A funder"),
}
SOMEONE_ON_THE_STAFF = _("A staff member")

# The access log's purposes (set by the views), as the visitor reads them.
PURPOSE_FOR_VISITORS = {
    "search": _("Searched for your record"),
    "record": _("Opened your record"),
    "edit": _("Corrected your record"),
    "merge": _("Joined two records about you into one"),
    "consent": _("Recorded a consent you gave"),
    "consent withdrawal": _("Recorded that you withdrew a consent"),
    "data-subject access request": _("Made a copy of your data for you"),
    "erasure": _("Erased your data"),
    "case follow-up": _("Helped you with your case"),
    "data request": _("Handled your request about your data"),
    "access log review": _("Checked who has used your data"),
    "advisor candidate": _("Opened your volunteer record"),
}
USED_YOUR_DATA = _("Used your data")
RECEIVED_A_REFERRAL = _("Received a referral about you")


def _purpose(purpose: str) -> str:
    # "data-subject access request (PDF)" and "(JSON)" are the same purpose.
    key = purpose.split(" (", 1)[0]
    return str(PURPOSE_FOR_VISITORS.get(key, USED_YOUR_DATA))


def _roles_then(memberships: list[Membership], at: datetime) -> list[str]:
    """For rows logged before the log kept roles: the roles the user held in the hub at ``at``
    (memberships keep when they began and ended), or every role they hold there if none fits."""
    held = [
        m.role
        for m in memberships
        if m.created_at <= at and (m.ended_at is None or m.ended_at > at)
    ]
    return sorted(set(held or [m.role for m in memberships]))


def _who(roles: list[str]) -> str:
    names = [str(ROLE_FOR_VISITORS[r]) for r in roles if r in ROLE_FOR_VISITORS]
    return ", ".join(names) if names else str(SOMEONE_ON_THE_STAFF)


def used_by(*, subjects: dict[str, set[int]], visitor_ids: set[int]) -> list[dict[str, Any]]:
    """Who read the records in ``subjects`` (record type → ids, from the access log) and which
    partners received a referral about ``visitor_ids``, oldest first. Texts are in the active
    language: call it inside ``translation.override(visitor.message_language)``."""
    reads = Q(pk__in=[])
    for subject_type, ids in subjects.items():
        reads |= Q(subject_type=subject_type, subject_id__in=ids)
    rows = list(AccessLog.objects.filter(reads).select_related("hub__organisation"))
    unrecorded = {(row.user_id, row.hub_id) for row in rows if not row.roles}
    held: dict[tuple[int, int], list[Membership]] = {}
    if unrecorded:
        for membership in Membership.objects.filter(
            user_id__in={user for user, _hub in unrecorded},
            hub_id__in={hub for _user, hub in unrecorded},
        ):
            held.setdefault((membership.user_id, membership.hub_id), []).append(membership)
    entries = []
    for row in rows:
        roles = (
            row.roles.split(",")
            if row.roles
            else _roles_then(held.get((row.user_id, row.hub_id), []), row.at)
        )
        entries.append(
            {
                "at": row.at,
                "when": row.at.isoformat(),
                "who": _who(roles),
                "organisation": row.hub.organisation.name,
                "hub": row.hub.name,
                "why": _purpose(row.purpose),
            }
        )
    for referral in Referral.objects.filter(visitor_id__in=visitor_ids).select_related(
        "partner", "hub"
    ):
        entries.append(
            {
                "at": referral.created_at,
                "when": referral.created_at.isoformat(),
                "who": referral.partner.name,
                "organisation": referral.partner.name,
                "hub": referral.hub.name,
                "why": str(RECEIVED_A_REFERRAL),
            }
        )
    entries.sort(key=lambda entry: entry["at"])
    for entry in entries:
        del entry["at"]  # "when" says it, and the copy is JSON
    return entries
