"""axe-core on every main page of every role, and on every visitor page in Finnish and in Arabic.

The tables below are the coverage: ``STAFF_PAGES`` says which pages each role is checked on (a page
several roles share is listed under each role whose daily work it is, and every role is checked on
its own landing page, whose navigation differs); ``VISITOR_PAGES`` lists the pages visitors open,
each checked in Finnish and in Arabic (right to left), forms also with their error messages shown.
A serious or critical violation fails the test, which prints the rule, the page and the element.

One browser context is shared by the whole module (axe is added to it once); each role logs in by
its session cookie.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from events.services import cancel_token
from kototori.models import Role
from tests.browser.axe import add_axe, axe_check, report
from tests.factories import MembershipFactory, UserFactory
from tests.rights.world import build_hub
from visits.models import DataRequest
from visits.services import display_token, referral_token
from visits.views.data_requests import receipt_token

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

    from tests.rights.world import HubWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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


def _hub(name: str, query: str = "") -> Callable[[HubWorld], str]:
    return lambda w: reverse(name, kwargs={"hub": w.hub.slug}) + query


def _obj(name: str, kind: str, query: str = "") -> Callable[[HubWorld], str]:
    return lambda w: reverse(name, kwargs={"hub": w.hub.slug, "pk": w.objects[kind].pk}) + query


def _review(name: str, **kwargs: Callable[[HubWorld], object]) -> Callable[[HubWorld], str]:
    """A translation-review page in Arabic, the reviewer's language in this world."""
    return lambda w: reverse(
        name,
        kwargs={"hub": w.hub.slug, "language": "ar", **{k: f(w) for k, f in kwargs.items()}},
    )


