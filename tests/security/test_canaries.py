"""Leak canaries: hub A's people carry a unique marker (a visitor, a registrant, a volunteer
candidate, a case note about the visitor, a request about their data). Everyone who may not see
them walks every URL of the authorisation matrix they can reach, and the marker must appear in no
page, export (CSV, XLSX and PDF text, iCalendar, JSON), e-mail, text message, log line or queued
task argument.

Who may not see hub A's people: every role of hub B, hub A's funder, an advisor of hub A who holds
no claim on the visitor's case, and anonymous visitors. Signed personal links (the registrant's
own status and cancel links, the partner's referral link) are bearer links handed to the person
or partner concerned, who may see what they show; they are left out of the walk.

And so the test can fail: the people who may see them (front desk, the claim holder, the
coordinator, professionals) do find the marker.
"""

from __future__ import annotations

import logging
from io import BytesIO

import pytest
from celery.app.task import Task
from django.core import mail
from django.test import Client

from kototori.models import Role
from kototori.sms import LocmemBackend
from tests.security.test_matrix import (  # the matrix's table, URL builders and shared records
    ADV2,
    LOGIN,
    PERSONAS,
    TABLE,
    _fast_pdf,  # noqa: F401 (fixture)
    url_for,
    world,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db

BEARER_LINKS = {
    "events:registration",
    "events:cancel_registration",
    "visits:partner_referral",
}


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if (
        kind.startswith("application/pdf")
        and content.startswith(b"%PDF")
        and b"stub" not in content
    ):
        from pypdf import PdfReader

        return "".join(page.extract_text() or "" for page in PdfReader(BytesIO(content)).pages)
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(BytesIO(content), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return content.decode("utf-8", errors="replace")


@pytest.fixture
def task_args(monkeypatch):
    """Every task queued during the test, with its arguments."""
    queued: list[tuple[str, tuple, dict]] = []
    original = Task.apply_async

    def record(self, args=None, kwargs=None, *rest, **options):
        queued.append((self.name, tuple(args or ()), dict(kwargs or {})))
        return original(self, args, kwargs, *rest, **options)

    monkeypatch.setattr(Task, "apply_async", record)
    return queued


def _walk(client: Client, urls: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """GET (or POST with an empty form) each URL; returns (url, text) of every answer."""
    seen = []
    for key, url, method in urls:
        spec = TABLE[key]
        headers = {"HX-Request": "true"} if spec.htmx else {}
        if method == "POST":
            response = client.post(url, {}, headers=headers)
        else:
            response = client.get(url, headers=headers)
        seen.append((url, _text(response)))
    return seen


def _urls_for(persona, objects_of, hub_of) -> list[tuple[str, str, str]]:
    """The URLs this persona can get an answer from (allowed rows; for anonymous, public rows)."""
    urls = []
    for key, spec in TABLE.items():
        if key.split("@")[0] in BEARER_LINKS:
            continue
        if persona is None:
            if spec.anon == LOGIN:
                continue
        elif persona not in spec.allow:
            continue
        urls.append((key, url_for(key, objects_of, hub_of), spec.method))
    return urls


def _assert_no_canary(canary: str, pages, caplog, task_args) -> None:
    needle = canary.lower()
    leaks = [url for url, text in pages if needle in text.lower()]
    assert not leaks, f"{canary} leaked into {leaks}"
    for message in mail.outbox:
        assert needle not in (message.subject + message.body).lower(), "leaked into an e-mail"
    for sms in LocmemBackend.outbox:
        assert needle not in sms["text"].lower(), "leaked into a text message"
    assert needle not in caplog.text.lower(), "leaked into the log"
    for name, args, kwargs in task_args:
        values = [*args, *kwargs.values()]
        assert all(isinstance(v, int | bool | type(None)) for v in values), (name, values)


OBSERVERS = [("b", p) for p in PERSONAS] + [("a", Role.FUNDER), ("a", ADV2), ("anonymous", None)]


@pytest.mark.parametrize(("hub_key", "persona"), OBSERVERS, ids=lambda v: str(v))
@pytest.mark.usefixtures("_fast_pdf")
def test_no_one_who_may_not_see_hub_a_people_finds_their_marker(
    world,  # noqa: F811
    hub_key,
    persona,
    caplog,
    task_args,
):
    a = world["a"]
    caplog.set_level(logging.DEBUG)
    if hub_key == "anonymous":
        client = Client()
        urls = _urls_for(None, a, a)
    else:
        own = world[hub_key]
        client = world["clients"][hub_key, persona]
        urls = _urls_for(persona, own, own)
        if hub_key == "b":  # and hub A's pages and objects, as if guessing their addresses
            urls += _urls_for(persona, a, a)
    pages = _walk(client, urls)
    assert pages  # every observer reaches something
    _assert_no_canary(a.canary, pages, caplog, task_args)


def test_the_funders_real_report_files_hold_no_marker(world, caplog, task_args):  # noqa: F811
    a = world["a"]
    funder = world["clients"]["a", Role.FUNDER]
    keys = ["reports:export@csv", "reports:export@xlsx", "reports:export@pdf", "reports:report"]
    pages = _walk(funder, [(k, url_for(k, a, a), "GET") for k in keys])
    assert all(text for _url, text in pages)
    _assert_no_canary(a.canary, pages, caplog, task_args)


@pytest.mark.usefixtures("_fast_pdf")
def test_those_who_may_see_them_do_find_the_marker(world):  # noqa: F811
    a, clients = world["a"], world["clients"]
    checks = [
        (Role.FRONT_DESK, "visits:visitor_detail", "-Visitor"),
        (Role.FRONT_DESK, "rights:visitor_data_json", "-Visitor"),
        (Role.FRONT_DESK, "visits:data_request_detail", "-DataRequest"),
        (Role.PROFESSIONAL, "visits:data_requests", "-DataRequest"),
        (Role.ADVISOR, "advisors:case@claimed", "-Visitor"),
        (Role.COORDINATOR, "events:detail", "-Registrant"),
        (Role.PROFESSIONAL, "advisors:advisors", "-Candidate"),
    ]
    for persona, key, suffix in checks:
        [(url, text)] = _walk(clients["a", persona], [(key, url_for(key, a, a), "GET")])
        assert a.canary + suffix in text, (persona, url)
