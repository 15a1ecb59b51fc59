"""Names with Unicode direction controls: they can't reorder the staff pages around them, and the
forms keep them out of new names.

An unclosed right-to-left override (U+202E) in a visitor's first name would reverse the rest of the
queue's line on screen (the ticket number, the waiting time); in a partner's name, the referral
list. Every staff page that lists names shows each name inside ``<bdi>`` (its own direction,
isolated) and without the explicit controls. Forms staff use refuse such a name with a clear
message and keep what was typed; forms visitors use (the kiosk, the data request) leave the
invisible characters out, since a visitor can neither see nor remove them.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advisors.models import ShiftSignup
from kototori.models import AccessLog, Role
from tests.advisors.factories import (
    AdvisorProfileFactory,
    AssignmentFactory,
    CaseFactory,
    ExpertProfileFactory,
    ShiftFactory,
    visitor,
)
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import HubFactory, MembershipFactory, PartnerFactory, UserFactory, topic
from tests.visits.factories import QueueEntryFactory, ReferralFactory
from visits.models import Case, DataRequest, QueueEntry

pytestmark = pytest.mark.django_db

OVERRIDE = "\u202e"  # RIGHT-TO-LEFT OVERRIDE, never closed
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def tricky(name: str) -> str:
    """A name that reads ``name`` plus "gnp.exe" reversed when the override is honoured."""
    return f"{name}{OVERRIDE}exe.png"


def shown(name: str) -> str:
    return f"<bdi>{name}exe.png</bdi>"


@pytest.fixture
def people(hub, make_member):
    """Someone of every kind whose name a staff page lists, each name with an override."""
    staff = {
        role: make_member(role, hub, full_name=tricky(name), preferred_language="en")
        for role, name in (
            (Role.FRONT_DESK, "Fatima"),
            (Role.ADVISOR, "Abdi"),
            (Role.PROFESSIONAL, "Paula"),
            (Role.COORDINATOR, "Kaisa"),
            (Role.MANAGER, "Mirja"),
        )
    }
    expert = make_member(Role.EXPERT, hub, full_name=tricky("Eero"))
    record = visitor(hub, first_name=tricky("Zainab"))
    QueueEntryFactory(hub=hub, number=7, first_name=tricky("Hodan"))
    QueueEntryFactory(
        hub=hub, number=8, first_name=tricky("Amina"), status=QueueEntry.Status.CALLED
    ).__class__.objects.filter(number=8).update(served_by=staff[Role.FRONT_DESK])
    partner = PartnerFactory(name=tricky("Kela"), hubs_served=[hub])
    ReferralFactory(hub=hub, partner=partner, visitor=record)
    profile = AdvisorProfileFactory(
        user=staff[Role.ADVISOR], name=tricky("Ahmed"), hubs=[hub], speaks=["ar"]
    )
    profile.supervisor = staff[Role.PROFESSIONAL]
    profile.save()
    case = CaseFactory(hub=hub, topics=[topic("housing")], visitor=record)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.ESCALATED,
        claimed_by=staff[Role.ADVISOR],
        claimed_at=timezone.now(),
        escalation_reason="Threats",
        last_activity_at=timezone.now() - timedelta(days=60),
    )
    case.notes.create(author=staff[Role.ADVISOR], text="Called the landlord")
    ReferralFactory(hub=hub, partner=partner, visitor=record, case=case)
    shift = ShiftFactory(hub=hub)
    ShiftSignup.objects.create(shift=shift, user=staff[Role.ADVISOR])
    ExpertProfileFactory(user=expert, hubs=[hub])
    AssignmentFactory(hub=hub, partner=partner, expert=expert)
    event = EventFactory(hub=hub, title_en=tricky("Language café"), starts_at=timezone.now())
    RegistrationFactory(event=event, name=tricky("Samira"))
    DataRequest.objects.create(hub=hub, kind="copy", name=tricky("Hodan"), phone="040 1")
    AccessLog.objects.create(
        user=staff[Role.FRONT_DESK],
        hub=hub,
        subject_type="visits.visitor",
        subject_id=record.pk,
        view="visits:visitor",
    )
    return {"staff": staff, "visitor": record, "case": case, "event": event}


def _pages(hub, people):
    h = {"hub": hub.slug}
    record, case, event = people["visitor"], people["case"], people["event"]
    return {
        "visitor list": (
            Role.FRONT_DESK,
            reverse("visits:visitors", kwargs=h) + "?q=Zainab",
            ["Zainab"],
        ),
        "visitor record": (
            Role.FRONT_DESK,
            reverse("visits:visitor_detail", kwargs={**h, "pk": record.pk}),
            ["Zainab", "Kela"],
        ),
        "queue": (
            Role.FRONT_DESK,
            reverse("visits:queue", kwargs=h),
            ["Hodan", "Amina", "Fatima"],
        ),
        "referrals": (Role.FRONT_DESK, reverse("visits:referrals", kwargs=h), ["Kela"]),
        "partners": (Role.FRONT_DESK, reverse("partners:list"), ["Kela"]),
        "advisors": (Role.PROFESSIONAL, reverse("advisors:advisors", kwargs=h), ["Ahmed"]),
        "cases": (Role.PROFESSIONAL, reverse("advisors:cases", kwargs=h), ["Abdi"]),
        "supervision": (Role.PROFESSIONAL, reverse("advisors:supervision", kwargs=h), ["Abdi"]),
        "case": (
            Role.PROFESSIONAL,
            reverse("advisors:case", kwargs={**h, "pk": case.pk}),
            ["Zainab", "Abdi", "Kela"],
        ),
        "shifts": (Role.COORDINATOR, reverse("advisors:shifts", kwargs=h), ["Abdi"]),
        "experts": (Role.COORDINATOR, reverse("advisors:experts", kwargs=h), ["Eero"]),
        "assignments": (
            Role.COORDINATOR,
            reverse("advisors:assignments", kwargs=h),
            ["Eero", "Kela"],
        ),
        "events": (Role.COORDINATOR, reverse("events:dashboard", kwargs=h), ["Language café"]),
        "check-in list": (
            Role.FRONT_DESK,
            reverse("events:checkin_events", kwargs=h),
            ["Language café"],
        ),
        "check-in": (
            Role.FRONT_DESK,
            reverse("events:checkin", kwargs={**h, "pk": event.pk}),
            ["Samira"],
        ),
        "team": (Role.MANAGER, reverse("team", kwargs=h), ["Abdi", "Eero"]),
        "data requests": (
            Role.FRONT_DESK,
            reverse("visits:data_requests", kwargs=h),
            ["Hodan"],
        ),
        "access log": (
            Role.MANAGER,
            reverse("access_log", kwargs=h) + f"?type=visits.visitor&id={record.pk}",
            ["Fatima"],
        ),
    }


PAGES = [
    "visitor list",
    "visitor record",
    "queue",
    "referrals",
    "partners",
    "advisors",
    "cases",
    "supervision",
    "case",
    "shifts",
    "experts",
    "assignments",
    "events",
    "check-in list",
    "check-in",
    "team",
    "data requests",
    "access log",
]


@pytest.mark.parametrize("page", PAGES)
def test_each_staff_page_isolates_the_names_it_lists(client, hub, people, page):
    role, url, names = _pages(hub, people)[page]
    client.force_login(people["staff"][role])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for name in names:
        assert shown(name) in html, f"{name} is not isolated on the {page} page"
    # A choice in a drop-down is a line of its own: an override there can't reorder the page.
    outside_choices = re.sub(r"<option[^>]*>[^<]*</option>", "", html)
    at = outside_choices.find(OVERRIDE)
    assert at < 0, f"an override reaches the {page} page: {outside_choices[at - 200 : at + 40]}"


def test_the_lobby_screen_isolates_the_hubs_name(client, make_member):
    from visits.services import display_token

    hub = HubFactory(slug="itakeskus", name=tricky("Itäkeskus"))
    desk = make_member(Role.FRONT_DESK, hub)
    client.force_login(desk)
    for url in (
        reverse("visits:now_serving", kwargs={"hub": hub.slug}),
        reverse("visits:screen", kwargs={"token": display_token(hub)}),
    ):
        html = client.get(url).content.decode()
        assert f'<h1 class="lobby-title">{shown("Itäkeskus")}</h1>' in html
        assert OVERRIDE not in html


def test_the_bdi_filter_escapes_and_keeps_empty_values_empty():
    from django.template import Context, Template

    template = Template('{% load bidi %}[{{ name|bdi }}][{{ none|bdi|default:"—" }}]')
    out = template.render(Context({"name": f"<b>{CONTROLS}x", "none": None}))
    assert out == "[<bdi>&lt;b&gt;x</bdi>][—]"


def test_a_right_to_left_name_keeps_its_implicit_marks():
    from django.template import Context, Template

    name = "سارة\u200f (Sara)"  # RIGHT-TO-LEFT MARK: legitimate, and contained by the isolate
    out = Template("{% load bidi %}{{ name|bdi }}").render(Context({"name": name}))
    assert out == f"<bdi>{name}</bdi>"


# Forms


def _staff_forms(hub, client_for):
    """(client, url, valid data, name field, where the name lands) for each staff form that takes
    a person's or an organisation's name, or an event's title."""
    from advisors.models import AdvisorProfile
    from events.models import Event
    from kototori.models import PartnerOrganisation, User
    from tests.security.test_bad_input_staff import _event_payload
    from visits.models import Visitor

    return {
        "visitor record": (
            client_for(Role.FRONT_DESK, hub, preferred_language="en"),
            reverse("visits:visitor_create", kwargs={"hub": hub.slug}),
            {
                "visitor-message_language": "fi",
                "consent-scopes": ["record"],
                "consent-language": "fi",
            },
            "visitor-first_name",
            lambda: Visitor.objects.values_list("first_name", flat=True),
        ),
        "invitation": (
            client_for(Role.MANAGER, hub, preferred_language="en"),
            reverse("team", kwargs={"hub": hub.slug}),
            {"email": "new@example.org", "role": "advisor", "preferred_language": "fi"},
            "full_name",
            lambda: User.objects.filter(email="new@example.org").values_list(
                "full_name", flat=True
            ),
        ),
        "partner": (
            client_for(Role.COORDINATOR, hub, preferred_language="en"),
            reverse("partners:create"),
            {
                "kind": "ngo",
                "hubs_served": [hub.pk],
                "is_active": "on",
                **_empty_formsets(),
            },
            "name",
            lambda: PartnerOrganisation.objects.values_list("name", flat=True),
        ),
        "advisor": (
            client_for(Role.PROFESSIONAL, hub, preferred_language="en"),
            reverse("advisors:advisors", kwargs={"hub": hub.slug}),
            {},
            "name",
            lambda: AdvisorProfile.objects.values_list("name", flat=True),
        ),
        "event": (
            client_for(Role.COORDINATOR, hub, preferred_language="en"),
            reverse("events:create", kwargs={"hub": hub.slug}),
            {k: v for k, v in _event_payload().items() if not k.startswith("title_")},
            "title_fi",
            lambda: Event.objects.values_list("title_fi", flat=True),
        ),
    }


