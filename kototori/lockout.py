"""Failed logins: a growing delay per account, and the devices its owner logged in from before.

The login limits come in three layers, all keyed on the same client address
(``kototori.ratelimit.client_ip``):

1. allauth's ``login_failed`` limits (``ACCOUNT_RATE_LIMITS``, from ``LOGIN_ADDRESS_RATE_LIMIT``
   and ``LOGIN_ACCOUNT_ADDRESS_RATE_LIMIT``): failures per address across accounts, and per
   account and address. For a known device the second is per account and *device*, and the first
   does not apply (a visitor on the hub's Wi-Fi cannot stop the staff's own browsers).
2. Per account, from every browser it was not used on (here): after ``LOGIN_ACCOUNT_FREE_FAILURES``
   failures each further try waits 1, 2, 4 … seconds after the last failure, at most
   ``LOGIN_ACCOUNT_MAX_DELAY``. Many addresses, or addresses faked through a wrong
   ``TRUSTED_PROXY_COUNT``, buy an attacker nothing; a refused try does not make the wait longer.
3. Known devices: a signed cookie, set at the end of every full login (the second factor included)
   and by a password-reset link from the account's e-mail. It takes its browser past layer 2 and
   the per-address limit, so an attacker spraying from many addresses cannot lock the owner out of
   the browsers they use (OWASP's "device cookies"). A new password voids it.

A person on a new device while their account is under attack waits, or uses "Forgot your
password?": the link arrives by e-mail and marks that browser as known.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from typing import TYPE_CHECKING, Any

from allauth.core.internal.ratelimit import cache_lock
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

# After a day without failures the account starts afresh.
ACCOUNT_MEMORY_SECONDS = 24 * 60 * 60
DEVICE_SALT = "kototori.known-device"
# A shared front-desk computer keeps the cookies of its last few users.
DEVICES_PER_BROWSER = 5
REMEMBER_ATTR = "_kototori_remember_device"


def _account_key(login: str) -> str:
    digest = hashlib.sha256(login.strip().lower().encode()).hexdigest()
    return f"login:account:{digest}"


def _wait(state: dict[str, Any], now: float) -> float:
    excess = state["failures"] - settings.LOGIN_ACCOUNT_FREE_FAILURES
    if excess < 0:
        return 0.0
    delay = min(2.0**excess, settings.LOGIN_ACCOUNT_MAX_DELAY)
    return max(0.0, state["last"] + delay - now)


def attempt_begin(login: str) -> float:
    """Count a try at ``login``'s account as a failure before the password is checked (so that
    tries sent in parallel wait their turn), unless it must wait. Returns the seconds to wait: 0
    when the try may go ahead. ``attempt_undo`` takes it back when the password was right."""
    key = _account_key(login)
    with cache_lock(key) as locked:
        now = time.time()
        state = cache.get(key) or {"failures": 0, "last": 0.0, "before": 0.0}
        wait = _wait(state, now)
        if not locked and state["failures"] >= settings.LOGIN_ACCOUNT_FREE_FAILURES:
            wait = max(wait, 1.0)  # busy: someone else is trying right now
        if wait > 0:
            return wait
        state = {"failures": state["failures"] + 1, "last": now, "before": state["last"]}
        cache.set(key, state, ACCOUNT_MEMORY_SECONDS)
        return 0.0


def attempt_undo(login: str) -> None:
    key = _account_key(login)
    with cache_lock(key):
        state = cache.get(key)
        if state and state["failures"] > 0:
            state = {**state, "failures": state["failures"] - 1, "last": state["before"]}
            cache.set(key, state, ACCOUNT_MEMORY_SECONDS)


def account_clear(login: str) -> None:
    """The owner proved they read the account's e-mail (a password-reset link)."""
    cache.delete(_account_key(login))


def wait_message(seconds: float) -> str:
    if seconds < 60:
        count = max(1, math.ceil(seconds))
        wait = ngettext("%(count)d second", "%(count)d seconds", count) % {"count": count}
    else:
        count = math.ceil(seconds / 60)
        wait = ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}
    return _(
        "Too many failed login attempts for this account from devices it has not been used on. "
        "Try again in %(wait)s, log in from a device you have used before, or choose "
        "“Forgot your password?” to get a link by e-mail."
    ) % {"wait": wait}


# Known devices


def _auth_hash(user: Any) -> str:
    # Derived from the password hash: a new password voids every device cookie.
    return user.get_session_auth_hash()[:24]


def _entries(request: HttpRequest) -> list[dict[str, Any]]:
    value = request.COOKIES.get(settings.KNOWN_DEVICE_COOKIE_NAME)
    if not value:
        return []
    try:
        entries = signing.loads(
            value, salt=DEVICE_SALT, max_age=settings.LOGIN_KNOWN_DEVICE_DAYS * 86400
        )
    except signing.BadSignature:
        return []
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def known_device(request: HttpRequest, user: Any) -> str | None:
    """The id of this browser as a known device of ``user``, or None."""
    if user is None:
        return None
    for entry in _entries(request):
        if entry.get("u") == user.pk and constant_time_compare(
            entry.get("h", ""), _auth_hash(user)
        ):
            return str(entry.get("d"))
    return None


def remember_device(request: HttpRequest, user: Any) -> None:
    """Mark this browser as a known device of ``user`` (``KnownDeviceMiddleware`` sets the
    cookie on the response)."""
    setattr(request, REMEMBER_ATTR, user)


def set_device_cookie(request: HttpRequest, response: HttpResponse, user: Any) -> None:
    device = known_device(request, user) or secrets.token_urlsafe(12)
    entries = [e for e in _entries(request) if e.get("u") != user.pk]
    entries.insert(0, {"u": user.pk, "d": device, "h": _auth_hash(user)})
    response.set_cookie(
        settings.KNOWN_DEVICE_COOKIE_NAME,
        signing.dumps(entries[:DEVICES_PER_BROWSER], salt=DEVICE_SALT, compress=True),
        max_age=settings.LOGIN_KNOWN_DEVICE_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
