from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import get_language_info

from .access import memberships
from .navigation import FLAT_MENU_MAX, current_hub, grouped, navigation_for

if TYPE_CHECKING:
    from django.http import HttpRequest


def kototori(request: HttpRequest) -> dict:
    nav = navigation_for(request)
    return {
        "language_choices": [
            get_language_info(code) | {"code": code} for code, _name in settings.LANGUAGES
        ],
        "nav": nav,
        "nav_groups": grouped(nav) if len(nav) > FLAT_MENU_MAX else None,
        "my_memberships": memberships(request),
        "current_hub": current_hub(request) if hasattr(request, "user") else None,
    }
