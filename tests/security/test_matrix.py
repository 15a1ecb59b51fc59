"""The authorisation matrix: every URL of the project × every role × scope → the expected answer.

``TABLE`` is the one policy table. A URL name that has no row fails ``test_every_url_has_a_row``,
so a new page can't ship without someone deciding who may open it. Scopes:

- ``own``: the persona is staff of hub A and asks for hub A's page/object;
- ``other``: the same role, but staff of hub B, asks for hub A's page/object (→ 404: the other
  hub's existence and objects are not revealed);
- ``foreign``: staff of hub A with the right role asks for hub B's object under hub A's URL (→ 404);
- ``anonymous``: no login (→ the login page, unless the URL is public).

Cases carry two more personas: ``advisor`` holds the claim on ``claimed_case``; ``advisor2`` is an
advisor of the same hub without it. Everything is a GET: POST-only views answer 405 to those who
pass the permission check and the same deny as any other page to those who don't.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from django.core import signing
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from events.services import cancel_token
from kototori.models import Role
from tests.advisors.factories import ensure_reference_data
from tests.events.factories import RegistrationFactory
from tests.factories import MembershipFactory, UserFactory
from tests.rights.world import build_world
from tests.visits.factories import ReferralFactory
from translations.models import string_key
from visits.models import DataRequest, Referral
from visits.services import REFERRAL_SALT, display_token, referral_token
from visits.views.data_requests import receipt_token

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = pytest.mark.django_db

FD, ADV, EXP, PRO, CO, MGR, FUN, REV = (
    Role.FRONT_DESK,
    Role.ADVISOR,
    Role.EXPERT,
    Role.PROFESSIONAL,
    Role.COORDINATOR,
    Role.MANAGER,
    Role.FUNDER,
    Role.REVIEWER,
)
ADV2 = "advisor2"  # an advisor of the hub without the claim on the case
PERSONAS = [FD, ADV, ADV2, EXP, PRO, CO, MGR, FUN, REV]
ANON = "anonymous"
STAFF = frozenset({FD, ADV, ADV2, EXP, PRO, CO, MGR})
EVERYONE = frozenset(PERSONAS)
ADVISORS = frozenset({ADV, ADV2})

LOGIN = "login"  # 302 to the login page
POSTED = "posted"  # a POST went through the permission check: 200, 302 or 400 (empty form)
PUBLIC = "public"  # the same answer for everyone, logged in or not, from any hub


@dataclass(frozen=True)
class Row:
    """Who gets ``ok`` in their own hub; everyone else gets ``deny``.

    ``other``: the answer to staff of the other hub (404 for hub pages; for cross-hub pages such
    as the partner directory or reports, the same as in their own hub → ``None``).
    ``foreign``: whether the URL names an object, so that an object of another hub must 404.
    ``anon``: LOGIN, or the status anonymous visitors get on a public page.
    """

    allow: frozenset
    ok: int = 200
    deny: int = 404
    other: int | None = 404
    foreign: bool = False
    anon: str | int = LOGIN
    htmx: bool = False
    method: str = "GET"


def row(allow, ok=200, **kw) -> Row:
    return Row(allow=frozenset(allow), ok=ok, **kw)


def public_row(status=200, **kw) -> Row:
    return Row(allow=EVERYONE, ok=status, deny=status, other=None, anon=status, **kw)


# URL name[@variant] → expected outcomes. POST-only views: ``ok=405``.
TABLE: dict[str, Row] = {
    # Core
    "home": row(EVERYONE, ok=302, deny=302, other=None),
    "healthz": public_row(),
    "set_language": public_row(POSTED, method="POST"),
    "switch_hub": row(EVERYONE, ok=POSTED, deny=POSTED, other=None, method="POST"),
    "hub_dashboard": row(EVERYONE),
    "team": row({MGR}),
    "team_remove": row({MGR}, ok=POSTED, method="POST", foreign=True),
    "access_log": row({MGR}),
    "partners:list": row(STAFF, deny=403, other=None),
    "partners:list@htmx": row(STAFF, deny=403, other=None, htmx=True),
    "partners:create": row({CO, MGR}, deny=403, other=None),
    "partners:detail": row(STAFF, deny=403, other=404, foreign=True),
    "partners:edit": row({CO, MGR}, deny=403, other=404, foreign=True),
    # Reports: the funder reads the suppressed report, never a person
    "reports:report": row({FUN, PRO, CO, MGR}, deny=403, other=None),
    "reports:export@csv": row({FUN, PRO, CO, MGR}, deny=403, other=None),
    "reports:export@xlsx": row({FUN, PRO, CO, MGR}, deny=403, other=None),
    "reports:export@pdf": row({FUN, PRO, CO, MGR}, deny=403, other=None),
    "reports:hub_report": row({FUN, PRO, CO, MGR}, ok=302),
    "reports:hub_overview": row({MGR}),
    # Front desk
    "visits:desk": row({FD, PRO, CO, MGR}),
    "visits:log_visit": row({FD, PRO, CO, MGR}, ok=POSTED, method="POST"),
    "visits:visit_detail": row({FD, PRO, CO, MGR}, foreign=True),
    "visits:undo_visit": row({FD, PRO, CO, MGR}, ok=POSTED, method="POST", foreign=True),
    "visits:queue": row({FD, PRO, CO, MGR}),
    "visits:queue@htmx": row({FD, PRO, CO, MGR}, htmx=True),
    "visits:queue_add": row({FD, PRO, CO, MGR}, ok=POSTED, method="POST"),
    "visits:queue_next": row({FD, PRO, CO, MGR}, ok=POSTED, method="POST"),
    "visits:queue_move": row({FD, PRO, CO, MGR}, ok=POSTED, method="POST", foreign=True),
    "visits:now_serving": row({FD, PRO, CO, MGR}),
    "visits:screen": public_row(),
    "visits:kiosk_settings": row({MGR}),
    "visits:kiosk": public_row(),
    "visits:kiosk_checkin": public_row(),
    "visits:visitors": row({FD, PRO, MGR}),
    "visits:visitor_create": row({FD, PRO, MGR}),
    "visits:consent_text": row({FD, PRO, MGR}),
    "visits:visitor_detail": row({FD, PRO, MGR}, foreign=True),
    "visits:visitor_edit": row({FD, PRO, MGR}, foreign=True),
    "visits:visitor_merge": row({FD, PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "visits:consent_withdraw": row({FD, PRO, MGR}, foreign=True),
    "visits:consent_give": row({FD, PRO, MGR}, foreign=True),
    "visits:referrals": row({FD, PRO, MGR}),
    "visits:referral_create": row({FD, PRO, MGR}),
    "visits:referral_detail": row({FD, PRO, MGR}, foreign=True),
    "visits:referral_link_revoke": row({FD, PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "visits:referral_link_new": row({FD, PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "visits:partner_referral": public_row(),
    "visits:partner_referral@tampered": public_row(404),
    "visits:partner_referral@revoked": public_row(410),
    "visits:partner_referral@closed": public_row(410),
    "visits:case_create": row({FD, PRO, MGR}),
    "visits:outreach": row({FD, PRO, CO, MGR}),
    "visits:outreach_create": row({FD, PRO, CO, MGR}),
    # The offline app: spans the user's hubs (each queued item names its hub, checked per item)
    "visits:offline": row({FD, PRO, CO, MGR}, deny=403, other=None),
    "visits:offline_data": row({FD, PRO, CO, MGR}, deny=403, other=None),
    "visits:offline_sync": row({FD, PRO, CO, MGR}, ok=POSTED, deny=403, other=None, method="POST"),
    "visits:offline_sw": public_row(),
    "visits:offline_manifest": public_row(),
    # Visitors' requests about their data: the public form and its receipt, and the staff queue
    "visits:data_request": public_row(),
    "visits:data_request_sent": public_row(),
    "visits:data_request_sent@tampered": public_row(404),
    "visits:data_requests": row({FD, PRO, MGR}),
    "visits:data_request_detail": row({FD, PRO, MGR}, foreign=True),
    "visits:data_request_link": row({FD, PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "visits:data_request_status": row({PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    # Cases and advisors
    "advisors:home": row({ADV, ADV2, PRO}),
    "advisors:supervision": row({PRO, MGR}),
    "advisors:pool": row({ADV, ADV2, PRO}),
    "advisors:pool@htmx": row({ADV, ADV2, PRO}, htmx=True),
    "advisors:cases": row({PRO, MGR}),
    "advisors:case": row({PRO, MGR}, foreign=True),  # advisors: only cases they hold
    "advisors:case@claimed": row({ADV, PRO, MGR}, foreign=True),
    "advisors:claim": row({ADV, ADV2, PRO}, ok=POSTED, method="POST", foreign=True),
    "advisors:case_note": row({ADV, PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "advisors:case_follow_up": row({ADV, PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "advisors:case_release": row({ADV, PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "advisors:case_transfer": row({ADV, PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "advisors:case_escalate": row({ADV, PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "advisors:case_close": row({ADV, PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "advisors:case_deescalate": row({PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "advisors:case_refer": row({PRO, MGR}, foreign=True),  # may refer and may open the case
    "advisors:advisors": row({PRO, MGR}),
    "advisors:advisor": row({PRO, MGR}, foreign=True),
    "advisors:advisor_from_visitor": row({PRO, MGR}, ok=302, foreign=True),
    "advisors:advisor_move": row({PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "advisors:advisor_edit": row({PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "advisors:advisor_outcome": row({PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "advisors:advisor_completion": row({PRO, MGR}, ok=POSTED, method="POST", foreign=True),
    "advisors:trainings": row({PRO, MGR}),
    "advisors:training_session": row({PRO, MGR}, foreign=True),
    "advisors:supervision_sessions": row({PRO, MGR}),
    "advisors:shifts": row({ADV, ADV2, PRO, CO, MGR}),
    "advisors:shift_signup": row({ADV, ADV2}, ok=POSTED, method="POST", foreign=True),
    "advisors:shift_cancel": row({ADV, ADV2}, ok=POSTED, method="POST", foreign=True),
    "advisors:hours": row({ADV, ADV2}),
    "advisors:expert_home": row({EXP}),
    "advisors:offer_respond": row({EXP}, ok=POSTED, method="POST", foreign=True),
    "advisors:assignments": row({CO, MGR}),
    "advisors:assignment": row({CO, MGR}, foreign=True),
    "advisors:assignment_done": row({EXP, CO, MGR}, ok=POSTED, method="POST", foreign=True),
    "advisors:assignment_action": row({CO, MGR}, ok=POSTED, method="POST", foreign=True),
    "advisors:experts": row({CO, MGR}),
    # Events, staff side
    "events:dashboard": row({CO, MGR}),
    "events:create": row({CO, MGR}),
    "events:feedback": row({CO, MGR}),
    "events:checkin_events": row({FD, CO, MGR}),
    "events:detail": row({CO, MGR}, foreign=True),
    "events:edit": row({CO, MGR}, foreign=True),
    "events:publish": row({CO, MGR}, ok=POSTED, method="POST", foreign=True),
    "events:cancel": row({CO, MGR}, ok=POSTED, method="POST", foreign=True),
    "events:registration_cancel": row({CO, MGR}, ok=POSTED, method="POST", foreign=True),
    "events:checkin": row({FD, CO, MGR}, foreign=True),
    "events:checkin@htmx": row({FD, CO, MGR}, foreign=True, htmx=True),
    "events:checkin_mark": row({FD, CO, MGR}, ok=POSTED, method="POST", foreign=True),
    "events:walk_in": row({FD, CO, MGR}, ok=POSTED, method="POST", foreign=True),
    "events:head_count": row({FD, CO, MGR}, ok=POSTED, method="POST", foreign=True),
    "events:advisor_attended": row({FD, CO, MGR}, ok=POSTED, method="POST", foreign=True),
    "events:no_shows": row({FD, CO, MGR}, ok=POSTED, method="POST", foreign=True),
    "events:offline_events": row({FD, CO, MGR}, deny=403, other=None),
    "events:offline_attendance": row({FD, CO, MGR}, ok=POSTED, deny=403, other=None, method="POST"),
    # Events, public side
    "events:cancel_registration": public_row(),
    "events:cancel_registration@tampered": public_row(404),
    "events:cancel_registration@over": public_row(410),
    "events:registration": public_row(),
    "events:registration@over": public_row(410),
    "events:calendar": public_row(),
    "events:feed": public_row(),
    "events:public_event": public_row(),
    "events:event_ics": public_row(),
    "events:poster": public_row(),
    "events:register": public_row(),
    "events:feedback_form": public_row(),
    # Data-subject rights (kototori.rights): the exports are person data
    "rights:visitor_data": row({FD, PRO, MGR}, foreign=True),
    "rights:visitor_data_pdf": row({FD, PRO, MGR}, foreign=True),
    "rights:visitor_data_json": row({FD, PRO, MGR}, foreign=True),
    "rights:visitor_erase": row({PRO, MGR}, foreign=True),  # the front desk asks them
    "rights:retention": row({MGR}),
    "rights:retention_preview": row({MGR}),
    "rights:retention_preview@htmx": row({MGR}, htmx=True),
    # Translation review: the reviewer (here for Arabic and Tigrinya) approves; the manager names
    # reviewers; managers and coordinators follow the progress and download the .po files
    "translations:overview": row({REV, CO, MGR}),
    "translations:export": row({REV, CO, MGR}),
    "translations:strings": row({REV}),
    "translations:string": row({REV}, ok=POSTED, method="POST"),
    "translations:events": row({REV}),
    "translations:event": row({REV}, foreign=True),
    "translations:reviewers": row({MGR}),
    "translations:reviewer_languages": row({MGR}, ok=POSTED, method="POST", foreign=True),
}


# How to build each URL: (kwargs builder, object-of-which-hub) → path.
# ``w`` is the hub world the objects come from, ``h`` the hub whose slug is in the URL.


def _o(kind: str) -> Callable:
    return lambda w, h: {"hub": h.hub.slug, "pk": w.objects[kind].pk}


def _hub(w, h) -> dict:
    return {"hub": h.hub.slug}


def _pk(kind: str) -> Callable:
    return lambda w, h: {"pk": w.objects[kind].pk}


BUILDERS: dict[str, Callable] = {
    "home": lambda w, h: {},
    "healthz": lambda w, h: {},
    "set_language": lambda w, h: {},
    "switch_hub": lambda w, h: {},
    "team_remove": lambda w, h: {"hub": h.hub.slug, "pk": w.objects["membership"].pk},
    "partners:list": lambda w, h: {},
    "partners:list@htmx": lambda w, h: {},
    "partners:create": lambda w, h: {},
    "partners:detail": _pk("partner"),
    "partners:edit": _pk("partner"),
    "reports:report": lambda w, h: {},
    "reports:export@csv": lambda w, h: {"fmt": "csv"},
    "reports:export@xlsx": lambda w, h: {"fmt": "xlsx"},
    "reports:export@pdf": lambda w, h: {"fmt": "pdf"},
    "visits:visit_detail": _o("visit"),
    "visits:undo_visit": _o("visit"),
    "visits:queue_move": lambda w, h: {
        "hub": h.hub.slug,
        "pk": w.objects["queue_entry"].pk,
        "action": "call",
    },
    "visits:screen": lambda w, h: {"token": display_token(w.hub)},
    "visits:kiosk": lambda w, h: {"token": w.hub.kiosk_token},
    "visits:kiosk_checkin": lambda w, h: {"token": w.hub.kiosk_token, "lang": "ar"},
    "visits:visitor_detail": _o("visitor"),
    "visits:visitor_edit": _o("visitor"),
    "visits:visitor_merge": _o("visitor"),
    "visits:consent_withdraw": _o("visitor"),
    "visits:consent_give": _o("visitor"),
    "visits:referral_detail": _o("referral"),
    "visits:partner_referral": lambda w, h: {"token": referral_token(w.objects["referral"])},
    "visits:partner_referral@tampered": lambda w, h: {
        "token": referral_token(w.objects["referral"])[:-2] + "xx"
    },
    # Signed by us with a key the referral no longer has: a link the hub revoked.
    "visits:partner_referral@revoked": lambda w, h: {
        "token": signing.dumps(
            {"r": w.objects["referral"].pk, "k": "revoked-key"}, salt=REFERRAL_SALT
        )
    },
    "visits:partner_referral@closed": lambda w, h: {
        "token": referral_token(w.objects["closed_referral"])
    },
    "visits:referral_link_revoke": _o("link_referral"),
    "visits:referral_link_new": _o("link_referral"),
    "visits:data_request": _hub,
    "visits:offline": lambda w, h: {},
    "visits:offline_data": lambda w, h: {},
    "visits:offline_sync": lambda w, h: {},
    "visits:offline_sw": lambda w, h: {},
    "visits:offline_manifest": lambda w, h: {},
    "events:offline_events": lambda w, h: {},
    "events:offline_attendance": lambda w, h: {},
    "visits:data_request_sent": lambda w, h: {
        "hub": w.hub.slug,
        "signed": receipt_token(w.objects["data_request"]),
    },
    "visits:data_request_sent@tampered": lambda w, h: {
        "hub": w.hub.slug,
        "signed": receipt_token(w.objects["data_request"])[:-2] + "xx",
    },
    "visits:data_request_detail": _o("data_request"),
    "visits:data_request_link": _o("data_request"),
    "visits:data_request_status": _o("data_request"),
    "advisors:case": _o("case"),
    "advisors:case@claimed": _o("claimed_case"),
    "advisors:claim": _o("case"),
    "advisors:case_note": _o("claimed_case"),
    "advisors:case_follow_up": _o("claimed_case"),
    "advisors:case_release": _o("claimed_case"),
    "advisors:case_transfer": _o("claimed_case"),
    "advisors:case_escalate": _o("claimed_case"),
    "advisors:case_close": _o("claimed_case"),
    "advisors:case_deescalate": _o("claimed_case"),
    "advisors:case_refer": _o("case"),
    "advisors:advisor": _o("advisor_profile"),
    "advisors:advisor_from_visitor": lambda w, h: {
        "hub": h.hub.slug,
        "visitor": w.objects["visitor"].pk,
    },
    "advisors:advisor_move": _o("candidate"),
    "advisors:advisor_edit": _o("candidate"),
    "advisors:advisor_outcome": _o("advisor_profile"),
    "advisors:advisor_completion": _o("advisor_profile"),
    "advisors:training_session": _o("training_session"),
    "advisors:shift_signup": _o("shift"),
    "advisors:shift_cancel": _o("shift"),
    "advisors:offer_respond": lambda w, h: {
        "hub": h.hub.slug,
        "pk": w.objects["offer"].pk,
        "answer": "accept",
    },
    "advisors:assignment": _o("assignment"),
    "advisors:assignment_done": _o("expert_assignment"),
    "advisors:assignment_action": lambda w, h: {
        "hub": h.hub.slug,
        "pk": w.objects["assignment"].pk,
        "action": "offer",
    },
    "events:detail": _o("event"),
    "events:edit": _o("event"),
    "events:publish": _o("event"),
    "events:cancel": _o("event"),
    "events:registration_cancel": lambda w, h: {
        "hub": h.hub.slug,
        "pk": w.objects["event"].pk,
        "rid": w.objects["registration"].pk,
    },
    "events:checkin": _o("event"),
    "events:checkin@htmx": _o("event"),
    "events:checkin_mark": lambda w, h: {
        "hub": h.hub.slug,
        "pk": w.objects["event"].pk,
        "rid": w.objects["registration"].pk,
    },
    "events:walk_in": _o("event"),
    "events:head_count": _o("event"),
    "events:advisor_attended": _o("event"),
    "events:no_shows": _o("event"),
    "events:cancel_registration": lambda w, h: {"signed": cancel_token(w.objects["registration"])},
    "events:cancel_registration@tampered": lambda w, h: {
        "signed": cancel_token(w.objects["registration"])[:-2] + "xx"
    },
    "events:cancel_registration@over": lambda w, h: {
        "signed": cancel_token(w.objects["past_registration"])
    },
    "events:registration": lambda w, h: {"signed": cancel_token(w.objects["registration"])},
    "events:registration@over": lambda w, h: {
        "signed": cancel_token(w.objects["past_registration"])
    },
    "events:calendar": _hub,
    "events:feed": _hub,
    "events:public_event": _o("event"),
    "events:event_ics": _o("event"),
    "events:poster": _o("event"),
    "events:register": _o("event"),
    "events:feedback_form": _o("past_event"),
    "rights:visitor_data": _o("visitor"),
    "rights:visitor_data_pdf": _o("visitor"),
    "rights:visitor_data_json": _o("visitor"),
    "rights:visitor_erase": _o("visitor"),
    "translations:export": lambda w, h: {"hub": h.hub.slug, "language": "ar"},
    "translations:strings": lambda w, h: {"hub": h.hub.slug, "language": "ar"},
    "translations:string": lambda w, h: {
        "hub": h.hub.slug,
        "language": "ar",
        "key": string_key(None, "Take a ticket"),
    },
    "translations:events": lambda w, h: {"hub": h.hub.slug, "language": "ti"},
    "translations:event": lambda w, h: {
        "hub": h.hub.slug,
        "language": "ti",
        "pk": w.objects["event"].pk,
    },
    "translations:reviewer_languages": lambda w, h: {
        "hub": h.hub.slug,
        "pk": w.objects["reviewer_membership"].pk,
    },
}


QUERIES = {
    "visits:consent_text": "?lang=ar",
    "visits:consent_withdraw": "?scope=record",
    "visits:consent_give": "?scope=reminders",
}


def url_for(key: str, objects_of, hub_of) -> str:
    name = key.split("@")[0]
    return reverse(name, kwargs=BUILDERS.get(key, _hub)(objects_of, hub_of)) + QUERIES.get(key, "")


def project_url_names() -> set[str]:
    """Every named URL of the project (third-party and admin URLs are theirs to guard)."""

    def walk(patterns, ns=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = ns
                if entry.namespace:
                    inner = f"{ns}:{entry.namespace}" if ns else entry.namespace
                if inner in ("admin",) or str(entry.pattern).startswith(("accounts/", "admin/")):
                    continue
                yield from walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern):
                module = getattr(entry.callback, "__module__", "") or ""
                if module.startswith(("allauth.", "django.")):
                    continue
                yield f"{ns}:{entry.name}" if ns else entry.name

    return set(walk(get_resolver().url_patterns))


# The shared records: built once for the module inside a transaction that is rolled back.


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_reference_data()
            world = build_world()
            for hub_world in world.values():
                hub_world.objects["data_request"] = DataRequest.objects.create(
                    hub=hub_world.hub,
                    kind=DataRequest.Kind.COPY,
                    name=f"{hub_world.canary}-DataRequest",
                    email=f"{hub_world.canary.lower()}@example.org",
                    message=f"{hub_world.canary}-message",
                    visitor=hub_world.objects["visitor"],
                )
                o = hub_world.objects
                o["past_registration"] = RegistrationFactory(
                    event=o["past_event"], name=f"{hub_world.canary}-Past registrant"
                )
                o["closed_referral"] = ReferralFactory(
                    hub=hub_world.hub,
                    partner=o["partner"],
                    status=Referral.Status.COMPLETED,
                    closed_at=timezone.now(),
                )
                # Its own referral: the POST rows revoke and renew its link.
                o["link_referral"] = ReferralFactory(hub=hub_world.hub, partner=o["partner"])
                reviewer = UserFactory(email=f"reviewer-{hub_world.hub.slug}@example.org")
                o["reviewer_membership"] = MembershipFactory(
                    user=reviewer, hub=hub_world.hub, role=REV, review_languages=["ar", "ti"]
                )
                hub_world.users[REV] = reviewer
            clients = {}
            for key, hub_world in world.items():
                for persona in PERSONAS:
                    client = Client()
                    client.force_login(hub_world.users[persona])
                    clients[key, persona] = client
            world["clients"] = clients
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fetch(client: Client, url: str, spec: Row):
    headers = {"HX-Request": "true"} if spec.htmx else {}
    if spec.method == "POST":
        return client.post(url, {}, headers=headers)
    return client.get(url, headers=headers)


def outcome(response, spec: Row) -> str | int:
    status = response.status_code
    if status == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    if spec.method == "POST" and status in (200, 302, 400):
        return POSTED
    return status


def test_every_url_has_a_row():
    names = project_url_names()
    keyed = {key.split("@")[0] for key in TABLE}
    missing = sorted(names - keyed)
    stale = sorted(keyed - names)
    assert not missing, f"URLs without a row in the authorisation matrix: {missing}"
    assert not stale, f"rows for URLs that no longer exist: {stale}"


class _FastHTML:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def write_pdf(self) -> bytes:
        return b"%PDF-1.7 stub"


@pytest.fixture
def _fast_pdf(monkeypatch):
    """The matrix is about who gets an answer, not the PDF layout: skip WeasyPrint's seconds."""
    import weasyprint

    from kototori.reports import exports

    monkeypatch.setattr(exports, "to_pdf", lambda report, base_url=None: b"%PDF-1.7 stub")
    monkeypatch.setattr(weasyprint, "HTML", _FastHTML)


