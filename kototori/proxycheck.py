"""Does ``TRUSTED_PROXY_COUNT`` match the requests that really arrive?

Set to 0 behind a proxy, every visitor shares the proxy's address: one person's failed logins
lock everyone out, and one busy hub fills every form's limit. Set above 0 with no proxy in front,
anyone can write their own X-Forwarded-For and pick a fresh address for every try. Settings alone
cannot tell which deployment this is, so the web processes note what they see, in the shared
cache and only when something is off, for ``/healthz`` and ``manage.py check --deploy`` to report.

The notes are keyed by the setting they contradict: once it is changed they no longer apply, and
they expire an hour after they were first made.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache

from .ratelimit import forwarded_for

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

NOTE_SECONDS = 60 * 60
# The monitor may ask the app directly, around the proxy: those requests prove nothing.
IGNORED_PATHS = ("/healthz",)
DOC = "See docs/operations.md, 'The reverse proxy', for the setting of each kind of deployment."


@dataclass(frozen=True)
class Finding:
    code: str
    check_id: str
    message: str
    hint: str


FINDINGS = {
    "forwarded-for-ignored": Finding(
        "forwarded-for-ignored",
        "kototori.W010",
        "TRUSTED_PROXY_COUNT is 0, but requests arrive through a proxy (they carry "
        "X-Forwarded-For and come from a private or loopback address). Every visitor then "
        "shares the proxy's address: one person can lock everyone out of logging in, and the "
        "public forms' limits are shared by all.",
        "Set TRUSTED_PROXY_COUNT to the number of proxies in front that append to "
        "X-Forwarded-For (1 for one nginx or Caddy). " + DOC,
    ),
    "forwarded-for-missing": Finding(
        "forwarded-for-missing",
        "kototori.W011",
        "TRUSTED_PROXY_COUNT is {count}, but requests arrive without X-Forwarded-For: they did "
        "not pass through the proxy. If nothing stands in front, anyone can write that header "
        "and choose a new address for every login attempt.",
        "With no proxy in front, set TRUSTED_PROXY_COUNT=0. With one, make the app reachable "
        "only through it (bind gunicorn to 127.0.0.1) and have it set X-Forwarded-For. " + DOC,
    ),
    "forwarded-for-short": Finding(
        "forwarded-for-short",
        "kototori.W012",
        "TRUSTED_PROXY_COUNT is {count}, but requests carry fewer addresses in X-Forwarded-For: "
        "fewer proxies append to it than the setting says, so the address a client writes "
        "itself could be taken for theirs.",
        "Count only the proxies that append to X-Forwarded-For. " + DOC,
    ),
}


def _key(code: str, count: int) -> str:
    return f"proxycheck:{count}:{code}"


def _private(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback


def _finding_for(request: HttpRequest, count: int) -> str | None:
    entries = forwarded_for(request)
    if count == 0:
        # A visitor's own office or mobile proxy may add the header too; ours connects from a
        # private or loopback address, which nobody on the internet can have.
        if entries and _private(request.META.get("REMOTE_ADDR", "")):
            return "forwarded-for-ignored"
        return None
    if not entries:
        return "forwarded-for-missing"
    if len(entries) < count:
        return "forwarded-for-short"
    return None


def observe(request: HttpRequest) -> None:
    """Note a request that contradicts ``TRUSTED_PROXY_COUNT``. Costs nothing for a request that
    agrees with it, and one cache write at most for one that does not."""
    if request.path.startswith(IGNORED_PATHS):
        return
    count = settings.TRUSTED_PROXY_COUNT
    code = _finding_for(request, count)
    if code is None:
        return
    try:
        if cache.add(_key(code, count), time.time(), timeout=NOTE_SECONDS):
            logger.warning("Proxy setting mismatch: %s (TRUSTED_PROXY_COUNT=%d)", code, count)
    except Exception:  # the cache being down must not fail the request
        logger.exception("Could not note a proxy setting mismatch")


def findings() -> list[tuple[Finding, float]]:
    """What the web processes noted for the current ``TRUSTED_PROXY_COUNT``, with when it was
    first seen. Raises when the cache cannot be read."""
    count = settings.TRUSTED_PROXY_COUNT
    seen = cache.get_many([_key(code, count) for code in FINDINGS])
    return [
        (finding, seen[_key(code, count)])
        for code, finding in FINDINGS.items()
        if _key(code, count) in seen
    ]


def describe(finding: Finding) -> str:
    return finding.message.format(count=settings.TRUSTED_PROXY_COUNT)
