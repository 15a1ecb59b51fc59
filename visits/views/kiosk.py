"""The kiosk: a tablet at the door where visitors take a ticket in their own language.

Public, behind the hub's secret token; it shows nobody else's data, only the ticket just taken.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import get_language_info
from django.views.decorators.cache import never_cache

from kototori.access import public
from kototori.models import Hub, Language
from kototori.ratelimit import rate_limit

from ..forms import KioskForm, new_key
from ..models import QueueEntry
from ..services import queue_add

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


def _kiosk_hub(token: str) -> Hub:
    if "\x00" in token:  # PostgreSQL can't even compare a text with a null character
        raise Http404
    hub = Hub.objects.filter(kiosk_token=token, kiosk_enabled=True, is_active=True).first()
    if hub is None:
        raise Http404
    return hub


def _languages() -> list[dict]:
    return [
        {
            "code": code,
            "name_local": get_language_info(code)["name_local"],
            "bidi": get_language_info(code)["bidi"],
        }
        for code in settings.VISITOR_LANGUAGES
    ]


@never_cache
@public
def kiosk(request: HttpRequest, token: str) -> HttpResponse:
    """Step one: pick a language, each shown in its own name and script."""
    hub = _kiosk_hub(token)
    return render(
        request, "visits/kiosk_start.html", {"hub": hub, "token": token, "languages": _languages()}
    )


@never_cache
@public
def kiosk_checkin(request: HttpRequest, token: str, lang: str) -> HttpResponse:
    """Step two: topics from pictograms, an optional first name, and the ticket. Everything,
    the "too many tries" page included, is in the language the visitor picked."""
    hub = _kiosk_hub(token)
    if lang not in settings.VISITOR_LANGUAGES:
        raise Http404
    with translation.override(lang):
        return _checkin(request, hub=hub, token=token, lang=lang)


@rate_limit("kiosk", "KIOSK_RATE_LIMIT")
def _checkin(request: HttpRequest, *, hub: Hub, token: str, lang: str) -> HttpResponse:
    form = KioskForm(request.POST if request.method == "POST" else None, initial={"key": new_key()})
    context = {"hub": hub, "token": token, "lang": lang, "form": form}
    if request.method != "POST":
        return render(request, "visits/kiosk_checkin.html", context)
    if not form.is_valid():
        return render(request, "visits/kiosk_checkin.html", context, status=400)
    entry, _created = queue_add(
        hub=hub,
        source=QueueEntry.Source.KIOSK,
        language=Language.objects.filter(code=lang).first(),
        topics=form.cleaned_data["topics"],
        first_name=form.cleaned_data["first_name"],
        idempotency_key=form.cleaned_data["key"] or None,
    )
    ahead = QueueEntry.objects.today(hub).waiting().filter(number__lt=entry.number).count()
    return render(request, "visits/kiosk_ticket.html", {**context, "entry": entry, "ahead": ahead})
