"""Hostile input into the staff forms the first file (test_bad_input.py) leaves out: the desk's visit
log (plain and htmx), referrals and the partner's signed link, opening, noting, escalating and
closing cases, events, outreach, shifts, hours, invitations and the retention periods.

For every form one field at a time gets a hostile value while the others stay valid, so the hostile
field is what is tested. Whatever happens: no server error. A refused form changes no row and shows
what was typed (escaped), or says that null characters are not allowed. An accepted text is stored
exactly as typed (less surrounding white space); a text longer than its field is refused, never cut.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisors.models import HoursEntry, Shift
from events.models import Event
from kototori.models import Membership, OutboundMessage, Role, User
from kototori.rights.models import RetentionPolicy
from tests.advisors.factories import CaseFactory
from tests.events.factories import EventFactory
from tests.factories import PartnerFactory, PartnerServiceFactory, language, topic
from tests.security.test_bad_input import HOSTILE
from tests.visits.factories import ReferralFactory
from visits.models import Case, CaseNote, OutreachSession, Referral, Visit
from visits.services import referral_token

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
ENGLISH = {"Accept-Language": "en"}
NULL_REFUSED = "Null characters are not allowed."


@dataclass
class Form:
    """One staff form: who posts it, a fresh valid payload, and where an accepted text lands."""

    client: Client
    prepare: Callable[[], tuple[str, dict]]  # (url, valid payload), fresh for every example
    texts: dict[str, int | None]  # text field -> max_length (None: no limit)
    others: tuple[str, ...]  # date and number fields
    stored: Callable[[str], str]  # a text field's stored value after an accepted post
    snapshot: Callable[[], tuple]  # the rows (and the edited row) a refusal must leave alone
    headers: dict = field(default_factory=dict)
    accepted: tuple[int, ...] = (302,)


def _counts() -> tuple:
    return tuple(
        model.objects.count()
        for model in (
            Visit,
            Referral,
            Case,
            CaseNote,
            OutreachSession,
            Event,
            Shift,
            HoursEntry,
            User,
            Membership,
            OutboundMessage,
        )
    )


def _row(model, pk: int, *names: str) -> tuple:
    return tuple(model.objects.filter(pk=pk).values_list(*names).get())


def _today(days: int = 0) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _local(hours: float) -> str:
    return timezone.localtime(timezone.now() + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


# The forms


def visit_log(client_for, hub, *, htmx: bool = False) -> Form:
    url = reverse("visits:log_visit", kwargs={"hub": hub.slug})

    def prepare():
        return url, {
            "topics": [topic("housing").pk],
            "channel": "walk_in",
            "outcome": "advice",
            "note": "Asked about rent",
            "key": uuid.uuid4().hex,
        }

    return Form(
        client=client_for(Role.FRONT_DESK, hub, preferred_language="en"),
        prepare=prepare,
        texts={"note": 200},
        others=("visited_at", "key"),
        stored=lambda name: getattr(Visit.objects.latest("pk"), name),
        snapshot=_counts,
        headers={"HX-Request": "true"} if htmx else {},
        accepted=(200,) if htmx else (302,),
    )


def referral_create(client_for, hub) -> Form:
    partner = PartnerFactory(hubs_served=[hub])
    service = PartnerServiceFactory(partner=partner)
    url = reverse("visits:referral_create", kwargs={"hub": hub.slug})

    def prepare():
        return url, {
            "partner": partner.pk,
            "service": service.pk,
            "topics": [topic("housing").pk],
            "language": language("ar").pk,
            "note": "Needs an appointment",
        }

    return Form(
        client=client_for(Role.FRONT_DESK, hub, preferred_language="en"),
        prepare=prepare,
        texts={"note": 300},
        others=(),
        stored=lambda name: getattr(Referral.objects.latest("pk"), name),
        snapshot=_counts,
    )


def partner_link(client_for, hub) -> Form:
    referral = ReferralFactory(hub=hub, partner=PartnerFactory(hubs_served=[hub]))
    url = reverse("visits:partner_referral", args=[referral_token(referral)])

    def prepare():
        cache.clear()  # the link's per-IP limit would otherwise stop the examples
        return url, {"status": "accepted", "feedback": "Booked for Monday"}

    return Form(
        client=Client(),
        prepare=prepare,
        texts={"feedback": 2000},
        others=(),
        stored=lambda name: Referral.objects.get(pk=referral.pk).partner_feedback,
        snapshot=lambda: (
            _counts(),
            _row(Referral, referral.pk, "status", "partner_feedback", "updated_by_partner_at"),
        ),
        headers=ENGLISH,
    )


def _claimed_case(hub, user) -> Case:
    return CaseFactory(
        hub=hub,
        status=Case.Status.CLAIMED,
        claimed_by=user,
        claimed_at=timezone.now(),
        topics=[topic("housing")],
    )


def _case_url(name: str, case: Case) -> str:
    return reverse(f"advisors:{name}", kwargs={"hub": case.hub.slug, "pk": case.pk})


def case_note(client_for, hub) -> Form:
    client = client_for(Role.ADVISOR, hub, preferred_language="en")
    case = _claimed_case(hub, client.user)
    return Form(
        client=client,
        prepare=lambda: (
            _case_url("case_note", case),
            {"text": "Called the landlord", "next_follow_up": _today(3)},
        ),
        texts={"text": 4000},
        others=("next_follow_up",),
        stored=lambda name: CaseNote.objects.filter(kind=CaseNote.Kind.NOTE).latest("pk").text,
        snapshot=lambda: (
            _counts(),
            _row(Case, case.pk, "status", "next_follow_up", "last_activity_at"),
        ),
    )


def case_close(client_for, hub) -> Form:
    client = client_for(Role.PROFESSIONAL, hub, preferred_language="en")

    def prepare():  # a closed case can't be closed again: a new one for every example
        case = _claimed_case(hub, client.user)
        return _case_url("case_close", case), {"outcome": "resolved", "text": "All sorted"}

    return Form(
        client=client,
        prepare=prepare,
        texts={"text": 2000},
        others=(),
        stored=lambda name: CaseNote.objects.filter(kind=CaseNote.Kind.CLOSED).latest("pk").text,
        snapshot=lambda: (_counts(), Case.objects.filter(status=Case.Status.CLOSED).count()),
    )


def case_escalate(client_for, hub) -> Form:
    client = client_for(Role.ADVISOR, hub, preferred_language="en")
    client_for(Role.PROFESSIONAL, hub)  # someone to tell

    def prepare():
        case = _claimed_case(hub, client.user)
        return _case_url("case_escalate", case), {"reason": "Needs a lawyer"}

    return Form(
        client=client,
        prepare=prepare,
        texts={"reason": 300},
        others=(),
        stored=lambda name: Case.objects.latest("pk").escalation_reason,
        snapshot=lambda: (_counts(), Case.objects.filter(status=Case.Status.ESCALATED).count()),
    )


def _typed_note(default: str) -> str:
    """The latest case note's text, or "" where the service wrote its default for an empty one."""
    text = CaseNote.objects.latest("pk").text
    return "" if text == default else text


