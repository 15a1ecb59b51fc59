"""Request-wide rules: the user's own language, session lifetimes, a second factor for roles that
see people, and no caching of pages shown to signed-in staff."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from . import lockout, proxycheck
from .access import PERSON_DATA_ROLES, all_roles
from .accounts import email_proven

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest


class UserLanguageMiddleware:
    """After login, pages follow the user's preferred language (set from the language switcher)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


def _to_login(request: HttpRequest) -> HttpResponse:
    """Back to the login page; htmx requests get a full-page redirect instead of a swapped form."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
        return response
    return redirect_to_login(request.get_full_path())


LOGIN_AT_KEY = "kototori_login_at"
LAST_SEEN_KEY = "kototori_last_seen"
# Writing the session on every request costs a database write; a minute's precision is enough.
LAST_SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """A staff session ends after ``SESSION_IDLE_TIMEOUT`` seconds without a request and, however
    busy, ``SESSION_ABSOLUTE_TIMEOUT`` seconds after login (OWASP ASVS 5.0, V7.3).

    Django's own ``SESSION_COOKIE_AGE`` slides with every save, so it cannot be the absolute limit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.setdefault(LOGIN_AT_KEY, now)
            last_seen = session.get(LAST_SEEN_KEY, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            too_old = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or too_old:
                logout(request)  # flushes the session and rotates its key
                messages.info(request, _("Your session ended. Please log in again."))
                return _to_login(request)
            if now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN_KEY not in session:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def session_start(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """``user_logged_in`` receiver: the absolute session limit counts from here."""
    now = time.time()
    request.session[LOGIN_AT_KEY] = now
    request.session[LAST_SEEN_KEY] = now


MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")
ADMIN_LOGIN_PATH = "/admin/login/"
MFA_VERIFIED_KEY = "kototori_mfa_verified"
# What counts as having a second factor. Recovery codes alone do not: they only stand in for one.
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def mfa_required_for(request: HttpRequest) -> bool:
    """Whether this user must use a second factor: staff roles that see person data, and anyone
    who may open the admin."""
    user = request.user
    return bool(
        user.is_authenticated
        and (user.is_staff or user.is_superuser or all_roles(request) & PERSON_DATA_ROLES)
    )


def session_used_mfa(request: HttpRequest) -> bool:
    """Whether this session proved a second factor: at login (allauth records method "mfa" with the
    authenticator's type: a TOTP code, a security key or a recovery code) or by setting up the
    authenticator just now (a valid code or a key's signed answer proves possession of it)."""
    if request.session.get(MFA_VERIFIED_KEY) == str(request.user.pk):
        return True
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def authenticator_added(
    sender: object, request: HttpRequest, user: object, **kwargs: object
) -> None:
    """``allauth.mfa.signals.authenticator_added`` receiver: setting up the user's FIRST second
    factor proves it for this session. Adding another one does not: a session that skipped the
    factor the user already has must not make up for it by adding a new key (or app)."""
    pk = getattr(user, "pk", None)
    if request is None or pk is None:
        return
    new = kwargs.get("authenticator")
    others = Authenticator.objects.filter(user_id=pk, type__in=SECOND_FACTOR_TYPES).exclude(
        pk=getattr(new, "pk", None)
    )
    if not others.exists():
        request.session[MFA_VERIFIED_KEY] = str(pk)  # type: ignore[attr-defined]


class RequireMFAMiddleware:
    """With ``REQUIRE_MFA`` on, a user whose roles see person data (or who may use the admin) must
    set up an authenticator (an app or a security key) before any other page opens, and a session
    that was opened without the second factor (any login route but allauth's) is ended. There is no
    route around it: the admin and every app page pass through here, and the admin's own login
    form is never shown."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(ADMIN_LOGIN_PATH):
            # The admin's password-only login would skip the lockout and the second factor.
            return redirect_to_login(request.GET.get("next") or "/admin/")
        if (
            settings.REQUIRE_MFA
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and mfa_required_for(request)
        ):
            enrolled = Authenticator.objects.filter(
                user=request.user, type__in=SECOND_FACTOR_TYPES
            ).exists()
            if not enrolled:
                # allauth's overview page: the user chooses an authenticator app or a security key.
                messages.info(
                    request,
                    _(
                        "Your role needs a second factor. Set up an authenticator app or add a "
                        "security key to continue."
                    ),
                )
                return redirect("mfa_index")
            if not session_used_mfa(request):
                logout(request)
                return _to_login(request)
        return self.get_response(request)


class NoStoreForStaffMiddleware:
    """Pages shown to a signed-in user may carry person data: no browser, proxy or back-button
    cache may keep them (GDPR art. 32). Public pages keep their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


class ProxyCheckMiddleware:
    """Notes requests that contradict ``TRUSTED_PROXY_COUNT`` for /healthz and ``check --deploy``
    (``kototori.proxycheck``). First in the list, so that it sees every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        proxycheck.observe(request)
        return self.get_response(request)


class KnownDeviceMiddleware:
    """Sets the known-device cookie on the response of a full login or of a password reset from
    the e-mailed link (``kototori.lockout``): the signals that note them have no response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, lockout.REMEMBER_ATTR, None)
        if user is not None:
            lockout.set_device_cookie(request, response, user)
        return response


def password_reset(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """allauth's ``password_reset`` receiver: the link came by e-mail, so its reader owns the
    account and the address. The per-account delay is lifted, this browser becomes a known
    device and the address counts as verified."""
    lockout.account_clear(getattr(user, "email", "") or "")
    lockout.remember_device(request, user)
    email_proven(user)


class ExtraSecurityHeadersMiddleware:
    """Headers Django doesn't set: no powerful browser features (camera, microphone, location…) for
    any page or anything framed in it, and no embedding of our resources by other sites."""

    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=()"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
