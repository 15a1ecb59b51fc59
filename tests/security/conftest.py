"""Helpers for the security tests: real logins through allauth's forms and real TOTP codes."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client

from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _private_cache(settings, request):
    """Lockout counters and used TOTP codes live in the cache: give each test its own, so parallel
    test processes sharing one Redis can't reset each other's counters."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows now (RFC 6238, 30-second steps, six digits)."""
    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


@pytest.fixture
def with_totp():
    """``with_totp(user)`` → the TOTP secret of a newly activated authenticator."""

    def add(user) -> str:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return secret

    return add


@pytest.fixture
def form_login():
    """``form_login(user, password=..., ip=...)`` → (client, response) after allauth's login form."""

    def login(user, password: str = PASSWORD, ip: str = "192.0.2.10", client=None):
        client = client or Client(REMOTE_ADDR=ip)
        response = client.post(
            "/accounts/login/", {"login": user.email, "password": password}, REMOTE_ADDR=ip
        )
        return client, response

    return login


def pytest_configure(config):
    config.addinivalue_line("markers", "chaos: kills workers and the broker (own Redis, ~40 s)")
    config.addinivalue_line("markers", "backup: dumps and restores the test database")
