"""How a visitor's page language is chosen: a ``?lang=`` in the link wins, then the language cookie,
then the browser (Django's ``LocaleMiddleware``).

Links that name a language are the ones we hand out in a language: a poster's QR code, a shared
event link, and every link in a message (``kototori.messaging.message_link``), which opens in the
language the message was written in whatever the phone's browser says. The choice is remembered in
the cookie, so the next page stays in it; the language switcher then returns to the page *without*
its ``?lang=``, or the old choice would win over the new one.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import translation

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse

LANG_PARAM = "lang"


def path_without_lang(request: HttpRequest) -> str:
    """The current path and query string, less ``?lang=``: where the language switcher returns."""
    rest = request.GET.copy()
    rest.pop(LANG_PARAM, None)
    return request.path + (f"?{rest.urlencode()}" if rest else "")


def visitor_language(view: Callable) -> Callable:
    """For pages visitors (or partners) open from a link: ``?lang=xx`` chooses the page language and
    is remembered in the language cookie; without it the cookie or the browser decides."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        code = request.GET.get(LANG_PARAM, "")
        chosen = code in dict(settings.LANGUAGES)
        if chosen:
            translation.activate(code)
            request.LANGUAGE_CODE = code
            # Read by includes/language_switcher.html.
            request.language_next_path = path_without_lang(request)  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        if chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                code,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=request.is_secure(),
            )
        return response

    return wrapped
