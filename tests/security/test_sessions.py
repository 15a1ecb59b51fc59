"""Staff sessions end after 30 idle minutes and 10 hours at most; staff pages are never cached."""

from __future__ import annotations

import time

import pytest

from kototori.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """A controllable ``time.time`` for the session middleware."""

    class Clock:
        now = time.time()

        def advance(self, seconds: float) -> None:
            self.now += seconds

    c = Clock()
    monkeypatch.setattr(time, "time", lambda: c.now)
    return c


@pytest.fixture
def logged_in(make_member, hub, form_login, clock):
    user = make_member(Role.FRONT_DESK, hub)
    client, response = form_login(user)
    assert response.status_code == 302
    return client


def test_a_session_idle_for_thirty_minutes_ends(logged_in, clock):
    clock.advance(29 * 60)
    assert logged_in.get("/h/hervanta/").status_code == 200
    clock.advance(29 * 60)  # active a moment ago: still fine
    assert logged_in.get("/h/hervanta/").status_code == 200
    clock.advance(30 * 60 + 1)
    response = logged_in.get("/h/hervanta/")
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in logged_in.session


def test_a_busy_session_still_ends_ten_hours_after_login(logged_in, clock):
    for _ in range(20):  # 20 × 29 min = 9 h 40 min of steady work
        clock.advance(29 * 60)
        assert logged_in.get("/h/hervanta/").status_code == 200
    clock.advance(21 * 60)
    assert logged_in.get("/h/hervanta/")["Location"].startswith("/accounts/login/")


def test_an_htmx_request_after_timeout_reloads_the_login_page(logged_in, clock):
    clock.advance(31 * 60)
    response = logged_in.get("/h/hervanta/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/"


def test_pages_for_signed_in_staff_are_never_cached(logged_in):
    response = logged_in.get("/h/hervanta/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.urls("tests.security.urls")
def test_public_pages_keep_their_own_caching(client):
    response = client.get("/test/public/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_expired_sessions_are_removed_by_the_nightly_job(settings):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from kototori.tasks import clear_expired_sessions

    Session.objects.create(
        session_key="old", session_data="x", expire_date=timezone.now() - timedelta(minutes=1)
    )
    Session.objects.create(
        session_key="live", session_data="x", expire_date=timezone.now() + timedelta(hours=1)
    )
    assert "clear-expired-sessions" in settings.CELERY_BEAT_SCHEDULE
    clear_expired_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
