"""A first login reaches a working second factor in one pass (issue 17.6).

A new colleague follows the invitation link, sets a password, logs in, looks around (the e-mail
settings), and sets up an authenticator app, typing the password only at login.
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client

from kototori.models import Role
from kototori.services import membership_invite

from .conftest import totp_code

pytestmark = pytest.mark.django_db(transaction=True)  # allauth records authenticators on commit

NEW_PASSWORD = "a long and unusual sentence for testing"


@pytest.fixture(autouse=True)
def _mfa_on(settings):
    settings.REQUIRE_MFA = True
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def invited(make_member, hub):
    manager = make_member(Role.MANAGER, hub)
    membership, _ = membership_invite(
        hub=hub,
        email="new.person@example.org",
        full_name="New Person",
        role=Role.FRONT_DESK,
        preferred_language="en",
        invited_by=manager,
    )
    return membership.user


def _accept_invitation(browser: Client) -> None:
    body = mail.outbox[-1].body
    link = next(line for line in body.splitlines() if "/accounts/password/reset/key/" in line)
    response = browser.get(link[link.index("/accounts/") :].strip(), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = browser.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302


class Recorder(Client):
    """A test client that remembers every path it posted a password to."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.password_posts: list[str] = []

    def post(self, path, data=None, *args, **kwargs):
        if data and "password" in data:
            self.password_posts.append(path)
        return super().post(path, data, *args, **kwargs)


def test_an_invited_person_opens_their_email_settings_then_sets_up_an_app_typing_the_password_once(
    invited, hub
):
    browser = Recorder()
    _accept_invitation(browser)

    response = browser.post("/accounts/login/", {"login": invited.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert browser.get("/", follow=True).redirect_chain[-1][0] == "/accounts/2fa/"

    assert browser.get("/accounts/email/").status_code == 200

    page = browser.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200, page.get("Location")
    secret = browser.session["mfa.totp.secret"]
    response = browser.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    # The recovery codes that follow open without asking again either.
    assert browser.get(response["Location"]).status_code == 200

    assert Authenticator.objects.filter(user=invited, type=Authenticator.Type.TOTP).exists()
    assert browser.get(f"/h/{hub.slug}/").status_code == 200
    assert browser.password_posts == ["/accounts/login/"]


def test_the_invitation_link_proves_the_address(invited):
    _accept_invitation(Client())
    address = EmailAddress.objects.get(user=invited)
    assert address.email == invited.email
    assert address.verified and address.primary


def test_setting_up_an_app_long_after_login_asks_for_the_password_again(
    invited, monkeypatch, settings
):
    import time

    browser = Client()
    _accept_invitation(browser)
    browser.post("/accounts/login/", {"login": invited.email, "password": NEW_PASSWORD})
    later = time.time() + settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1
    monkeypatch.setattr(time, "time", lambda: later)
    settings.SESSION_IDLE_TIMEOUT = 3600
    response = browser.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


@pytest.mark.browser
def test_in_a_browser_a_first_login_reaches_a_working_app_in_one_pass(
    invited, hub, page, live_server, login
):
    import re
    import time

    from playwright.sync_api import expect

    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    link = next(
        line
        for line in mail.outbox[-1].body.splitlines()
        if "/accounts/password/reset/key/" in line
    )
    page.goto(live_server.url + link[link.index("/accounts/") :].strip())
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    page.press("input[name=password2]", "Enter")
    page.wait_for_load_state()

    login(page, invited, password=NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    page.goto(f"{live_server.url}/accounts/email/")
    expect(page.locator("main")).to_contain_text(invited.email)

    page.goto(f"{live_server.url}/accounts/2fa/")
    page.locator('a[href="/accounts/2fa/totp/activate/"]').click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    secret = page.locator("#authenticator_secret").input_value()
    if time.time() % 30 > 27:  # a code typed just before its 30 seconds run out may expire
        time.sleep(30 - time.time() % 30 + 0.5)
    page.fill("input[name=code]", totp_code(secret))
    page.press("input[name=code]", "Enter")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))

    page.goto(f"{live_server.url}/h/{hub.slug}/")
    expect(page).to_have_url(re.compile(rf"/{hub.slug}/"))
    expect(page.locator("main h1")).to_be_visible()
    assert Authenticator.objects.filter(user=invited, type=Authenticator.Type.TOTP).exists()
    assert not [url for url in visited if "/reauthenticate/" in url]