def case_hand_back(client_for, hub) -> Form:
    client = client_for(Role.PROFESSIONAL, hub, preferred_language="en")
    advisor = client_for(Role.ADVISOR, hub).user

    def prepare():  # a handed-back case is no longer escalated: a new one for every example
        case = _claimed_case(hub, advisor)
        Case.objects.filter(pk=case.pk).update(status=Case.Status.ESCALATED)
        return _case_url("case_deescalate", case), {"text": "Call the tenant union"}

    return Form(
        client=client,
        prepare=prepare,
        texts={"text": 2000},
        others=(),
        stored=lambda name: _typed_note("Handed back to the advisor."),
        snapshot=lambda: (_counts(), Case.objects.filter(status=Case.Status.CLAIMED).count()),
    )


def case_transfer(client_for, hub) -> Form:
    client = client_for(Role.PROFESSIONAL, hub, preferred_language="en")
    advisor = client_for(Role.ADVISOR, hub).user
    other = client_for(Role.ADVISOR, hub).user

    def prepare():
        case = _claimed_case(hub, advisor)
        return _case_url("case_transfer", case), {"to": other.pk, "text": "Over to you"}

    return Form(
        client=client,
        prepare=prepare,
        texts={"text": 2000},
        others=(),
        stored=lambda name: _typed_note(f"To {other.get_full_name()}"),
        snapshot=lambda: (_counts(), Case.objects.filter(claimed_by=other).count()),
    )


def _event_payload() -> dict:
    return {
        "kind": "language_cafe",
        "audience": "everyone",
        "starts_at": "2031-03-02T17:00",
        "ends_at": "2031-03-02T19:00",
        "place": "Kirjasto",
        "capacity": "12",
        "registration_required": "on",
        "title_fi": "Kielikahvila",
        "summary_fi": "Puhutaan suomea yhdessä.",
        "title_ar": "مقهى اللغة",
    }


