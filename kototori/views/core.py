"""Home routing, language and hub switching, the role dashboards' fallback, the health check and
the page for a failed CSRF check."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kototori import proxycheck
from kototori.access import Perm, hub_permission_required, login_required, memberships, public
from kototori.navigation import current_hub, home_url_for

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from kototori.models import Hub


logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their role's dashboard in their current hub."""
    url = home_url_for(request)
    if url:
        return redirect(url)
    hub = current_hub(request)
    if hub is not None:
        return redirect("hub_dashboard", hub=hub.slug)
    return render(request, "kototori/no_hub.html", status=200)


@hub_permission_required(*Perm)
def hub_dashboard(request: HttpRequest, hub: Hub) -> HttpResponse:
    """The fallback dashboard: the user's roles in this hub and where to go from here."""
    roles = sorted(
        {m.get_role_display() for m in memberships(request) if m.hub_id == hub.pk}, key=str
    )
    return render(request, "kototori/hub_dashboard.html", {"hub": hub, "roles": roles})


@require_POST
@public
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the page language; a logged-in user keeps the choice as their preference."""
    code = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if code in dict(settings.LANGUAGES):
        translation.activate(code)
        if request.user.is_authenticated and request.user.preferred_language != code:
            request.user.preferred_language = code
            request.user.save(update_fields=["preferred_language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=request.is_secure(),
        )
    return response


@require_POST
@login_required
def switch_hub(request: HttpRequest) -> HttpResponse:
    slug = request.POST.get("hub", "")
    if any(m.hub.slug == slug for m in memberships(request)):
        request.session["hub"] = slug
    return redirect("home")


@never_cache
@transaction.non_atomic_requests
@public
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database (and Redis, when configured) answers; 503 otherwise. ``proxy`` says
    whether the requests that arrive match ``TRUSTED_PROXY_COUNT`` (``kototori.proxycheck``); a
    mismatch is a warning, never a 503, as any visitor can send the headers that raise it."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
    if settings.REDIS_URL:
        try:
            cache.set("healthz", "ok", 5)
            checks["redis"] = "ok" if cache.get("healthz") == "ok" else "error"
        except Exception:
            checks["redis"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    try:
        warnings = [
            # Codes only: the page is public; `check --deploy` and the log explain them.
            {
                "code": finding.code,
                "first_seen": datetime.fromtimestamp(first_seen, tz=UTC).isoformat(),
            }
            for finding, first_seen in proxycheck.findings()
        ]
        proxy = "warning" if warnings else "ok"
    except Exception:
        warnings, proxy = [], "unknown"
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            **checks,
            "proxy": proxy,
            "proxy_warnings": warnings,
        },
        status=200 if healthy else 503,
    )


@public
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a form that was open too long (a kiosk left standing, a page kept
    overnight) gets our own page in the person's language, not Django's English-only one with an
    inline style our CSP blocks. The reason stays in the log, not on the page."""
    logger.warning("CSRF check failed: %s", reason)
    return render(request, "403_csrf.html", status=403)
