"""Who may do what, where: the one authorisation mechanism of Kototori.

Every permission is held *in a hub*, through a role the user has there (``Membership``). ``POLICY`` is
the single table that says which roles grant which permission; nothing else in the code grants access.
Deny is the default: a permission missing from the table is granted to nobody.

Views use:
- ``@hub_permission_required(Perm.X)`` for pages under ``/h/<hub>/...``: the hub must be one where the
  user holds X, otherwise 404 (the hub's existence is not revealed).
- ``@permission_required(Perm.X)`` for pages that span the user's hubs: the user must hold X in at
  least one hub, otherwise 403.
- ``hubs_with(request, Perm.X)`` to scope a queryset (``Model.objects.filter(hub__in=...)``), and the
  per-object helpers built on it (``_get_case_for_user(request, pk)``): objects outside those hubs 404.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Hub, Membership, Role

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from django.http import HttpRequest, HttpResponse


class Perm(StrEnum):
    # Front desk (visits/)
    VISIT_LOG = "visit.log"
    QUEUE_RUN = "queue.run"
    VISITOR_VIEW = "visitor.view"  # person records: consented visitors
    VISITOR_MANAGE = "visitor.manage"
    VISITOR_ERASE = "visitor.erase"  # erase a record at once (art. 17); others ask them
    REFERRAL_MANAGE = "referral.manage"
    CASE_OPEN = "case.open"
    OUTREACH_LOG = "outreach.log"
    DATA_REQUEST_VIEW = "datarequest.view"  # visitors' requests from the public form; link a record
    DATA_REQUEST_MANAGE = "datarequest.manage"  # mark a request done or refused
    # Cases and advisors (advisors/)
    CASE_POOL = "case.pool"  # see the pool, claim, work on one's own claimed cases
    CASE_SUPERVISE = "case.supervise"  # all cases of the hub, escalations, transfers
    ADVISOR_MANAGE = "advisor.manage"  # pathway moves, trainings, supervision sessions
    ADVISOR_SELF = "advisor.self"  # one's own shifts, hours, trainings
    SHIFT_PLAN = "shift.plan"
    EXPERT_SELF = "expert.self"  # one's own speaking assignments
    EXPERT_MANAGE = "expert.manage"  # handle assignment requests
    # Events (events/)
    EVENT_MANAGE = "event.manage"
    EVENT_CHECKIN = "event.checkin"
    # Core
    HUB_VIEW = "hub.view"  # the staff side of a hub at all
    PARTNER_VIEW = "partner.view"
    PARTNER_MANAGE = "partner.manage"
    HUB_MANAGE = "hub.manage"  # members, roles, kiosk, settings
    ACCESS_LOG_VIEW = "accesslog.view"
    REPORT_FULL = "report.full"  # unsuppressed figures of the hub
    REPORT_SUPPRESSED = "report.suppressed"  # the anonymised report only
    # Translation review (translations/)
    TRANSLATION_REVIEW = "translation.review"  # approve or correct, in one's own languages only
    TRANSLATION_STATUS = "translation.status"  # how far the review is; download reviewed .po


R = Role
_STAFF = frozenset({R.FRONT_DESK, R.ADVISOR, R.EXPERT, R.PROFESSIONAL, R.COORDINATOR, R.MANAGER})

POLICY: dict[Perm, frozenset[Role]] = {
    Perm.VISIT_LOG: frozenset({R.FRONT_DESK, R.PROFESSIONAL, R.COORDINATOR, R.MANAGER}),
    Perm.QUEUE_RUN: frozenset({R.FRONT_DESK, R.PROFESSIONAL, R.COORDINATOR, R.MANAGER}),
    Perm.VISITOR_VIEW: frozenset({R.FRONT_DESK, R.PROFESSIONAL, R.MANAGER}),
    Perm.VISITOR_MANAGE: frozenset({R.FRONT_DESK, R.PROFESSIONAL, R.MANAGER}),
    Perm.VISITOR_ERASE: frozenset({R.PROFESSIONAL, R.MANAGER}),
    Perm.REFERRAL_MANAGE: frozenset({R.FRONT_DESK, R.PROFESSIONAL, R.MANAGER}),
    Perm.CASE_OPEN: frozenset({R.FRONT_DESK, R.PROFESSIONAL, R.MANAGER}),
    Perm.OUTREACH_LOG: frozenset({R.FRONT_DESK, R.PROFESSIONAL, R.COORDINATOR, R.MANAGER}),
    # The front desk meets the person and checks who they are; the answer is decided by those who
    # may erase (Perm.VISITOR_ERASE).
    Perm.DATA_REQUEST_VIEW: frozenset({R.FRONT_DESK, R.PROFESSIONAL, R.MANAGER}),
    Perm.DATA_REQUEST_MANAGE: frozenset({R.PROFESSIONAL, R.MANAGER}),
    Perm.CASE_POOL: frozenset({R.ADVISOR, R.PROFESSIONAL}),
    Perm.CASE_SUPERVISE: frozenset({R.PROFESSIONAL, R.MANAGER}),
    Perm.ADVISOR_MANAGE: frozenset({R.PROFESSIONAL, R.MANAGER}),
    Perm.ADVISOR_SELF: frozenset({R.ADVISOR}),
    Perm.SHIFT_PLAN: frozenset({R.COORDINATOR, R.PROFESSIONAL, R.MANAGER}),
    Perm.EXPERT_SELF: frozenset({R.EXPERT}),
    Perm.EXPERT_MANAGE: frozenset({R.COORDINATOR, R.MANAGER}),
    Perm.EVENT_MANAGE: frozenset({R.COORDINATOR, R.MANAGER}),
    Perm.EVENT_CHECKIN: frozenset({R.FRONT_DESK, R.COORDINATOR, R.MANAGER}),
    Perm.HUB_VIEW: _STAFF,
    Perm.PARTNER_VIEW: _STAFF,
    Perm.PARTNER_MANAGE: frozenset({R.COORDINATOR, R.MANAGER}),
    Perm.HUB_MANAGE: frozenset({R.MANAGER}),
    Perm.ACCESS_LOG_VIEW: frozenset({R.MANAGER}),
    Perm.REPORT_FULL: frozenset({R.PROFESSIONAL, R.COORDINATOR, R.MANAGER}),
    Perm.REPORT_SUPPRESSED: frozenset({R.FUNDER, R.PROFESSIONAL, R.COORDINATOR, R.MANAGER}),
    # A reviewer is a trusted speaker of the language (often an advisor), named by the hub manager
    # with the languages they check (Membership.review_languages); they see texts, never people.
    Perm.TRANSLATION_REVIEW: frozenset({R.REVIEWER}),
    Perm.TRANSLATION_STATUS: frozenset({R.REVIEWER, R.COORDINATOR, R.MANAGER}),
}

# Permissions that show records about a person (visitors, case clients, event registrants).
PERSON_DATA_PERMS = frozenset(
    {
        Perm.VISITOR_VIEW,
        Perm.DATA_REQUEST_VIEW,
        Perm.CASE_POOL,
        Perm.CASE_SUPERVISE,
        Perm.REFERRAL_MANAGE,
        Perm.EVENT_MANAGE,
        Perm.EVENT_CHECKIN,
        Perm.ACCESS_LOG_VIEW,
    }
)
# Roles that must use a second factor when settings.REQUIRE_MFA is on.
PERSON_DATA_ROLES = frozenset(role for perm in PERSON_DATA_PERMS for role in POLICY[perm])


def roles_with(perm: Perm) -> frozenset[Role]:
    return POLICY.get(perm, frozenset())


def memberships(request: HttpRequest) -> list[Membership]:
    """The user's active memberships, loaded once per request (never cached across requests, so a
    removed membership stops working on the next request)."""
    cached = getattr(request, "_kototori_memberships", None)
    if cached is None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            cached = list(Membership.objects.active().filter(user=user).select_related("hub"))
        else:
            cached = []
        request._kototori_memberships = cached  # type: ignore[attr-defined]
    return cached


def hub_ids_with(request: HttpRequest, perm: Perm) -> set[int]:
    allowed = roles_with(perm)
    return {m.hub_id for m in memberships(request) if m.role in allowed}


def hubs_with(request: HttpRequest, perm: Perm) -> list[Hub]:
    """The hubs where the user holds ``perm``, ordered by name."""
    allowed = roles_with(perm)
    hubs = {m.hub_id: m.hub for m in memberships(request) if m.role in allowed}
    return sorted(hubs.values(), key=lambda hub: hub.name)


def has_perm(request: HttpRequest, perm: Perm, hub: Hub | int | None = None) -> bool:
    """Whether the user holds ``perm`` in ``hub`` (or in any hub when ``hub`` is None)."""
    ids = hub_ids_with(request, perm)
    if hub is None:
        return bool(ids)
    return (hub if isinstance(hub, int) else hub.pk) in ids


def roles_in(request: HttpRequest, hub: Hub | int) -> set[str]:
    hub_id = hub if isinstance(hub, int) else hub.pk
    return {m.role for m in memberships(request) if m.hub_id == hub_id}


def all_roles(request: HttpRequest) -> set[str]:
    return {m.role for m in memberships(request)}


def require_perm(request: HttpRequest, perm: Perm, hub: Hub | int) -> None:
    """Raise 404 unless the user holds ``perm`` in ``hub``; for checks on an object already loaded."""
    if not has_perm(request, perm, hub):
        raise Http404


def _login_redirect(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path())


def permission_required(*perms: Perm) -> Callable:
    """The user must hold one of ``perms`` in at least one hub. Anonymous users go to login."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return _login_redirect(request)
            if not any(has_perm(request, perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.kototori_perms = perms  # type: ignore[attr-defined]
        return wrapped

    return decorator


def hub_permission_required(*perms: Perm) -> Callable:
    """For views under ``<slug:hub>``: the hub must be one where the user holds one of ``perms``.

    The view receives the ``Hub`` object instead of the slug, and ``request.hub`` is set.
    Any other hub, existing or not, answers 404.
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, hub: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return _login_redirect(request)
            for membership in memberships(request):
                if membership.hub.slug == hub and any(
                    membership.role in roles_with(perm) for perm in perms
                ):
                    request.hub = membership.hub  # type: ignore[attr-defined]
                    return view(request, membership.hub, *args, **kwargs)
            raise Http404

        wrapped.kototori_perms = perms  # type: ignore[attr-defined]
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Marks a view as deliberately open to everyone (kiosk, public calendar, signed links).

    The authorisation test fails for any URL whose view is neither decorated with a permission nor
    marked public, so a forgotten check can't slip through."""
    view.kototori_public = True  # type: ignore[attr-defined]
    return view


def login_required(view: Callable) -> Callable:
    """Any logged-in user, whatever their roles (their own profile, the home redirect)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return _login_redirect(request)
        return view(request, *args, **kwargs)

    wrapped.kototori_login_only = True  # type: ignore[attr-defined]
    return wrapped


def scope(queryset: Any, request: HttpRequest, perm: Perm, field: str = "hub") -> Any:
    """Limit ``queryset`` to rows whose ``field`` (a Hub foreign key) is a hub with ``perm``."""
    return queryset.filter(**{f"{field}__in": hub_ids_with(request, perm)})


def hub_choices(request: HttpRequest, perm: Perm) -> Iterable[tuple[int, str]]:
    return [(hub.pk, hub.name) for hub in hubs_with(request, perm)]