EVENT_TEXTS = {"title_fi": 200, "summary_fi": 300, "description_ar": None, "place": 200}


def event_create(client_for, hub) -> Form:
    url = reverse("events:create", kwargs={"hub": hub.slug})
    return Form(
        client=client_for(Role.COORDINATOR, hub, preferred_language="en"),
        prepare=lambda: (url, _event_payload()),
        texts=EVENT_TEXTS,
        others=("starts_at", "ends_at", "capacity"),
        stored=lambda name: getattr(Event.objects.latest("pk"), name),
        snapshot=_counts,
    )


def event_edit(client_for, hub) -> Form:
    event = EventFactory(hub=hub)
    url = reverse("events:edit", kwargs={"hub": hub.slug, "pk": event.pk})
    fields = ("title_fi", "summary_fi", "description_ar", "place", "starts_at", "capacity")
    return Form(
        client=client_for(Role.COORDINATOR, hub, preferred_language="en"),
        prepare=lambda: (url, _event_payload()),
        texts=EVENT_TEXTS,
        others=("starts_at", "capacity"),
        stored=lambda name: getattr(Event.objects.get(pk=event.pk), name),
        snapshot=lambda: (_counts(), _row(Event, event.pk, *fields)),
    )


def case_open(client_for, hub) -> Form:
    url = reverse("visits:case_create", kwargs={"hub": hub.slug})
    return Form(
        client=client_for(Role.FRONT_DESK, hub, preferred_language="en"),
        prepare=lambda: (
            url,
            {
                "topics": [topic("housing").pk],
                "languages": [language("ar").pk],
                "urgency": "normal",
                "summary": "Help with a rental application",
                "next_follow_up": _today(3),
            },
        ),
        texts={"summary": 300},
        others=("next_follow_up",),
        stored=lambda name: getattr(Case.objects.latest("pk"), name),
        snapshot=_counts,
    )


def outreach(client_for, hub) -> Form:
    client = client_for(Role.FRONT_DESK, hub, preferred_language="en")
    url = reverse("visits:outreach_create", kwargs={"hub": hub.slug})
    return Form(
        client=client,
        prepare=lambda: (
            url,
            {
                "place_kind": "housing",
                "place": "Club room",
                "date": _today(),
                "staff": [client.user.pk],
                "head_count": "8",
                "topic_housing": "6",
                "note": "Good turnout",
            },
        ),
        texts={"place": 200, "note": 300},
        others=("date", "head_count", "topic_housing"),
        stored=lambda name: getattr(OutreachSession.objects.latest("pk"), name),
        snapshot=_counts,
    )


def shift_create(client_for, hub) -> Form:
    url = reverse("advisors:shifts", kwargs={"hub": hub.slug})
    return Form(
        client=client_for(Role.COORDINATOR, hub, preferred_language="en"),
        prepare=lambda: (
            url,
            {
                "title": "Front desk",
                "starts_at": _local(24),
                "ends_at": _local(27),
                "capacity": "2",
            },
        ),
        texts={"title": 150},
        others=("starts_at", "ends_at", "capacity"),
        stored=lambda name: getattr(Shift.objects.latest("pk"), name),
        snapshot=_counts,
    )


def hours_log(client_for, hub) -> Form:
    url = reverse("advisors:hours", kwargs={"hub": hub.slug})
    return Form(
        client=client_for(Role.ADVISOR, hub, preferred_language="en"),
        prepare=lambda: (url, {"on": _today(), "hours": "2.5", "description": "Desk shift"}),
        texts={"description": 200},
        others=("on", "hours"),
        stored=lambda name: getattr(HoursEntry.objects.latest("pk"), name),
        snapshot=_counts,
    )


def invite(client_for, hub) -> Form:
    url = reverse("team", kwargs={"hub": hub.slug})
    return Form(
        client=client_for(Role.MANAGER, hub, preferred_language="en"),
        prepare=lambda: (
            url,
            {
                "email": f"{uuid.uuid4().hex[:12]}@example.org",
                "full_name": "Aino Virtanen",
                "role": "advisor",
                "preferred_language": "fi",
            },
        ),
        texts={"full_name": 150},
        others=("email",),
        stored=lambda name: getattr(User.objects.latest("date_joined", "pk"), name),
        snapshot=_counts,
    )