# Page key → its URL in a hub world built by tests.rights.world.build_hub.
PAGES: dict[str, Callable[[HubWorld], str]] = {
    "home (the role's landing page)": lambda w: reverse("home"),
    "hub_dashboard": _hub("hub_dashboard"),
    "security (MFA)": lambda w: reverse("mfa_index"),
    # Front desk
    "visits:desk": _hub("visits:desk"),
    "visits:visit_detail": _obj("visits:visit_detail", "visit"),
    "visits:queue": _hub("visits:queue"),
    "visits:now_serving": _hub("visits:now_serving"),
    "visits:visitors": _hub("visits:visitors"),
    "visits:visitor_create": _hub("visits:visitor_create"),
    "visits:consent_text": _hub("visits:consent_text", "?lang=fi"),
    "visits:visitor_detail": _obj("visits:visitor_detail", "visitor"),
    "visits:visitor_edit": _obj("visits:visitor_edit", "visitor"),
    "visits:consent_withdraw": _obj("visits:consent_withdraw", "visitor", "?scope=record"),
    "visits:consent_give": _obj("visits:consent_give", "visitor", "?scope=reminders"),
    "visits:referrals": _hub("visits:referrals"),
    "visits:referral_create": _hub("visits:referral_create"),
    "visits:referral_detail": _obj("visits:referral_detail", "referral"),
    "visits:case_create": _hub("visits:case_create"),
    "visits:outreach": _hub("visits:outreach"),
    "visits:outreach_create": _hub("visits:outreach_create"),
    "visits:data_requests": _hub("visits:data_requests"),
    "visits:data_request_detail": _obj("visits:data_request_detail", "data_request"),
    "rights:visitor_data": _obj("rights:visitor_data", "visitor"),
    "events:checkin_events": _hub("events:checkin_events"),
    "events:checkin": _obj("events:checkin", "event"),
    "partners:list": lambda w: reverse("partners:list"),
    "partners:detail": lambda w: reverse("partners:detail", kwargs={"pk": w.objects["partner"].pk}),
    "visits:offline": lambda w: reverse("visits:offline"),
    # Advisors and experts
    "advisors:pool": _hub("advisors:pool"),
    "advisors:case (claimed)": _obj("advisors:case", "claimed_case"),
    "advisors:shifts": _hub("advisors:shifts"),
    "advisors:hours": _hub("advisors:hours"),
    "advisors:expert_home": _hub("advisors:expert_home"),
    # Professionals: cases, advisors and their training
    "advisors:home": _hub("advisors:home"),
    "advisors:supervision": _hub("advisors:supervision"),
    "advisors:cases": _hub("advisors:cases"),
    "advisors:case": _obj("advisors:case", "case"),
    "advisors:advisors": _hub("advisors:advisors"),
    "advisors:advisor": _obj("advisors:advisor", "advisor_profile"),
    "advisors:trainings": _hub("advisors:trainings"),
    "advisors:training_session": _obj("advisors:training_session", "training_session"),
    "advisors:supervision_sessions": _hub("advisors:supervision_sessions"),
    "rights:visitor_erase": _obj("rights:visitor_erase", "visitor"),
    "advisors:case_refer": _obj("advisors:case_refer", "case"),
    # Coordinators: events, experts, partners
    "events:dashboard": _hub("events:dashboard"),
    "events:create": _hub("events:create"),
    "events:detail": _obj("events:detail", "event"),
    "events:edit": _obj("events:edit", "event"),
    "events:feedback": _hub("events:feedback"),
    "advisors:assignments": _hub("advisors:assignments"),
    "advisors:assignment": _obj("advisors:assignment", "assignment"),
    "advisors:experts": _hub("advisors:experts"),
    "partners:create": lambda w: reverse("partners:create"),
    "partners:edit": lambda w: reverse("partners:edit", kwargs={"pk": w.objects["partner"].pk}),
    # Managers
    "team": _hub("team"),
    "access_log": _hub("access_log"),
    "visits:kiosk_settings": _hub("visits:kiosk_settings"),
    "reports:hub_overview": _hub("reports:hub_overview"),
    "rights:retention": _hub("rights:retention"),
    "rights:retention_preview": _hub("rights:retention_preview"),
    "translations:reviewers": _hub("translations:reviewers"),
    # Translation reviewers
    "translations:overview": _hub("translations:overview"),
    "translations:strings": _review("translations:strings"),
    "translations:events": _review("translations:events"),
    "translations:event": _review("translations:event", pk=lambda w: w.objects["event"].pk),
    # Reports (funders and whoever reads them)
    "reports:report": lambda w: reverse("reports:report"),
    "reports:hub_report": _hub("reports:hub_report"),
}

FRONT_DESK_PAGES = [
    "visits:desk",
    "visits:visit_detail",
    "visits:queue",
    "visits:now_serving",
    "visits:visitors",
    "visits:visitor_create",
    "visits:consent_text",
    "visits:visitor_detail",
    "visits:visitor_edit",
    "visits:consent_withdraw",
    "visits:consent_give",
    "visits:referrals",
    "visits:referral_create",
    "visits:referral_detail",
    "visits:case_create",
    "visits:outreach",
    "visits:outreach_create",
    "visits:data_requests",
    "visits:data_request_detail",
    "rights:visitor_data",
    "events:checkin_events",
    "events:checkin",
    "partners:list",
    "partners:detail",
    "visits:offline",
]

