"""Every URL of the project is behind the one authorisation mechanism, or deliberately public."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

THIRD_PARTY = (
    "allauth.",
    "django.contrib.admin",
    "django.views.static",
    "django.contrib.staticfiles",
)


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _guarded(view) -> bool:
    seen = set()
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        if any(
            getattr(view, attr, None)
            for attr in ("kototori_perms", "kototori_public", "kototori_login_only")
        ):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def test_every_project_view_declares_who_may_use_it():
    unguarded = []
    for route, pattern in _walk(get_resolver().url_patterns):
        callback = pattern.callback
        module = getattr(callback, "__module__", "") or ""
        if module.startswith(THIRD_PARTY) or route.startswith("admin/"):
            continue  # the admin checks is_staff itself (and RequireMFAMiddleware covers it)
        view_class = getattr(callback, "view_class", None)
        if view_class is not None and not module.startswith(
            ("kototori", "visits", "advisors", "events")
        ):
            continue
        if not _guarded(callback):
            unguarded.append(f"{route} → {module}.{getattr(callback, '__name__', callback)}")
    assert not unguarded, (
        "views without @hub_permission_required/@permission_required/@public:\n"
        + "\n".join(unguarded)
    )