@pytest.mark.parametrize("key", sorted(TABLE))
@pytest.mark.usefixtures("_fast_pdf")
def test_each_url_answers_each_role_and_scope_as_the_table_says(key, world):
    spec = TABLE[key]
    a, b, clients = world["a"], world["b"], world["clients"]
    url = url_for(key, a, a)
    got, expected = {}, {}
    for persona in PERSONAS:
        allowed = persona in spec.allow
        expected["own", persona] = spec.ok if allowed else spec.deny
        got["own", persona] = outcome(fetch(clients["a", persona], url, spec), spec)
        if allowed:
            # The same role in the other hub (a role that is refused in its own hub is refused
            # there too: it holds neither the role nor the hub).
            expected["other", persona] = spec.ok if spec.other is None else spec.other
            got["other", persona] = outcome(fetch(clients["b", persona], url, spec), spec)
        if spec.foreign and allowed:
            foreign_url = url_for(key, b, a)
            expected["foreign", persona] = 404
            got["foreign", persona] = outcome(fetch(clients["a", persona], foreign_url, spec), spec)
    expected[ANON] = spec.anon
    got[ANON] = outcome(fetch(Client(), url, spec), spec)
    if spec.method == "POST":
        # A GET changes nothing: refused for the method, or sent to log in first.
        expected["GET"] = "refused"
        refused = outcome(Client().get(url), Row(allow=frozenset())) in (405, LOGIN)
        got["GET"] = "refused" if refused else "served"
    wrong = {k: (got[k], expected[k]) for k in expected if got[k] != expected[k]}
    assert not wrong, f"{url}: (got, expected) {wrong}"