# Role → the pages it is checked on.
STAFF_PAGES: dict[str, list[str]] = {
    FD: ["home (the role's landing page)", "hub_dashboard", "security (MFA)", *FRONT_DESK_PAGES],
    ADV: [
        "home (the role's landing page)",
        "advisors:pool",
        "advisors:case (claimed)",
        "advisors:shifts",
        "advisors:hours",
    ],
    EXP: ["home (the role's landing page)", "advisors:expert_home"],
    PRO: [
        "home (the role's landing page)",
        "advisors:home",
        "advisors:supervision",
        "advisors:cases",
        "advisors:case",
        "advisors:advisors",
        "advisors:advisor",
        "advisors:trainings",
        "advisors:training_session",
        "advisors:supervision_sessions",
        "rights:visitor_erase",
        "advisors:case_refer",
    ],
    CO: [
        "home (the role's landing page)",
        "events:dashboard",
        "events:create",
        "events:detail",
        "events:edit",
        "events:feedback",
        "advisors:assignments",
        "advisors:assignment",
        "advisors:experts",
        "advisors:shifts",
        "partners:create",
        "partners:edit",
        "reports:report",
    ],
    MGR: [
        "home (the role's landing page)",
        "team",
        "access_log",
        "visits:kiosk_settings",
        "reports:hub_overview",
        "rights:retention",
        "rights:retention_preview",
        "visits:desk",
        "visits:queue",
        "translations:reviewers",
    ],
    REV: [
        "home (the role's landing page)",
        "translations:overview",
        "translations:strings",
        "translations:events",
        "translations:event",
    ],
    FUN: ["home (the role's landing page)", "reports:report", "reports:hub_report"],
}


def _submit(page: Page) -> None:
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def _kiosk_ticket(page: Page) -> None:
    page.locator(".pictogram-choice").first.click()
    _submit(page)


def _data_request_sent(page: Page) -> None:
    page.locator("input[name=kind]").first.check()
    page.locator("input[name=name]").fill("Amina")
    page.locator("input[name=phone]").fill("+358 40 123 4567")
    _submit(page)


def _token(kind: str, make: Callable) -> Callable[[HubWorld], str]:
    return lambda w: make(w.objects[kind])


# Visitor page → (its URL, with {lang} for the language; then what the visitor does on it).
VISITOR_PAGES: dict[str, tuple[Callable[[HubWorld], str], Callable[[Page], None] | None]] = {
    "kiosk: choose a language": (lambda w: f"/kiosk/{w.hub.kiosk_token}/?lang={{lang}}", None),
    "kiosk: topics and name": (lambda w: f"/kiosk/{w.hub.kiosk_token}/{{lang}}/", None),
    "kiosk: the ticket": (lambda w: f"/kiosk/{w.hub.kiosk_token}/{{lang}}/", _kiosk_ticket),
    "lobby screen": (lambda w: f"/screen/{display_token(w.hub)}/?lang={{lang}}", None),
    "event calendar": (
        lambda w: reverse("events:calendar", args=[w.hub.slug]) + "?lang={lang}",
        None,
    ),
    "event page": (lambda w: w.objects["event"].get_absolute_url() + "?lang={lang}", None),
    "event poster": (
        lambda w: (
            reverse("events:poster", args=[w.hub.slug, w.objects["event"].pk]) + "?lang={lang}"
        ),
        None,
    ),
    "sign-up form": (
        lambda w: (
            reverse("events:register", args=[w.hub.slug, w.objects["event"].pk]) + "?lang={lang}"
        ),
        None,
    ),
    "sign-up form, nothing filled in (errors)": (
        lambda w: (
            reverse("events:register", args=[w.hub.slug, w.objects["event"].pk]) + "?lang={lang}"
        ),
        _submit,
    ),
    "registration status": (
        lambda w: (
            reverse("events:registration", args=[cancel_token(w.objects["registration"])])
            + "?lang={lang}"
        ),
        None,
    ),
    "cancel a registration": (
        lambda w: (
            reverse("events:cancel_registration", args=[cancel_token(w.objects["registration"])])
            + "?lang={lang}"
        ),
        None,
    ),
    "the event is over": (
        lambda w: (
            reverse("events:registration", args=[cancel_token(w.objects["past_registration"])])
            + "?lang={lang}"
        ),
        None,
    ),
    "feedback": (
        lambda w: (
            reverse("events:feedback_form", args=[w.hub.slug, w.objects["past_event"].pk])
            + "?lang={lang}"
        ),
        None,
    ),
    "feedback, no face chosen (errors)": (
        lambda w: (
            reverse("events:feedback_form", args=[w.hub.slug, w.objects["past_event"].pk])
            + "?lang={lang}"
        ),
        _submit,
    ),
    "data request": (
        lambda w: reverse("visits:data_request", args=[w.hub.slug]) + "?lang={lang}",
        None,
    ),
    "data request, nothing filled in (errors)": (
        lambda w: reverse("visits:data_request", args=[w.hub.slug]) + "?lang={lang}",
        _submit,
    ),
    "data request sent": (
        lambda w: reverse("visits:data_request", args=[w.hub.slug]) + "?lang={lang}",
        _data_request_sent,
    ),
    "data request receipt": (
        lambda w: (
            reverse(
                "visits:data_request_sent",
                args=[w.hub.slug, receipt_token(w.objects["data_request"])],
            )
            + "?lang={lang}"
        ),
        None,
    ),
    "partner's referral link": (
        lambda w: (
            reverse("visits:partner_referral", args=[referral_token(w.objects["referral"])])
            + "?lang={lang}"
        ),
        None,
    ),
}

