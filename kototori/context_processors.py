from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import get_language_info

from .access import memberships
from .navigation import current_hub, navigation_for

if TYPE_CHECKING:
    from django.http import HttpRequest


def kototori(request: HttpRequest) -> dict:
    return {
        "language_choices": [
            get_language_info(code) | {"code": code} for code, _name in settings.LANGUAGES
        ],
        "nav": navigation_for(request),
        "my_memberships": memberships(request),
        "current_hub": current_hub(request) if hasattr(request, "user") else None,
    }