def retention(client_for, hub) -> Form:
    policy = RetentionPolicy.for_hub(hub)
    policy.save()
    url = reverse("rights:retention", kwargs={"hub": hub.slug})
    numbers = ("inactive_visitor_months", "withdrawn_consent_days", "closed_case_months")
    return Form(
        client=client_for(Role.MANAGER, hub, preferred_language="en"),
        prepare=lambda: (
            url,
            {
                "inactive_visitor_months": "24",
                "withdrawn_consent_days": "30",
                "closed_case_months": "12",
            },
        ),
        texts={},
        others=numbers,
        stored=lambda name: "",
        snapshot=lambda: (_counts(), list(RetentionPolicy.objects.values_list(*numbers))),
    )


FORMS: dict[str, Callable[..., Form]] = {
    "visit log": visit_log,
    "visit log (htmx)": lambda client_for, hub: visit_log(client_for, hub, htmx=True),
    "referral create": referral_create,
    "partner's signed link": partner_link,
    "case note": case_note,
    "case close": case_close,
    "case escalate": case_escalate,
    "case hand-back": case_hand_back,
    "case transfer": case_transfer,
    "event create": event_create,
    "event edit": event_edit,
    "case open": case_open,
    "outreach": outreach,
    "shift create": shift_create,
    "hours log": hours_log,
    "invite": invite,
    "retention": retention,
}


def _post(form: Form, name: str, value: str):
    """Post the form with ``value`` in field ``name``; check what a user would notice. Returns
    whether the form was accepted."""
    url, data = form.prepare()
    before = form.snapshot()
    response = form.client.post(url, {**data, name: value}, headers=form.headers)
    assert response.status_code < 500, (name, value[:80])
    if response.status_code in form.accepted:
        assert "\x00" not in value, "a null character was accepted"
        if name in form.texts:
            typed = value.strip()
            # modeltranslation stores an empty translation as NULL
            assert (form.stored(name) or "") == typed, f"{name} was not stored as typed"
            limit = form.texts[name]
            assert limit is None or len(typed) <= limit, f"{name} over {limit} was accepted"
        return True
    assert response.status_code == 400, (name, response.status_code)
    assert form.snapshot() == before, f"a refused {name} changed something"
    shown = response.content.decode()
    if "\x00" in value:
        if name in form.texts:
            assert NULL_REFUSED in shown, f"{name} with a null character: no clear error"
    else:
        assert html.escape(value) in shown, f"the typed {name} is not shown back"
    return False


@pytest.mark.parametrize("form_name", FORMS)
def test_staff_forms_survive_hostile_input_and_keep_what_was_typed(client_for, hub, form_name):
    form = FORMS[form_name](client_for, hub)

    @SETTINGS
    @given(name=st.sampled_from([*form.texts, *form.others]), value=HOSTILE)
    def post(name, value):
        _post(form, name, value)

    post()


def _long(length: int) -> str:
    """Mixed scripts without white space at either end, so nothing is stripped."""
    return ("مرحبا ሰላም🙂Ä" * (length // 10 + 1))[:length].strip().ljust(length, "x")


@pytest.mark.parametrize("form_name", [name for name in FORMS if name != "retention"])
def test_a_text_at_its_limit_is_kept_whole_and_one_character_more_is_refused(
    client_for, hub, form_name
):
    form = FORMS[form_name](client_for, hub)
    for name, limit in form.texts.items():
        if limit is None:  # no limit: ten thousand characters are stored whole
            assert _post(form, name, _long(10_000)), name
            continue
        assert _post(form, name, _long(limit)), f"{name}: {limit} characters were refused"
        assert not _post(form, name, _long(limit + 1)), f"{name}: {limit + 1} were accepted"


@pytest.mark.parametrize("value", ["\x00", "Called\x00", "x" * 2001])
def test_a_release_with_a_crafted_text_is_refused_with_a_message_and_changes_nothing(
    client_for, hub, value
):
    professional = client_for(Role.PROFESSIONAL, hub, preferred_language="en")
    case = _claimed_case(hub, professional.user)
    before = (_counts(), _row(Case, case.pk, "status", "claimed_by"))
    response = professional.post(_case_url("case_release", case), {"text": value})
    assert response.status_code == 400
    assert (_counts(), _row(Case, case.pk, "status", "claimed_by")) == before
    shown = response.content.decode()
    assert NULL_REFUSED in shown or "at most 2000 characters" in shown
