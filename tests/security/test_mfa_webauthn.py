"""A security key (WebAuthn) counts as the second factor, beside an authenticator app, and is asked
for at every login: with no way around it. The key here is a software key that signs real answers
(tests/security/conftest.py); the browser version is tests/browser/test_webauthn.py."""

from __future__ import annotations

import json
import re

import pytest
from allauth.mfa.models import Authenticator
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from fido2.utils import websafe_encode

from kototori.models import Role
from tests.factories import PASSWORD

from .conftest import WEBAUTHN_HOST, SoftKey
from .test_mfa import PAGES

pytestmark = pytest.mark.django_db

AUTHENTICATE = "/accounts/2fa/authenticate/"


@pytest.fixture(autouse=True)
def _mfa_on(settings, webauthn_host):
    settings.REQUIRE_MFA = True


@pytest.fixture
def key_login(form_login):
    """``key_login(user)`` → (client, response) after the password form, from ``localhost``."""

    def login(user, password: str = PASSWORD):
        client = Client(REMOTE_ADDR="192.0.2.10", HTTP_HOST=WEBAUTHN_HOST)
        return form_login(user, password=password, client=client)

    return login


def request_options(client: Client) -> dict:
    """What the second-factor page hands the browser for ``navigator.credentials.get``."""
    page = client.get(AUTHENTICATE)
    assert page.status_code == 200
    return page.context["js_data"]["request_options"]


def test_a_user_with_only_a_security_key_is_not_sent_to_set_up_totp(
    make_member, hub, with_security_key
):
    user = make_member(Role.FRONT_DESK, hub)
    with_security_key(user)
    client = Client(HTTP_HOST=WEBAUTHN_HOST)
    client.force_login(user)  # any login route that skips allauth's second-factor stage
    response = client.get("/h/hervanta/")
    # Enrolled, so not sent to set anything up; but this session never used the key: it ends.
    assert not response["Location"].startswith("/accounts/2fa/")
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_the_password_alone_stops_at_the_second_factor_and_opens_no_page(
    make_member, hub, with_security_key, key_login
):
    user = make_member(Role.FRONT_DESK, hub, is_staff=True)
    with_security_key(user)
    client, response = key_login(user)
    assert response.status_code == 302
    assert response["Location"] == AUTHENTICATE
    for path in PAGES:
        response = client.get(path, follow=True)
        # Every page leads back through the login page to the second-factor stage.
        assert response.redirect_chain, path
        assert response.redirect_chain[-1][0] == AUTHENTICATE, path
        assert response.status_code == 200


def test_the_second_factor_page_asks_for_this_users_key(
    make_member, hub, with_security_key, key_login
):
    user = make_member(Role.FRONT_DESK, hub)
    key = with_security_key(user)
    client, _ = key_login(user)
    page = client.get(AUTHENTICATE)
    assert 'id="mfa_webauthn_authenticate"' in page.content.decode()
    options = page.context["js_data"]["request_options"]["publicKey"]
    assert options["rpId"] == WEBAUTHN_HOST
    assert [c["id"] for c in options["allowCredentials"]] == [websafe_encode(key.credential_id)]


def test_a_user_with_only_an_app_is_not_offered_a_security_key(make_member, hub, with_totp):
    user = make_member(Role.FRONT_DESK, hub)
    with_totp(user)
    client = Client(REMOTE_ADDR="192.0.2.10", HTTP_HOST=WEBAUTHN_HOST)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    page = client.get(AUTHENTICATE).content.decode()
    assert 'name="code"' in page
    assert "mfa_webauthn_authenticate" not in page


def test_the_key_answering_after_the_password_opens_the_hub(
    make_member, hub, with_security_key, key_login
):
    user = make_member(Role.FRONT_DESK, hub)
    key = with_security_key(user)
    client, _ = key_login(user)
    answer = key.sign(request_options(client))
    response = client.post(AUTHENTICATE, {"credential": _json(answer)})
    assert response.status_code == 302
    assert client.get("/h/hervanta/").status_code == 200
    used = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    assert used.last_used_at is not None


def test_an_answer_signed_by_another_key_is_refused(make_member, hub, with_security_key, key_login):
    user = make_member(Role.FRONT_DESK, hub)
    key = with_security_key(user)
    client, _ = key_login(user)
    forged = key.sign(request_options(client), private_key=ec.generate_private_key(ec.SECP256R1()))
    response = client.post(AUTHENTICATE, {"credential": _json(forged)})
    assert response.status_code == 200  # the page again, with an error
    # ... shown beside the key button (the page is in the default language before login).
    html = response.content.decode()
    assert re.search(r'<form[^>]*id="webauthn_form".*?<p class="error" role="alert">', html, re.S)
    assert client.get("/h/hervanta/")["Location"].startswith("/accounts/login/")