# Pages a visitor is shown at the desk, in their language, by staff who are logged in.
VISITOR_PAGES_AT_THE_DESK: dict[str, Callable[[HubWorld], str]] = {
    "consent text (read to the visitor)": _hub("visits:consent_text", "?lang={lang}"),
    "the visitor's copy of their data": _obj("rights:visitor_data", "visitor", "?lang={lang}"),
}

VISITOR_LANGS = ["fi", "ar"]


@pytest.fixture(scope="module")
def axe_context(browser):
    """One browser context for the module, with axe-core added to every page it opens."""
    context = browser.new_context(locale="fi-FI")
    add_axe(context)
    yield context
    context.close()


def _build_world() -> HubWorld:
    world = build_hub("hervanta", "Hervanta", canary="Amina")
    world.objects["data_request"] = DataRequest.objects.create(
        hub=world.hub,
        kind=DataRequest.Kind.COPY,
        name="Amina",
        email="amina@example.org",
        visitor=world.objects["visitor"],
    )
    from tests.events.factories import RegistrationFactory

    world.objects["past_registration"] = RegistrationFactory(event=world.objects["past_event"])
    reviewer = UserFactory(email="reviewer-hervanta@example.org", full_name="Reviewer Hervanta")
    MembershipFactory(user=reviewer, hub=world.hub, role=Role.REVIEWER, review_languages=["ar"])
    world.users[Role.REVIEWER] = reviewer
    return world


@pytest.fixture
def world(transactional_db) -> HubWorld:
    return _build_world()


@pytest.fixture
def as_user(axe_context, live_server):
    """``as_user(user)``: the shared context, logged in as ``user`` (or nobody) by session cookie."""

    def log_in(user) -> Page:
        axe_context.clear_cookies()
        if user is not None:
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            axe_context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
        for old in axe_context.pages:
            old.close()
        return axe_context.new_page()

    return log_in


def _check(page: Page, url: str, label: str, then: Callable[[Page], None] | None = None) -> list:
    response = page.goto(url)
    # 410: the pages that say an event is over or a link was withdrawn are pages people read.
    assert response is not None, url
    assert response.status < 400 or response.status == 410, f"{label}: {url} → {response.status}"
    page.wait_for_load_state()
    if then is not None:
        then(page)
    return axe_check(page, f"{label}: {page.url}")


@pytest.mark.parametrize("role", list(STAFF_PAGES))
def test_every_main_page_of_the_role_has_no_serious_axe_violation(
    role, world, as_user, live_server
):
    user = world.users[role]
    user.preferred_language = "fi"
    user.save(update_fields=["preferred_language"])
    page = as_user(user)
    started = time.monotonic()
    violations = []
    for key in STAFF_PAGES[role]:
        violations += _check(page, live_server.url + PAGES[key](world), f"{role} · {key}")
    print(f"axe: {len(STAFF_PAGES[role])} pages as {role} in {time.monotonic() - started:.1f}s")
    assert not violations, report(violations)


