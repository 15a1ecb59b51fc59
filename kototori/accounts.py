"""django-allauth adapter: staff accounts are created by invitation, never by open sign-up.

Failed logins meet three layers of limits (see ``kototori.lockout``): allauth's per address and
per account and address (or device), a growing delay per account for browsers it was not used on,
and known-device cookies that let the owner's own browsers past the last two. Every layer sees the
client address of ``kototori.ratelimit.client_ip``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

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

    @staticmethod
    def _known_device(request: HttpRequest, login: str) -> str | None:
        if not login or settings.KNOWN_DEVICE_COOKIE_NAME not in request.COOKIES:
            return None
        user = get_user_model()._default_manager.filter(email__iexact=login).first()
        return lockout.known_device(request, user)