def _empty_formsets() -> dict:
    return {
        f"{prefix}-{key}": value
        for prefix in ("services", "contacts")
        for key, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }


STAFF_FORMS = ["visitor record", "invitation", "partner", "advisor", "event"]


@pytest.mark.parametrize("form", STAFF_FORMS)
@pytest.mark.parametrize("control", list(CONTROLS))
def test_staff_forms_refuse_a_name_with_direction_controls_and_keep_it(
    client_for, hub, form, control
):
    client, url, data, field, stored = _staff_forms(hub, client_for)[form]
    typed = f"Aino{control}niksiV"
    response = client.post(url, {**data, field: typed})
    assert response.status_code == 400, form
    html = response.content.decode()
    assert "hidden characters that change the direction of the text" in html
    assert f'value="{typed}"' in html  # what was typed stays in the field
    assert list(stored()) == []
    response = client.post(url, {**data, field: "Aino سارة Virtanen"})
    assert response.status_code == 302, (form, response.content.decode()[:2000])
    assert list(stored()) == ["Aino سارة Virtanen"]


def test_the_kiosk_leaves_direction_controls_out_of_a_visitors_name(client, hub):
    url = reverse("visits:kiosk_checkin", kwargs={"token": hub.kiosk_token, "lang": "ar"})
    response = client.post(url, {"first_name": f"سارة{CONTROLS}", "key": "k1"})
    assert response.status_code == 200
    assert QueueEntry.objects.get().first_name == "سارة"


def test_the_data_request_form_leaves_direction_controls_out_of_a_visitors_name(client, hub):
    url = reverse("visits:data_request", kwargs={"hub": hub.slug})
    response = client.post(
        url, {"kind": "copy", "name": f"Hodan{OVERRIDE}", "phone": "040 123 4567"}
    )
    assert response.status_code == 302
    assert DataRequest.objects.get().name == "Hodan"


def test_a_member_added_elsewhere_still_shows_isolated(client, hub):
    """Names from before this rule, or from the admin, are isolated all the same."""
    user = UserFactory(full_name=tricky("Old"))
    MembershipFactory(user=user, hub=hub, role=Role.ADVISOR)
    manager = UserFactory(preferred_language="en")
    MembershipFactory(user=manager, hub=hub, role=Role.MANAGER)
    client.force_login(manager)
    html = client.get(reverse("team", kwargs={"hub": hub.slug})).content.decode()
    assert shown("Old") in html
