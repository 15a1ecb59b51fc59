"""A second factor for everyone who sees person data, with no way around it."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from kototori.models import Role
from tests.factories import PASSWORD

from .conftest import totp_code

pytestmark = pytest.mark.django_db

PAGES = ["/", "/h/hervanta/", "/h/hervanta/team/", "/partners/", "/admin/", "/admin/kototori/user/"]


@pytest.fixture(autouse=True)
def _mfa_on(settings):
    settings.REQUIRE_MFA = True


# Where a user without a second factor is sent: allauth's overview, where they choose an
# authenticator app (TOTP) or a security key (WebAuthn).
SET_UP = "/accounts/2fa/"


@pytest.mark.parametrize("path", PAGES)
def test_front_desk_without_an_authenticator_is_sent_to_set_one_up_from_every_page(
    frontdesk_client, path
):
    response = frontdesk_client.get(path)
    assert response.status_code == 302
    assert response["Location"] == SET_UP


def test_the_set_up_page_offers_an_authenticator_app_and_a_security_key(frontdesk_client):
    page = frontdesk_client.get("/h/hervanta/", follow=True)
    assert page.redirect_chain == [(SET_UP, 302)]
    assert "Set up an authenticator app or add a security key" in page.content.decode()
    assert 'href="/accounts/2fa/totp/activate/"' in page.content.decode()
    assert 'href="/accounts/2fa/webauthn/add/"' in page.content.decode()


def test_staff_admin_user_without_an_authenticator_cannot_open_the_admin(client_for, hub):
    client = client_for(Role.FUNDER, hub, is_staff=True, is_superuser=True)
    response = client.get("/admin/")
    assert response["Location"] == SET_UP


def test_recovery_codes_alone_do_not_count_as_a_second_factor(frontdesk_client):
    Authenticator.objects.create(
        user=frontdesk_client.user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00"}
    )
    assert frontdesk_client.get("/h/hervanta/")["Location"] == SET_UP


def test_a_funder_who_sees_no_person_data_needs_no_second_factor(client_for, hub):
    client = client_for(Role.FUNDER, hub)
    response = client.get("/h/hervanta/")
    assert response.status_code == 200


def test_the_admins_own_password_login_is_never_shown(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    response = client.post(
        "/admin/login/", {"username": "x@example.org", "password": "x", "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_user_with_totp_must_enter_a_valid_code_at_login(make_member, hub, with_totp, form_login):
    user = make_member(Role.FRONT_DESK, hub)
    secret = with_totp(user)

    client, response = form_login(user)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # The password alone opened nothing.
    assert client.get("/h/hervanta/")["Location"].startswith("/accounts/login/")

    client.get("/accounts/2fa/authenticate/")
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200  # the form again, with an error
    assert client.get("/h/hervanta/")["Location"].startswith("/accounts/login/")

    right = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert right.status_code == 302
    assert client.get("/h/hervanta/").status_code == 200


def test_a_session_opened_without_the_second_factor_is_ended(make_member, hub, with_totp):
    """force_login stands for any login route that skips allauth's MFA stage."""
    user = make_member(Role.FRONT_DESK, hub)
    with_totp(user)
    client = Client()
    client.force_login(user)
    response = client.get("/h/hervanta/")
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)  # allauth records the new authenticator on commit
def test_setting_up_totp_with_a_real_code_opens_the_pages(make_member, hub, form_login):
    user = make_member(Role.FRONT_DESK, hub)
    client, response = form_login(user)
    assert client.get("/h/hervanta/")["Location"] == SET_UP

    # The password just typed at login is enough: allauth does not ask for it again
    # (tests/security/test_mfa_enrolment.py has the whole first login).
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get("/h/hervanta/").status_code == 200


def test_a_password_reset_does_not_log_in_or_skip_the_second_factor(
    make_member, hub, with_totp, mailoutbox
):
    user = make_member(Role.FRONT_DESK, hub)
    with_totp(user)
    client = Client()
    client.post("/accounts/password/reset/", {"email": user.email})
    link = next(
        line for line in mailoutbox[-1].body.splitlines() if "/accounts/password/reset/key/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    response = client.get(path, follow=True)
    new = "a long and unusual sentence for testing"
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    assert client.get("/h/hervanta/")["Location"].startswith("/accounts/login/")
    user.refresh_from_db()
    assert user.check_password(new)


def test_a_removed_membership_stops_working_on_the_next_request(
    make_member, hub, with_totp, form_login
):
    user = make_member(Role.MANAGER, hub)
    secret = with_totp(user)
    client, _ = form_login(user)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert client.get("/h/hervanta/team/").status_code == 200

    user.memberships.update(is_active=False)
    assert client.get("/h/hervanta/team/").status_code == 404


def _open_totp_setup(client):
    """The set-up page of an authenticator app, giving the password again if allauth asks."""
    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302 and page["Location"].startswith("/accounts/reauthenticate/"):
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})
        page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    return client.session["mfa.totp.secret"]


@pytest.mark.django_db(transaction=True)  # allauth records the new authenticator on commit
def test_the_code_used_to_set_up_the_app_is_refused_at_the_next_login_and_a_fresh_one_works(
    make_member, hub, form_login, monkeypatch, settings
):
    import time

    settings.LANGUAGE_CODE = "en"
    now = (int(time.time()) // 30 + 1) * 30 + 1.0  # early in a 30-second step
    monkeypatch.setattr(time, "time", lambda: now)
    user = make_member(Role.FRONT_DESK, hub, preferred_language="en")
    client, _ = form_login(user)
    secret = _open_totp_setup(client)
    code = totp_code(secret, at=now)
    assert client.post("/accounts/2fa/totp/activate/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")

    # Someone who saw the code typed in (or the same person, too fast) tries it again at once.
    client, response = form_login(user)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    again = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert again.status_code == 200
    assert "This code has already been used" in again.content.decode()
    assert client.get("/h/hervanta/")["Location"].startswith("/accounts/login/")

    monkeypatch.setattr(time, "time", lambda: now + 30)
    fresh = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret, at=now + 30)})
    assert fresh.status_code == 302
    assert client.get("/h/hervanta/").status_code == 200


def test_a_code_used_at_login_is_refused_a_second_time(
    make_member, hub, with_totp, form_login, monkeypatch, settings
):
    import time

    settings.LANGUAGE_CODE = "en"
    now = (int(time.time()) // 30 + 1) * 30 + 1.0
    monkeypatch.setattr(time, "time", lambda: now)
    user = make_member(Role.FRONT_DESK, hub, preferred_language="en")
    secret = with_totp(user)
    first, _ = form_login(user)
    assert first.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)}).status_code == 302
    second, _ = form_login(user, ip="198.51.100.20")
    response = second.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert "This code has already been used" in response.content.decode()
    wrong = second.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "Incorrect code." in wrong.content.decode()
