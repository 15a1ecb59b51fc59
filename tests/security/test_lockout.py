"""Five wrong passwords lock that address out of that account for 15 minutes, nobody else."""

from __future__ import annotations

import pytest

from kototori.models import Role

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


def _locked(response) -> bool:
    return response.status_code == 200 and "Too many failed login attempts" in response.text


def _fail(form_login, user, ip, times):
    for _ in range(times):
        _, response = form_login(user, password="wrong password guess", ip=ip)
    return response


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def user(make_member, hub):
    return make_member(Role.FRONT_DESK, hub, preferred_language="en")


def test_five_failures_lock_the_account_from_that_address(user, form_login):
    assert not _locked(_fail(form_login, user, ATTACKER, 5))
    # The right password from the attacker's address no longer helps.
    _, response = form_login(user, ip=ATTACKER)
    assert _locked(response)


def test_the_lockout_does_not_reach_the_real_user_at_another_address(user, form_login):
    _fail(form_login, user, ATTACKER, 6)
    _, response = form_login(user, ip=OWNER)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_lockout_lasts_fifteen_minutes(user, form_login, monkeypatch):
    import time

    _fail(form_login, user, ATTACKER, 5)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 14 * 60)
    assert _locked(form_login(user, ip=ATTACKER)[1])
    monkeypatch.setattr(time, "time", lambda: now + 15 * 60 + 1)
    assert form_login(user, ip=ATTACKER)[1].status_code == 302


def test_one_address_guessing_many_accounts_is_slowed_down(make_member, hub, form_login):
    users = [make_member(Role.FRONT_DESK, hub) for _ in range(11)]
    responses = [form_login(u, password="wrong password guess", ip=ATTACKER)[1] for u in users]
    assert not any(_locked(r) for r in responses[:10])
    assert _locked(responses[10])
