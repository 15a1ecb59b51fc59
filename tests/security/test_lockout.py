"""Five wrong passwords lock that address out of that account for 15 minutes, nobody else."""

from __future__ import annotations

import pytest
from django.test import Client

from kototori.models import Role
from tests.factories import PASSWORD

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


# Per account, from anywhere (issue 17.4): an attacker with many addresses, or one who can fake
# addresses because TRUSTED_PROXY_COUNT is wrong, meets a growing delay per account; the owner on a
# device they logged in from before is not held up, and a password-reset link unlocks a new one.

PROXY = "10.0.0.5"


def _spray(form_login, user, times, *, start=1, **extra):
    """Wrong passwords for ``user`` from ``times`` different addresses, one try each."""
    for i in range(start, start + times):
        client = Client(REMOTE_ADDR=f"203.0.113.{i}")
        response = client.post(
            "/accounts/login/",
            {"login": user.email, "password": "wrong password guess"},
            REMOTE_ADDR=f"203.0.113.{i}",
            **extra,
        )
    return response


def _known_device(user, form_login, ip=OWNER) -> Client:
    """A browser the owner has logged in from before (and logged out of)."""
    client, response = form_login(user, ip=ip)
    assert response.status_code == 302
    client.post("/accounts/logout/", REMOTE_ADDR=ip)
    return client


@pytest.fixture
def free(settings) -> int:
    return settings.LOGIN_ACCOUNT_FREE_FAILURES


def test_failures_from_many_addresses_slow_down_guessing_on_the_account(user, form_login, free):
    _spray(form_login, user, free)
    # The next try, even with the right password, from yet another address, has to wait.
    _, response = form_login(user, ip="198.51.100.200")
    assert _locked(response)
    assert "Try again in 1 second" in response.text
    assert "Forgot your password?" in response.text


def test_the_delay_doubles_with_each_failure_and_passes(user, form_login, free, monkeypatch):
    import time

    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    _spray(form_login, user, free)
    monkeypatch.setattr(time, "time", lambda: now + 1)
    assert not _locked(_spray(form_login, user, 1, start=100))  # one more wrong guess, allowed
    monkeypatch.setattr(time, "time", lambda: now + 2)
    response = form_login(user, ip="198.51.100.201")[1]
    assert _locked(response)
    assert "Try again in 1 second" in response.text  # 2 s after the last failure
    monkeypatch.setattr(time, "time", lambda: now + 3)
    assert form_login(user, ip="198.51.100.201")[1].status_code == 302


def test_the_delay_stops_growing_at_the_maximum(user, form_login, free, settings, monkeypatch):
    import time

    settings.LOGIN_ACCOUNT_MAX_DELAY = 60
    now = time.time()
    for step in range(12):
        monkeypatch.setattr(time, "time", lambda step=step: now + step * 61)
        _spray(form_login, user, free if step == 0 else 1, start=1 + step * 20)
    monkeypatch.setattr(time, "time", lambda: now + 11 * 61 + 61)
    assert form_login(user, ip="198.51.100.202")[1].status_code == 302


def test_the_owner_on_a_device_they_used_before_logs_in_during_the_attack(user, form_login, free):
    device = _known_device(user, form_login)
    _spray(form_login, user, free * 5)
    assert _locked(form_login(user, ip="198.51.100.203")[1])  # a new device waits
    # The owner's own browser, even from a new address (a café), is let in at once.
    _, response = form_login(user, ip="192.0.2.77", client=device)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_known_device_still_has_its_own_limit(user, form_login):
    device = _known_device(user, form_login)
    for _ in range(5):
        form_login(user, password="wrong password guess", client=device, ip="192.0.2.77")
    _, response = form_login(user, client=device, ip="192.0.2.78")
    assert _locked(response)


def test_a_device_cookie_from_before_a_password_change_counts_for_nothing(user, form_login, free):
    device = _known_device(user, form_login)
    user.set_password("another long and unusual sentence")
    user.save()
    _spray(form_login, user, free)
    _, response = form_login(user, password="another long and unusual sentence", client=device)
    assert _locked(response)


def test_a_password_reset_link_unlocks_the_account_in_that_browser(
    user, form_login, free, mailoutbox
):
    _spray(form_login, user, free * 2)
    browser = Client(REMOTE_ADDR="192.0.2.99")
    browser.post("/accounts/password/reset/", {"email": user.email}, REMOTE_ADDR="192.0.2.99")
    link = next(
        line for line in mailoutbox[-1].body.splitlines() if "/accounts/password/reset/key/" in line
    )
    response = browser.get(link[link.index("/accounts/") :].strip(), follow=True)
    new = "a long and unusual sentence for testing"
    browser.post(response.redirect_chain[-1][0], {"password1": new, "password2": new})
    user.refresh_from_db()
    assert user.check_password(new)
    _, response = form_login(user, password=new, client=browser, ip="192.0.2.99")
    assert response.status_code == 302


def test_with_the_proxy_count_at_0_behind_a_proxy_nobody_locks_out_a_colleague(user, form_login):
    """Every request seems to come from the proxy: the per-address limits are shared by all."""
    device = _known_device(user, form_login, ip=PROXY)
    _fail(form_login, user, PROXY, 6)  # someone else, through the same proxy
    _, response = form_login(user, ip=PROXY, client=device)
    assert response.status_code == 302


def test_with_the_proxy_count_at_0_behind_a_proxy_nobody_locks_out_all_logins(
    make_member, hub, user, form_login
):
    device = _known_device(user, form_login, ip=PROXY)
    others = [make_member(Role.FRONT_DESK, hub) for _ in range(11)]
    for other in others:
        form_login(other, password="wrong password guess", ip=PROXY)
    _, response = form_login(user, ip=PROXY, client=device)
    assert response.status_code == 302


def test_with_the_proxy_count_at_1_and_no_proxy_faked_addresses_give_no_extra_guesses(
    user, form_login, free, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(free):
        Client().post(
            "/accounts/login/",
            {"login": user.email, "password": "wrong password guess"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i + 1}",
        )
    response = Client().post(
        "/accounts/login/",
        {"login": user.email, "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,
        HTTP_X_FORWARDED_FOR="192.0.2.250",
    )
    assert _locked(response)


def test_a_browser_becomes_known_only_after_the_second_factor(
    make_member, hub, form_login, with_totp, settings
):
    from .conftest import totp_code

    settings.SESSION_COOKIE_SECURE = True
    settings.KNOWN_DEVICE_COOKIE_NAME = "__Host-kototori_device"
    user = make_member(Role.FRONT_DESK, hub)
    secret = with_totp(user)
    client, response = form_login(user)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "__Host-kototori_device" not in response.cookies
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    cookie = response.cookies["__Host-kototori_device"]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == "/" and not cookie["domain"]
    assert str(user.email) not in cookie.value
