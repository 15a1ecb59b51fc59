"""The offline front-desk app: an installable page (web manifest + service worker) that logs
anonymous visits and event attendance without network and syncs them later, exactly once.

- ``offline_app`` is the app shell. It holds no personal data (the service worker keeps a copy
  for offline use), only the form and the user-interface texts in the user's language.
- ``offline_data`` tells the app who is logged in, in which hubs, and gives it a CSRF token; the
  app keeps that in IndexedDB, which the login page clears (``static/js/offline/forget.js``).
- ``offline_sync`` takes a batch of queued visits (``kototori.offline`` has the protocol).
- ``service_worker`` and ``manifest`` make it installable; the worker is served from /offline/ so
  that its scope is the app and nothing else.

Event attendance is the events app's (``events.views.offline``).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kototori.access import Perm, has_perm, hubs_with, permission_required, public
from kototori.offline import MAX_BATCH_ITEMS, BadBatch, bad_batch, batch_items, sync_each

from ..forms import VisitForm
from ..models import VisitChannel
from ..offline import VisitBatch

if TYPE_CHECKING:
    from django.http import HttpRequest

# What the service worker keeps for offline use besides the app page itself. A change to any of
# these files (or to the worker) gives a new cache version, so a release replaces the old assets.
SHELL_ASSETS = (
    "css/kototori.css",
    "css/visits.css",
    "css/offline.css",
    "js/offline/store.js",
    "js/offline/app.js",
    "img/offline/icon.svg",
    "img/offline/icon-192.png",
    "img/offline/icon-512.png",
)
WORKER_SOURCE = "js/offline/sw.js"
CACHE_PREFIX = "kototori-offline-"


def _read_static(path: str) -> bytes:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    return Path(found).read_bytes()


def _worker_config() -> dict:
    digest = hashlib.sha256(_read_static(WORKER_SOURCE))
    assets = []
    for path in SHELL_ASSETS:
        url = static(path)
        assets.append(url)
        digest.update(url.encode())
        digest.update(_read_static(path))
    return {
        "version": digest.hexdigest()[:16],
        "cachePrefix": CACHE_PREFIX,
        "shell": reverse("visits:offline"),
        "assets": assets,
    }


_cached_worker_config = cache(_worker_config)


def worker_config() -> dict:
    """The cache version and asset list; computed once per process, except while developing."""
    return _worker_config() if settings.DEBUG else _cached_worker_config()


def _strings() -> dict[str, str]:
    """Every text the app's script shows, in the user's language."""
    return {
        "online": _("Online"),
        "offline": _("Offline: what you log is kept on this device"),
        "syncing": _("Sending…"),
        "pendingOne": _("1 item waits to be sent."),
        "pendingMany": _("%(count)s items wait to be sent."),
        "allSynced": _("Everything on this device has been sent."),
        "lastSync": _("Last sent at %(time)s."),
        "syncNow": _("Send now"),
        "loginNeeded": _(
            "Your session has ended. Log in again to send what waits: it stays on this device "
            "while you log in."
        ),
        "logIn": _("Log in"),
        "needsLogin": _(
            "Log in once while online to use the offline app on this device. After logging out, "
            "names of event sign-ups are removed from the device."
        ),
        "saved": _("Saved on this device."),
        "savedWaiting": _("Saved on this device; it will be sent when the network is back."),
        "pickTopic": _("Pick at least one topic."),
        "pickHub": _("Choose the hub first."),
        "visit": _("Visit"),
        "checkIn": _("Check-in"),
        "headCount": _("Head count"),
        "headCountText": _("+%(newcomers)s newcomers, +%(residents)s long-term residents"),
        "headCountEmpty": _("Count at least one person."),
        "headCountTotal": _(
            "Counted so far: %(newcomers)s newcomers, %(residents)s long-term residents "
            "(with what waits on this device)."
        ),
        "install": _("Install the app"),
        "waiting": _("Waiting to be sent"),
        "retrying": _("Not sent yet: %(reason)s"),
        "synced": _("Sent"),
        "duplicate": _("Already sent before; nothing was added."),
        "refused": _("Not saved"),
        "refusedCount": _("Not saved: %(count)s (the reasons are in the list below)."),
        "open": _("Details"),
        "remove": _("Remove"),
        "removeConfirm": _("Remove this item from the device? It has not been sent."),
        "dismiss": _("Dismiss"),
        "noItems": _("Nothing logged on this device yet."),
        "othersWaiting": _(
            "Logged on this device by another account and waiting to be sent: %(count)s. They "
            "are sent when that person logs in here."
        ),
        "takeOver": _("Send them under my account"),
        "takeOverConfirm": _(
            "Send these items as logged by you? Do this only if the person who logged them "
            "can't log in here."
        ),
        "noEvents": _("No events in the coming week to check people in to."),
        "noRegistrations": _("Nobody has signed up by name; use the head count."),
        "eventsAsOf": _("Sign-ups as of %(time)s."),
        "came": _("Came"),
        "checkedInHere": _("Checked in on this device"),
        "checkInButton": _("Check in"),
        "people": _("%(count)s people"),
        "signUpNumber": _("Sign-up no. %(number)s"),
        "noPermission": _(
            "The server did not take what waits: you may no longer have the right to this in "
            "that hub. It stays on this device; ask your hub manager."
        ),
        "serverError": _("The server could not be reached or failed; trying again later."),
        "clockSkew": _(
            "This device's clock is %(minutes)s minutes off. Times of what you log may be "
            "refused: set the clock right."
        ),
        "updated": _("A new version of the app is ready."),
        "reload": _("Reload"),
        "offlineLogout": _(
            "Logging out needs the network. Names of event sign-ups were removed from this "
            "device now; log out when you are back online."
        ),
    }


@require_GET
@permission_required(Perm.VISIT_LOG)
def offline_app(request: HttpRequest) -> HttpResponse:
    form = VisitForm(initial={"channel": VisitChannel.OUTREACH}, auto_id="offline_%s")
    config = {
        "urls": {
            "data": reverse("visits:offline_data"),
            "events": reverse("events:offline_events"),
            "syncVisits": reverse("visits:offline_sync"),
            "syncAttendance": reverse("events:offline_attendance"),
            "worker": reverse("visits:offline_sw"),
            "login": reverse("account_login") + "?next=" + reverse("visits:offline"),
            "logout": reverse("account_logout"),
        },
        "scope": reverse("visits:offline"),
        "batch": MAX_BATCH_ITEMS,
        "language": get_language(),
        "timeZone": settings.TIME_ZONE,
        "strings": _strings(),
        "topics": {str(pk): str(label) for pk, label in form.fields["topics"].choices},
        "languages": {
            str(choice[0]): str(choice[1])
            for choice in form.fields["language"].choices
            if choice[0]
        },
    }
    return render(
        request,
        "visits/offline.html",
        {"form": form, "config": config, "rtl": get_language_bidi()},
    )


@require_GET
@permission_required(Perm.VISIT_LOG)
def offline_data(request: HttpRequest) -> JsonResponse:
    """Who is logged in and where they may log visits and check people in, with a fresh CSRF
    token for the sync requests (a new login rotates it)."""
    user = request.user
    hubs = [
        {
            "slug": hub.slug,
            "name": hub.name,
            "events": has_perm(request, Perm.EVENT_CHECKIN, hub),
        }
        for hub in hubs_with(request, Perm.VISIT_LOG)
    ]
    return JsonResponse(
        {
            "user": {"id": user.pk, "name": user.get_short_name()},
            "hubs": hubs,
            "csrf": get_token(request),
            "now": timezone.now().isoformat(),  # the app warns when the tablet's clock is off
        }
    )


@transaction.non_atomic_requests
@require_POST
@permission_required(Perm.VISIT_LOG)
def offline_sync(request: HttpRequest) -> JsonResponse:
    """Save a batch of visits logged on a device; one result per item (``kototori.offline``)."""
    try:
        items = batch_items(request)
    except BadBatch as error:
        return bad_batch(error)
    batch = VisitBatch(user=request.user, hubs=hubs_with(request, Perm.VISIT_LOG), items=items)
    return JsonResponse({"results": sync_each(items, batch.apply)})


@require_GET
@public
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the app's own path so that its scope is /offline/ (a script under
    /static/ could only control /static/). It holds no data; anyone may fetch it."""
    config = worker_config()
    source = _read_static(WORKER_SOURCE).decode()
    body = f"const CONFIG = {json.dumps(config)};\n{source}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # The browser checks for a new worker on every visit; never let a cache answer for it.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = config["shell"]
    return response


@require_GET
@public
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: what a tablet needs to install the app from the browser."""
    start = reverse("visits:offline")
    data = {
        "id": start,
        "name": _("Kototori offline front desk"),
        "short_name": _("Kototori desk"),
        "description": _(
            "Log anonymous visits and event attendance without network; they are sent when the "
            "network is back."
        ),
        "lang": get_language(),
        "dir": "rtl" if get_language_bidi() else "ltr",
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "orientation": "any",
        "background_color": "#f7f6f2",
        "theme_color": "#1d5c63",
        "icons": [
            {"src": static("img/offline/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("img/offline/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/offline/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/offline/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response
