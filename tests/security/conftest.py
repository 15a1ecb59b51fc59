"""Helpers for the security tests: real logins through allauth's forms, real TOTP codes and a
software security key that signs real WebAuthn answers."""

from __future__ import annotations

import hashlib
import os
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.webauthn.internal.auth import WebAuthn
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from fido2.cose import ES256
from fido2.utils import websafe_decode
from fido2.webauthn import (
    Aaguid,
    AttestationObject,
    AttestedCredentialData,
    AuthenticationResponse,
    AuthenticatorAssertionResponse,
    AuthenticatorAttestationResponse,
    AuthenticatorData,
    CollectedClientData,
    RegistrationResponse,
)

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


# The WebAuthn relying party is the request's host, and browsers (and fido2) accept plain http only
# for localhost: the WebAuthn tests talk to the app as http://localhost.
WEBAUTHN_HOST = "localhost"
WEBAUTHN_ORIGIN = "http://localhost"


class SoftKey:
    """A security key in software: an ES256 key pair whose answers are built and signed exactly as
    a browser and an authenticator would (no attestation, user present and verified)."""

    FLAGS = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV

    def __init__(self, rp_id: str = WEBAUTHN_HOST, origin: str = WEBAUTHN_ORIGIN) -> None:
        self.rp_id = rp_id
        self.origin = origin
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0

    @property
    def rp_id_hash(self) -> bytes:
        return hashlib.sha256(self.rp_id.encode()).digest()

    def register(self, creation_options: dict | None = None) -> dict:
        """The browser's answer to ``navigator.credentials.create`` (JSON form, as allauth posts
        it). Without options the challenge is a dummy: enough to store the key directly."""
        challenge = (
            websafe_decode(creation_options["publicKey"]["challenge"])
            if creation_options
            else os.urandom(32)
        )
        client_data = CollectedClientData.create(
            type=CollectedClientData.TYPE.CREATE, challenge=challenge, origin=self.origin
        )
        credential = AttestedCredentialData.create(
            Aaguid.NONE,
            self.credential_id,
            ES256.from_cryptography_key(self.private_key.public_key()),
        )
        auth_data = AuthenticatorData.create(
            self.rp_id_hash, self.FLAGS | AuthenticatorData.FLAG.AT, self.counter, credential
        )
        response = RegistrationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAttestationResponse(
                client_data=client_data,
                attestation_object=AttestationObject.create("none", auth_data, {}),
            ),
        )
        return dict(response)

    def sign(self, request_options: dict, *, private_key=None) -> dict:
        """The browser's answer to ``navigator.credentials.get`` for these request options; with
        ``private_key`` the answer is signed by some other key (a forgery)."""
        self.counter += 1
        client_data = CollectedClientData.create(
            type=CollectedClientData.TYPE.GET,
            challenge=websafe_decode(request_options["publicKey"]["challenge"]),
            origin=self.origin,
        )
        auth_data = AuthenticatorData.create(self.rp_id_hash, self.FLAGS, self.counter)
        signature = (private_key or self.private_key).sign(
            auth_data + client_data.hash, ec.ECDSA(hashes.SHA256())
        )
        response = AuthenticationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAssertionResponse(
                client_data=client_data, authenticator_data=auth_data, signature=signature
            ),
        )
        return dict(response)


@pytest.fixture
def webauthn_host(settings):
    """Let the test client talk to the app as ``localhost`` (the relying party ID)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, WEBAUTHN_HOST]
    return WEBAUTHN_HOST


@pytest.fixture
def with_security_key(webauthn_host):
    """``with_security_key(user)`` → the :class:`SoftKey` of a newly added WebAuthn authenticator."""

    def add(user) -> SoftKey:
        key = SoftKey()
        WebAuthn.add(user, "Test key", key.register())
        return key

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
