"""A security key in a real browser: Chromium's virtual authenticator (driven over the DevTools
protocol) stands in for a USB key. The front desk sets it up when first asked for a second factor,
and the next login asks for it after the password. The strict CSP holds throughout."""

import re

import pytest
from playwright.sync_api import expect

from kototori.models import Role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class VirtualKey:
    """A USB security key (CTAP2, with a PIN: user verification) plugged into the page's browser."""

    def __init__(self, page) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("WebAuthn.enable")
        self.id = self.cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "usb",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,  # the user touches it when asked
                }
            },
        )["authenticatorId"]

    def credentials(self) -> list[dict]:
        return self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": self.id})["credentials"]

    def sign_badly(self, bogus: bool = True) -> None:
        """From now on the key's signatures do not verify."""
        self.cdp.send(
            "WebAuthn.setResponseOverrideBits",
            {"authenticatorId": self.id, "isBogusSignature": bogus},
        )

    def forget_everything(self) -> None:
        self.cdp.send("WebAuthn.clearCredentials", {"authenticatorId": self.id})

    def unplug(self) -> None:
        self.cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": self.id})
        self.cdp.send("WebAuthn.disable")


@pytest.fixture
def virtual_key(page):
    key = VirtualKey(page)
    yield key
    key.unplug()


@pytest.fixture
def console(page):
    """Everything the page wrote to the console or threw: CSP violations show up here."""
    lines: list[str] = []
    page.on("console", lambda message: lines.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: lines.append(f"pageerror: {error}"))
    return lines


def csp_violations(console: list[str]) -> list[str]:
    return [line for line in console if "Content Security Policy" in line]


def add_key_at_first_login(page, login, user) -> None:
    """First login without a second factor: choose a security key, add it, log out."""
    login(page, user)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    page.locator('a[href="/accounts/2fa/webauthn/add/"]').click()
    page.wait_for_load_state()
    if "/accounts/reauthenticate/" in page.url:  # allauth may ask for the password once more
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    page.fill("input[name=name]", "Front desk key")
    # The virtual key answers navigator.credentials.create.
    page.locator("#mfa_webauthn_add").click()
    # allauth shows the recovery codes it generated with the first authenticator.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    page.goto(page.url.split("/accounts/")[0] + "/")
    expect(page.locator("main h1")).to_be_visible()  # the desk opens
    page.locator("form[action='/accounts/logout/'] button").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_front_desk_adds_a_security_key_and_logs_in_with_it(
    page, live_server, login, make_member, hub, settings, virtual_key, console
):
    settings.REQUIRE_MFA = True
    # WebAuthn needs a secure context and takes the host as the relying party: localhost is one.
    assert live_server.url.startswith("http://localhost:")
    user = make_member(Role.FRONT_DESK, hub)
    failed: list[str] = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))

    add_key_at_first_login(page, login, user)
    assert len(virtual_key.credentials()) == 1

    # In again: the password alone is not enough.
    login(page, user)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.goto(f"{live_server.url}/h/{hub.slug}/")
    expect(page).to_have_url(re.compile(r"/accounts/(login|2fa/authenticate)/"))

    page.goto(f"{live_server.url}/accounts/2fa/authenticate/")
    page.locator("#mfa_webauthn_authenticate").click()  # the key answers credentials.get
    expect(page).to_have_url(re.compile(rf"/{hub.slug}/"))
    expect(page.locator("main h1")).to_be_visible()
    assert virtual_key.credentials()[0]["signCount"] >= 2  # registered, then used to log in

    assert csp_violations(console) == []
    errors = [line for line in console if line.startswith(("error", "pageerror"))]
    assert [line for line in errors if "Failed to load resource" not in line] == []
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []

    # The check above can see a violation: an inline script is refused, and said so.
    page.evaluate(
        "document.body.appendChild(Object.assign(document.createElement('script'),"
        " {textContent: 'window.__inline = 1'}))"
    )
    assert page.evaluate("window.__inline") is None
    for _ in range(40):
        if csp_violations(console):
            break
        page.wait_for_timeout(50)
    else:
        pytest.fail("the refused inline script was not reported on the console")


def test_a_key_that_answers_wrongly_or_not_at_all_opens_nothing_and_the_user_is_told(
    page, live_server, login, make_member, hub, settings, virtual_key, console
):
    settings.REQUIRE_MFA = True
    user = make_member(Role.FRONT_DESK, hub)
    add_key_at_first_login(page, login, user)
    login(page, user)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))

    # A signature that does not verify: the server refuses it and says so.
    virtual_key.sign_badly()
    page.locator("#mfa_webauthn_authenticate").click()
    expect(page.locator("#webauthn_form .error")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))

    # The key has no credential for this site (another key, or the user cancelled): the browser
    # refuses, and the page says so instead of leaving it on the console.
    virtual_key.sign_badly(False)
    virtual_key.forget_everything()
    page.locator("#mfa_webauthn_authenticate").click()
    expect(page.locator("#webauthn_error")).to_be_visible()
    expect(page.locator("#webauthn_error")).to_be_focused()

    page.goto(f"{live_server.url}/h/{hub.slug}/")
    expect(page).to_have_url(re.compile(r"/accounts/(login|2fa/authenticate)/"))
    assert csp_violations(console) == []
