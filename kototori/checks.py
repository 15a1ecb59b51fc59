"""System checks for the proxy and the limits.

At every start: settings that cannot work (a negative proxy count, a limit that doesn't parse, no
free login failures). With ``--deploy``: what the web processes noted about the requests that
really arrive (``kototori.proxycheck``) — a check cannot see requests itself.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from . import proxycheck
from .ratelimit import parse_rate, registered_settings

LOGIN_RATE_SETTINGS = ("LOGIN_ADDRESS_RATE_LIMIT", "LOGIN_ACCOUNT_ADDRESS_RATE_LIMIT")


@register(Tags.security)
def check_limits(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    if settings.TRUSTED_PROXY_COUNT < 0:
        errors.append(
            Error(
                "TRUSTED_PROXY_COUNT cannot be negative.",
                hint="0 with no proxy in front, 1 behind one nginx or Caddy.",
                id="kototori.E010",
            )
        )
    names = {name for name in dir(settings) if name.endswith("_RATE_LIMIT")}
    for name in sorted(names | registered_settings() | set(LOGIN_RATE_SETTINGS)):
        try:
            parse_rate(str(getattr(settings, name)))
        except ValueError:
            errors.append(
                Error(
                    f"{name} is not a rate: {getattr(settings, name)!r}.",
                    hint='Write count/period, the period in s, m, h or d: "20/10m", "5/h".',
                    id="kototori.E011",
                )
            )
    if settings.LOGIN_ACCOUNT_FREE_FAILURES < 1 or settings.LOGIN_ACCOUNT_MAX_DELAY < 1:
        errors.append(
            Error(
                "LOGIN_ACCOUNT_FREE_FAILURES and LOGIN_ACCOUNT_MAX_DELAY must be at least 1.",
                hint="Every typo would make the owner wait otherwise.",
                id="kototori.E012",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_proxy_seen(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    try:
        found = proxycheck.findings()
    except Exception:  # no cache here (a build machine): nothing was noted to report
        return []
    return [
        Warning(proxycheck.describe(finding), hint=finding.hint, id=finding.check_id)
        for finding, _first_seen in found
    ]
