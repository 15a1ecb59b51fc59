"""A security key in a real browser: Chromium's virtual authenticator (driven over the DevTools
protocol) stands in for a USB key. The front desk sets it up when first asked for a second factor,
and the next login asks for it after the password. The strict CSP holds throughout."""

import re

import pytest
from playwright.sync_api import expect

from kototori.models import Role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def virtual_key(page):
    """A USB security key (CTAP2, with a PIN: user verification) plugged into this page's browser.
    Returns a function listing the credentials stored on it."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator_id = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]

    def credentials() -> list[dict]:
        return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})[
            "credentials"
        ]

    yield credentials
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator_id})
    cdp.send("WebAuthn.disable")


@pytest.fixture
def console(page):
    """Everything the page wrote to the console or threw: CSP violations show up here."""
    lines: list[str] = []
    page.on("console", lambda message: lines.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: lines.append(f"pageerror: {error}"))
    return lines


def test_front_desk_adds_a_security_key_and_logs_in_with_it(
    page, live_server, login, make_member, hub, settings, virtual_key, console
):
    settings.REQUIRE_MFA = True
    # WebAuthn needs a secure context and takes the host as the relying party: localhost is one.
    assert live_server.url.startswith("http://localhost:")
    user = make_member(Role.FRONT_DESK, hub)
    failed: list[str] = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))

    # First login: no second factor yet, so every page sends the user to choose one.
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
    page.locator(
        "#mfa_webauthn_add"
    ).click()  # the virtual key answers navigator.credentials.create
    # allauth shows the recovery codes it generated with the first authenticator.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    assert len(virtual_key()) == 1

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(rf"/{hub.slug}/"))
    expect(page.locator("main h1")).to_be_visible()

    # Log out, and in again: the password alone is not enough.
    page.locator("form[action='/accounts/logout/'] button").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    login(page, user)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.goto(f"{live_server.url}/h/{hub.slug}/")
    expect(page).to_have_url(re.compile(r"/accounts/(login|2fa/authenticate)/"))

    page.goto(f"{live_server.url}/accounts/2fa/authenticate/")
    page.locator("#mfa_webauthn_authenticate").click()  # the key answers credentials.get
    expect(page).to_have_url(re.compile(rf"/{hub.slug}/"))
    expect(page.locator("main h1")).to_be_visible()
    assert virtual_key()[0]["signCount"] >= 2  # registered, then used to log in

    assert [line for line in console if "Content Security Policy" in line] == []
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
        if any("Content Security Policy" in line for line in console):
            break
        page.wait_for_timeout(50)
    else:
        pytest.fail("the refused inline script was not reported on the console")
