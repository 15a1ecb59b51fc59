"""Web hardening on the production settings: HTTPS only, strict headers, __Host- cookies, CSP."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from kototori.models import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
KEYS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_PATH",
    "SESSION_COOKIE_DOMAIN",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_PATH",
    "CSRF_COOKIE_DOMAIN",
    "LANGUAGE_COOKIE_SECURE",
    "REQUIRE_MFA",
]


def _production_env() -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG", "DATABASE_URL", "REDIS_URL", "CELERY_QUEUE"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        DJANGO_SETTINGS_MODULE="kototori.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="kototori.example.org",
    )
    return env


@pytest.fixture(scope="module")
def production():
    """The settings module as a production process loads it (DEBUG off, nothing else set)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{k: getattr(s, k) for k in {KEYS!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=_production_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    values = json.loads(out.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_the_deploy_checks_pass_on_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_uses_secure_host_only_cookies_and_requires_mfa(production):
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    for prefix in ("SESSION", "CSRF"):
        # A __Host- cookie is dropped by browsers unless Secure, Path=/ and no Domain.
        assert production[f"{prefix}_COOKIE_SECURE"] is True
        assert production[f"{prefix}_COOKIE_PATH"] == "/"
        assert production[f"{prefix}_COOKIE_DOMAIN"] is None
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["REQUIRE_MFA"] is True


@pytest.fixture
def prod(settings, production):
    for key, value in production.items():
        if key not in {"DEBUG", "REQUIRE_MFA"}:
            setattr(settings, key, value)
    settings.ALLOWED_HOSTS = ["kototori.example.org"]
    return settings


HTTPS = {"HTTP_HOST": "kototori.example.org", "HTTP_X_FORWARDED_PROTO": "https"}


def test_plain_http_is_redirected_to_https(client, prod):
    response = client.get("/accounts/login/", HTTP_HOST="kototori.example.org")
    assert response.status_code == 301
    assert response["Location"] == "https://kototori.example.org/accounts/login/"


def test_every_page_carries_the_security_headers(client, prod):
    response = client.get("/accounts/login/", **HTTPS)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["style-src"] == "'self'"


def test_the_login_sets_host_only_secure_cookies(client, prod, make_member, hub):
    user = make_member(Role.FUNDER, hub)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, **HTTPS)
    assert response.status_code == 302
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["path"] == "/"
    assert not cookie["domain"]
    assert cookie["samesite"] == "Lax"


@pytest.mark.urls("tests.security.urls")
def test_a_script_may_run_only_with_the_pages_own_nonce(client, prod):
    response = client.get("/test/nonce/", **HTTPS)
    nonce = response.content.decode().split('nonce="')[1].split('"')[0]
    assert len(nonce) >= 16
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    again = client.get("/test/nonce/", **HTTPS)
    assert nonce not in again["Content-Security-Policy"]


def test_no_template_has_an_inline_script_or_style_attribute():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        for needle in ("<script>", "<script type=", " onclick=", " onload=", " style="):
            if needle in text:
                offenders.append(f"{template.relative_to(ROOT)}: {needle.strip()}")
    assert offenders == []
