"""Shared screens forget: idle-reset.js leaves the page after its idle time, not while in use."""

from __future__ import annotations

import time

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.security.urls"),
]


def test_an_idle_page_returns_to_its_start_page(page, live_server):
    page.goto(f"{live_server.url}/test/idle/?s=1")
    page.wait_for_url(f"{live_server.url}/test/public/", timeout=5000)


def test_typing_keeps_the_page_open(page, live_server):
    page.goto(f"{live_server.url}/test/idle/?s=2")
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        page.keyboard.type("a")
        time.sleep(0.3)
    assert page.url.endswith("/test/idle/?s=2")
    page.wait_for_url(f"{live_server.url}/test/public/", timeout=5000)
