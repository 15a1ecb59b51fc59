"""django-allauth adapter and forms: staff accounts are created by invitation, never by open
sign-up.

Failed logins meet three layers of limits (see ``kototori.lockout``): allauth's per address and
per account and address (or device), a growing delay per account for browsers it was not used on,
and known-device cookies that let the owner's own browsers past the last two. Every layer sees the
client address of ``kototori.ratelimit.client_ip``.

An authenticator app's code works once: allauth refuses a code already used at login, but not the
one typed to set the app up, which could then open the next login (``ActivateTOTPForm``). A code
refused for having been used says so, instead of "Incorrect code".
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.core.internal import ratelimit as allauth_ratelimit
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import lockout
from .ratelimit import client_ip

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest, HttpResponse


class AccountAdapter(DefaultAccountAdapter):
    _device: str | None = None
    _account_attempt: str | None = None

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        # One definition of "the client" for the login limits and the public forms' limits.
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth keys the lockout by the login alone: add the device, or else the client address,
        # so that nobody can lock a colleague out from elsewhere.
        base = super()._get_login_attempts_cache_key(request, **credentials)
        if self._device:
            return f"{base}:device:{self._device}"
        return f"{base}:{allauth_ratelimit.get_ip(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        login = credentials.get("email") or credentials.get("username") or ""
        self._device = self._known_device(request, login)
        config = None
        if self._device:
            # A known device is not held up by other people's failures at its address.
            config = {"login_failed": f"{settings.LOGIN_ACCOUNT_ADDRESS_RATE_LIMIT}/key"}
        self._login_failed_rl_usage = allauth_ratelimit.consume(
            request,
            app="allauth.account",
            action="login_failed",
            key=self._get_login_attempts_cache_key(request, **credentials),
            config=config,
        )
        if not self._login_failed_rl_usage:
            raise self.validation_error("too_many_login_attempts")
        if self._device is None and login:
            wait = lockout.attempt_begin(login)
            if wait > 0:
                self._login_failed_rl_usage.rollback()
                raise ValidationError(lockout.wait_message(wait), code="too_many_login_attempts")
            self._account_attempt = login

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        self._account_attempt = None
        user = super().authenticate(request, **credentials)
        if user is not None and self._account_attempt:
            lockout.attempt_undo(self._account_attempt)
        return user

    def post_login(
        self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
    ) -> HttpResponse:
        # Every stage, the second factor included, is done: this browser is now a known device.
        lockout.remember_device(request, user)
        return super().post_login(request, user, **kwargs)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """allauth asks for the password again before a second factor is added or removed, even
        right after the login form took it: a first login then typed it twice. A password typed
        at login within ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` counts as typed again."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = context.request
        if not required or request is None or not request.user.is_authenticated:
            return required
        cutoff = time.time() - settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
        return not any(
            record.get("method") == "password" and record.get("at", 0) > cutoff
            for record in get_authentication_records(request, request.user)
        )

    @staticmethod
    def _known_device(request: HttpRequest, login: str) -> str | None:
        if not login or settings.KNOWN_DEVICE_COOKIE_NAME not in request.COOKIES:
            return None
        user = get_user_model()._default_manager.filter(email__iexact=login).first()
        return lockout.known_device(request, user)


def email_proven(user: Any) -> None:
    """The person read a link sent to the account's address (the invitation, a password reset):
    the address is verified. Without this, opening the e-mail settings (which records the address
    as unverified) kept allauth from adding a second factor until a verification mail was read."""
    addresses = EmailAddress.objects.filter(user=user)
    if not user.email or addresses.exclude(email__iexact=user.email).exists():
        return  # the link may have gone to another of the user's addresses
    address = addresses.first() or EmailAddress(user=user, email=user.email)
    address.verified = address.primary = True
    address.save()


# One-time codes


def _used_code_key(user: Any, code: str) -> str:
    # allauth's own key for a used code, so that its login check sees ours and the other way round.
    return TOTP(Authenticator(user_id=user.pk, type=Authenticator.Type.TOTP))._get_used_cache_key(
        code
    )


def _totp_code_was_used(user: Any, code: str) -> bool:
    """Whether ``code`` is the user's current app code, but already used."""
    if not code:
        return False
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return False
    secret = decrypt(authenticator.data["secret"])
    return validate_totp_code(secret, code) and cache.get(_used_code_key(user, code)) is not None


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """allauth's form; the code that proved the app is used up, like a code used at login."""

    def clean_code(self) -> str:
        code = super().clean_code()
        # A code stays valid for its own step and TOTP_TOLERANCE steps either side.
        lifetime = mfa_settings.TOTP_PERIOD * (2 * mfa_settings.TOTP_TOLERANCE + 1)
        cache.set(_used_code_key(self.user, code), "y", timeout=lifetime)
        return code


CODE_USED = _(
    "This code has already been used. Wait until your authenticator app shows a new code, "
    "then enter that one."
)


class _SayWhenCodeWasUsed:
    user: Any
    cleaned_data: dict[str, Any]

    def clean_code(self) -> str:
        try:
            return super().clean_code()  # type: ignore[misc]
        except ValidationError as error:
            if error.code == "incorrect_code" and _totp_code_was_used(
                self.user, self.cleaned_data.get("code", "")
            ):
                raise ValidationError(CODE_USED, code="code_used") from None
            raise


class AuthenticateForm(_SayWhenCodeWasUsed, mfa_forms.AuthenticateForm):
    pass


class ReauthenticateForm(_SayWhenCodeWasUsed, mfa_forms.ReauthenticateForm):
    pass
