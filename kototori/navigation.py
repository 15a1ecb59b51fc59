"""Navigation by role, and each role's home page.

Each app declares its menu in ``<app>/nav.py``: ``ITEMS`` (``NavItem``s) and ``HOMES`` (role → URL
name of that role's dashboard). The menu shows an item only where the user holds its permission, so
the menu and the views share one source of truth: ``kototori.access.POLICY``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .access import Perm, has_perm, hubs_with, memberships
from .models import Hub, Role

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.utils.functional import Promise

NAV_APPS = ("kototori", "visits", "advisors", "events", "translations")
# Menu groups, by the app that declares the item; shown as groups when a person has many items.
NAV_GROUPS = {
    "visits": _("Front desk"),
    "advisors": _("Cases and volunteers"),
    "events": _("Events"),
    "translations": _("Translations"),
    "kototori": _("Hub"),
}
FLAT_MENU_MAX = 7

# When a user holds several roles in a hub, home is the dashboard of the first of these.
ROLE_PRIORITY = (
    Role.MANAGER,
    Role.PROFESSIONAL,
    Role.COORDINATOR,
    Role.FRONT_DESK,
    Role.ADVISOR,
    Role.EXPERT,
    Role.FUNDER,
    Role.REVIEWER,
)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    perms: tuple[Perm, ...]
    hub_scoped: bool = True
    order: int = 100
    group: str = ""  # filled in from the declaring app


@cache
def _registry() -> tuple[tuple[NavItem, ...], dict[str, str]]:
    items: list[NavItem] = []
    homes: dict[str, str] = {}
    for app in NAV_APPS:
        try:
            module = importlib.import_module(f"{app}.nav")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.nav":
                raise
            continue
        items.extend(replace(item, group=app) for item in getattr(module, "ITEMS", ()))
        homes.update(getattr(module, "HOMES", {}))
    return tuple(sorted(items, key=lambda item: item.order)), homes


def current_hub(request: HttpRequest) -> Hub | None:
    """The hub the user is working in: the one in the URL, else the one chosen in the session, else
    their first hub."""
    hub = getattr(request, "hub", None)
    if hub is not None:
        return hub
    hubs = {m.hub.slug: m.hub for m in memberships(request)}
    if not hubs:
        return None
    chosen = request.session.get("hub") if hasattr(request, "session") else None
    if chosen in hubs:
        return hubs[chosen]
    return sorted(hubs.values(), key=lambda hub: hub.name)[0]


def _url(item: NavItem, hub: Hub | None) -> str | None:
    try:
        if item.hub_scoped:
            return reverse(item.url_name, kwargs={"hub": hub.slug}) if hub else None
        return reverse(item.url_name)
    except NoReverseMatch:
        return None


def navigation_for(request: HttpRequest) -> list[dict]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return []
    hub = current_hub(request)
    current = getattr(getattr(request, "resolver_match", None), "view_name", None)
    items, _homes = _registry()
    nav = []
    for item in items:
        if item.hub_scoped:
            allowed = hub is not None and any(has_perm(request, p, hub) for p in item.perms)
        else:
            allowed = any(has_perm(request, p) for p in item.perms)
        url = _url(item, hub) if allowed else None
        if url:
            nav.append(
                {
                    "label": item.label,
                    "url": url,
                    "active": item.url_name == current,
                    "group": item.group,
                }
            )
    return nav


def grouped(nav: list[dict]) -> list[dict]:
    """The menu in groups (front desk, cases and volunteers, events, hub) for people with many
    items; a group of one item is shown as that item."""
    groups: dict[str, dict] = {}
    for item in nav:
        group = groups.setdefault(
            item["group"],
            {"label": NAV_GROUPS.get(item["group"], ""), "items": [], "active": False},
        )
        group["items"].append(item)
        group["active"] = group["active"] or item["active"]
    return list(groups.values())


def home_url_for(request: HttpRequest) -> str | None:
    """The dashboard of the user's main role in their current hub, if that page exists."""
    hub = current_hub(request)
    if hub is None:
        return None
    _items, homes = _registry()
    roles = {m.role for m in memberships(request) if m.hub_id == hub.pk}
    for role in ROLE_PRIORITY:
        if role in roles and role in homes:
            try:
                return reverse(homes[role], kwargs={"hub": hub.slug})
            except NoReverseMatch:
                continue
    return None


__all__ = ["NavItem", "current_hub", "home_url_for", "hubs_with", "navigation_for"]