def test_a_replayed_answer_is_refused(make_member, hub, with_security_key, key_login):
    """An answer to an earlier login's challenge (seen over someone's shoulder, or logged) does
    not open a new session."""
    user = make_member(Role.FRONT_DESK, hub)
    key = with_security_key(user)
    first, _ = key_login(user)
    old_answer = key.sign(request_options(first))
    assert first.post(AUTHENTICATE, {"credential": _json(old_answer)}).status_code == 302

    second, _ = key_login(user)
    request_options(second)  # a fresh challenge for this login
    response = second.post(AUTHENTICATE, {"credential": _json(old_answer)})
    assert response.status_code == 200
    assert second.get("/h/hervanta/")["Location"].startswith("/accounts/login/")


def test_a_key_of_another_user_is_refused(make_member, hub, with_security_key, key_login):
    user = make_member(Role.FRONT_DESK, hub)
    with_security_key(user)
    colleague = make_member(Role.FRONT_DESK, hub)
    colleagues_key = with_security_key(colleague)
    client, _ = key_login(user)
    answer = colleagues_key.sign(request_options(client))
    response = client.post(AUTHENTICATE, {"credential": _json(answer)})
    assert response.status_code == 200
    assert client.get("/h/hervanta/")["Location"].startswith("/accounts/login/")


def test_a_key_alone_cannot_log_in_without_the_password(make_member, hub, with_security_key):
    """Passkey (passwordless) login is off: the key is a second factor only."""
    user = make_member(Role.FRONT_DESK, hub)
    with_security_key(user)
    client = Client(HTTP_HOST=WEBAUTHN_HOST)
    assert client.get("/accounts/2fa/webauthn/login/").status_code == 404
    assert client.get(AUTHENTICATE)["Location"].startswith("/accounts/login/")
    login_page = client.get("/accounts/login/").content.decode()
    assert "passkey" not in login_page.lower()


@pytest.mark.django_db(transaction=True)  # allauth records the new authenticator on commit
def test_adding_a_security_key_with_a_real_answer_opens_the_pages(make_member, hub, key_login):
    user = make_member(Role.FRONT_DESK, hub)
    client, _ = key_login(user)
    assert client.get("/h/hervanta/")["Location"] == "/accounts/2fa/"

    add = "/accounts/2fa/webauthn/add/"
    response = client.get(add)
    if response.status_code == 302:  # allauth may ask for the password once more
        assert response["Location"].startswith("/accounts/reauthenticate/")
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})
        response = client.get(add)
    assert response.status_code == 200
    key = SoftKey()
    answer = key.register(response.context["js_data"]["creation_options"])
    response = client.post(add, {"name": "Desk key", "credential": _json(answer)})
    assert response.status_code == 302
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    assert authenticator.data["name"] == "Desk key"
    assert client.get("/h/hervanta/").status_code == 200

    # The next login asks for this key, and it answers.
    client.post("/accounts/logout/")
    client, response = key_login(user)
    assert response["Location"] == AUTHENTICATE
    response = client.post(AUTHENTICATE, {"credential": _json(key.sign(request_options(client)))})
    assert response.status_code == 302
    assert client.get("/h/hervanta/").status_code == 200


def test_a_registration_answer_for_another_site_is_refused(make_member, hub, key_login):
    """A key registered on a look-alike site (another relying party) cannot be added here."""
    user = make_member(Role.FRONT_DESK, hub)
    client, _ = key_login(user)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.get("/accounts/2fa/webauthn/add/")
    assert response.status_code == 200
    phished = SoftKey(rp_id="kototori.example", origin="https://kototori.example")
    answer = phished.register(response.context["js_data"]["creation_options"])
    response = client.post("/accounts/2fa/webauthn/add/", {"credential": _json(answer)})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()


@pytest.mark.parametrize("path", ["/accounts/2fa/webauthn/add/", AUTHENTICATE, "/accounts/2fa/"])
def test_the_security_key_pages_run_no_inline_script(
    make_member, hub, with_security_key, key_login, path
):
    """The CSP allows scripts only from our own origin (or with a nonce): every script element on
    these pages loads a file, or is a JSON data block the browser does not run."""
    user = make_member(Role.FRONT_DESK, hub)
    with_security_key(user)  # so the second-factor page is shown
    client, _ = key_login(user)
    if path != AUTHENTICATE:
        client = Client(HTTP_HOST=WEBAUTHN_HOST)
        client.force_login(make_member(Role.FRONT_DESK, hub))
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    html = client.get(path).content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    for tag in scripts:
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    assert " style=" not in html


def _json(data: dict) -> str:
    return json.dumps(data)


@pytest.mark.django_db(transaction=True)
def test_adding_a_key_does_not_stand_in_for_the_factor_a_user_already_has(
    make_member, hub, with_totp
):
    """Setting up the FIRST second factor proves it; but a session that skipped the user's
    existing factor (any login route but allauth's) cannot make up for it by adding a new key."""
    user = make_member(Role.FRONT_DESK, hub)
    with_totp(user)
    client = Client(HTTP_HOST=WEBAUTHN_HOST)
    client.force_login(user)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    add = "/accounts/2fa/webauthn/add/"
    response = client.get(add)
    assert response.status_code == 200
    answer = SoftKey().register(response.context["js_data"]["creation_options"])
    assert client.post(add, {"credential": _json(answer)}).status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()

    response = client.get("/h/hervanta/")
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
