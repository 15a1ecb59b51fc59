"""django-allauth adapter: staff accounts are created by invitation, never by open sign-up.

Failed logins are limited per account *and* client address (``ACCOUNT_RATE_LIMITS['login_failed']``
counts per "key", which allauth makes from the e-mail alone): five wrong passwords from one address
lock that address out of that account for 15 minutes, while the real user, from their own address,
can still log in. An attacker spreading guesses over many addresses still meets the second factor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip

from .ratelimit import client_ip

if TYPE_CHECKING:
    from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        # One definition of "the client" for the login limits and the public forms' limits.
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth keys the lockout by the login alone; add the (proxy-aware) client address.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"
