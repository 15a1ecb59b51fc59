"""Rate limits for public forms (kiosk, event sign-up and feedback, partner links, data requests),
the client address every limit (the login limits too) is keyed on, and a honeypot.

Usage::

    @public
    @rate_limit("event-signup", "EVENT_SIGNUP_RATE_LIMIT", per="pk",
                overall="EVENT_SIGNUP_ADDRESS_RATE_LIMIT")
    def register(request, hub, pk): ...

Every limit is a setting, named here and read on each request (``"20/10m"``: 20 per 10 minutes).
The count is kept in the cache (Redis in production, so every web process shares it), per client
address in fixed windows. Only unsafe methods (POST, …) count, and only when the view accepted
them: a form sent back with errors (4xx), or a view that failed, gives its allowance back, so a
visitor who mistypes is not locked out. With ``per`` the count is per URL argument (an event) *and*
address, so a hub's shared Wi-Fi can fill one event; ``overall`` then caps that address across all
of them. A limited request gets a 429 page in the visitor's language, with ``Retry-After``.

Why not django-ratelimit (4.1.0, July 2023): it declares no Django 5 support, its system checks
reject our development cache (locmem: error) and warn about Django's own Redis cache (which would
fail ``check --deploy --fail-level WARNING``), and its decorator counts before the view runs, so
"don't count rejected submissions" would mean calling its internals around every view anyway.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import math
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# One IPv6 household or phone gets a /64: counting single IPv6 addresses would give each device
# thousands of fresh allowances (the same prefix allauth's login limits use).
IPV6_PREFIX = 64

# The setting names the decorators use, for the system check and the tests.
_REGISTERED: set[str] = set()


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/10m"`` → (20, 600)."""
    match = _RATE.match(rate.strip())
    if not match:
        raise ValueError(f"bad rate {rate!r}")
    count, number, unit = match.groups()
    return int(count), int(number or 1) * _UNITS[unit]


def _clean_ip(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return str(address)


def forwarded_for(request: HttpRequest) -> list[str]:
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return [part.strip() for part in header.split(",") if part.strip()]


def client_ip(request: HttpRequest) -> str:
    """The client's address, as every limit (logins included) sees it.

    Behind ``TRUSTED_PROXY_COUNT`` proxies, each appending the address it saw to X-Forwarded-For,
    the client is the entry that many places from the right: entries further left were written by
    the client and can be anything. A request with fewer entries did not pass through all the
    proxies; it falls back to REMOTE_ADDR (all such requests share one limit: that fails closed)
    and ``kototori.proxycheck`` reports the mismatch.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        entries = forwarded_for(request)
        if len(entries) >= count:
            found = _clean_ip(entries[-count])
            if found:
                return found
    return _clean_ip(remote) or remote or "unknown"


@dataclass
class _Counter:
    key: str
    limit: int
    window: int

    @classmethod
    def make(cls, name: str, setting: str, now: float) -> _Counter:
        limit, window = parse_rate(getattr(settings, setting))
        # Fixed windows aligned to the clock: the key says which window, so it needs no reset.
        return cls(f"rl:{name}:{window}:{int(now // window)}", limit, window)

    def take(self) -> bool:
        cache.add(self.key, 0, timeout=self.window + 60)
        try:
            count = cache.incr(self.key)
        except ValueError:  # expired between add and incr
            cache.set(self.key, 1, timeout=self.window + 60)
            count = 1
        return count <= self.limit

    def give_back(self) -> None:
        with contextlib.suppress(ValueError):  # the window is over: nothing to give back
            cache.decr(self.key)

    def seconds_left(self, now: float) -> int:
        return max(1, math.ceil(self.window - now % self.window))


def registered_settings() -> set[str]:
    """Every setting a ``rate_limit`` decorator has named (once the views are imported)."""
    return set(_REGISTERED)


def rate_limit(
    scope: str, setting: str, *, per: str | None = None, overall: str | None = None
) -> Callable:
    """Limit accepted submissions per client address to the rate in the setting ``setting``; with
    ``per``, per value of that URL argument and address, and at most ``overall`` (another
    setting) per address across all values."""
    for name in (setting, overall):
        if name is not None:
            if not hasattr(settings, name):
                raise AttributeError(f"rate_limit: there is no setting {name}")
            _REGISTERED.add(name)

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in SAFE_METHODS:
                return view(request, *args, **kwargs)
            now = time.time()
            address = client_ip(request)
            counters = [
                _Counter.make(
                    f"{scope}:{kwargs.get(per, '') if per else ''}:{address}", setting, now
                )
            ]
            if overall:
                counters.append(_Counter.make(f"{scope}:*:{address}", overall, now))
            taken: list[_Counter] = []
            for counter in counters:
                taken.append(counter)
                if not counter.take():
                    for each in taken:
                        each.give_back()
                    response = render(request, "429.html", status=429)
                    response["Retry-After"] = str(counter.seconds_left(now))
                    return response
            try:
                response = view(request, *args, **kwargs)
            except BaseException:
                for counter in taken:
                    counter.give_back()
                raise
            if response.status_code >= 400:
                for counter in taken:
                    counter.give_back()
            return response

        return wrapped

    return decorator


class HoneypotFormMixin(forms.Form):
    """A field people never see (hidden by CSS, skipped by keyboard); bots fill it in."""

    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "tabindex": "-1", "class": "hp-field"}
        ),
    )

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Please leave this field empty."))
        return ""