@pytest.mark.parametrize("lang", VISITOR_LANGS)
def test_every_visitor_page_has_no_serious_axe_violation(lang, world, as_user, live_server):
    page = as_user(None)
    started = time.monotonic()
    violations = []
    for label, (url, then) in VISITOR_PAGES.items():
        path = url(world).replace("{lang}", lang)
        violations += _check(page, live_server.url + path, f"{lang} · {label}", then)
    page = as_user(world.users[FD])
    for label, url in VISITOR_PAGES_AT_THE_DESK.items():
        path = url(world).replace("{lang}", lang)
        violations += _check(page, live_server.url + path, f"{lang} · {label}")
    count = len(VISITOR_PAGES) + len(VISITOR_PAGES_AT_THE_DESK)
    print(f"axe: {count} visitor pages in {lang} in {time.monotonic() - started:.1f}s")
    assert not violations, report(violations)


def test_the_login_and_error_pages_have_no_serious_axe_violation(as_user, live_server):
    page = as_user(None)
    violations = _check(page, live_server.url + reverse("account_login"), "login")
    violations += _check(
        page, live_server.url + reverse("account_reset_password"), "password reset"
    )
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    violations += axe_check(page, "404")
    assert not violations, report(violations)


def test_every_page_in_the_tables_exists():
    """A typo in the tables would silently check nothing."""
    listed = {key for keys in STAFF_PAGES.values() for key in keys}
    assert listed == set(PAGES)


# Pages of the authorisation matrix (tests/security/test_matrix.py) that axe does not check, and why.
NOT_PAGES = {
    "healthz": "JSON",
    "events:feed": "iCalendar",
    "events:event_ics": "iCalendar",
    "reports:export": "CSV, XLSX and PDF files",
    "rights:visitor_data_pdf": "a PDF (its HTML is rights:visitor_data)",
    "rights:visitor_data_json": "JSON",
    "advisors:advisor_from_visitor": "redirects to the advisor page, which is checked",
    "translations:export": "a .po file",
    "visits:offline_sw": "the offline app's service worker (JavaScript)",
    "visits:offline_manifest": "the offline app's web manifest (JSON)",
    "visits:offline_data": "JSON for the offline app",
    "events:offline_events": "JSON for the offline app",
}


@pytest.mark.django_db
def test_every_html_page_of_the_matrix_is_in_a_table():
    """A new page cannot ship without an accessibility check: every GET row of the authorisation
    matrix resolves to a page in these tables, or is named above as not an HTML page."""
    from django.urls import resolve

    from tests.security.test_matrix import TABLE

    world = _build_world()
    paths = [PAGES[key](world) for key in PAGES]
    paths += [url(world).replace("{lang}", "fi") for url, _then in VISITOR_PAGES.values()]
    paths += [url(world).replace("{lang}", "fi") for url in VISITOR_PAGES_AT_THE_DESK.values()]
    checked = {resolve(path.split("?")[0]).view_name for path in paths}
    checked.add("visits:kiosk_checkin")  # the ticket page is its answer to a POST
    pages = {key.split("@")[0] for key, row in TABLE.items() if row.method == "GET"}
    pages -= set(NOT_PAGES)
    assert sorted(pages - checked) == []


def test_axe_reports_the_rule_and_the_element_of_a_serious_violation(as_user, live_server):
    """The check is not vacuous: a page with an unlabelled field and an image without a text
    alternative fails, and the report names both rules and elements."""
    page = as_user(None)
    page.route(
        "**/axe-sample/",
        lambda route: route.fulfill(
            content_type="text/html",
            body='<!doctype html><html lang="en"><head><title>Sample</title></head><body><main>'
            '<h1>Sample</h1><img src="/static/img/pictograms/home.svg">'
            '<input type="text" id="nameless"></main></body></html>',
        ),
    )
    violations = _check(page, f"{live_server.url}/axe-sample/", "sample")
    text = report(violations)
    assert {v.rule for v in violations} >= {"image-alt", "label"}
    assert "#nameless" in text and "img" in text
