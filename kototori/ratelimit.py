"""Rate limits for public forms (kiosk, event sign-up, feedback, data requests), and a honeypot.

A fixed window per client IP and scope, kept in the cache (Redis in production, so every web
process shares the count). Usage::

    @public
    @rate_limit("kiosk", settings.KIOSK_RATE_LIMIT)   # "20/10m": 20 POSTs per 10 minutes
    def kiosk(request, token): ...

Only unsafe methods (POST, …) count; a limited request gets a 429 page in the visitor's language.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/10m"`` → (20, 600)."""
    match = _RATE.match(rate)
    if not match:
        raise ValueError(f"bad rate {rate!r}")
    count, number, unit = match.groups()
    return int(count), int(number or 1) * _UNITS[unit]


def client_ip(request: HttpRequest) -> str:
    # Behind a trusted proxy, set the proxy to overwrite REMOTE_ADDR (see README, production).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, key: str, rate: str) -> bool:
    """Count one hit; True while the caller is within ``rate``."""
    limit, window = parse_rate(rate)
    cache_key = f"rl:{scope}:{key}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count <= limit


def rate_limit(scope: str, rate: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD", "OPTIONS") and not hit(
                scope, client_ip(request), rate
            ):
                return render(request, "429.html", status=429)
            return view(request, *args, **kwargs)

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
