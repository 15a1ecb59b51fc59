"""Which languages are reviewed, and which ones a given person reviews."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from kototori.access import Perm, roles_with
from kototori.access import memberships as active_memberships

if TYPE_CHECKING:
    from django.http import HttpRequest

# Coordinators write events in Finnish, and Finnish is what a reviewer reads beside the draft.
SOURCE_LANGUAGE = "fi"
# The catalogues' msgids are English: there is no English catalogue text to review.
MSGID_LANGUAGE = "en"


def review_languages() -> list[tuple[str, str]]:
    """(code, name) of every language a text can be reviewed in: all but the source."""
    return [(code, name) for code, name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def catalogue_languages() -> list[str]:
    return [code for code, _name in review_languages() if code != MSGID_LANGUAGE]


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def languages_of(request: HttpRequest, hub_id: int | None = None) -> list[str]:
    """The languages the user reviews (in ``hub_id``, or in any of their hubs), in settings order.
    Only an active reviewer membership counts: a removed role stops working on the next request."""
    allowed = roles_with(Perm.TRANSLATION_REVIEW)
    codes: set[str] = set()
    for membership in active_memberships(request):
        if membership.role in allowed and (hub_id is None or membership.hub_id == hub_id):
            codes.update(membership.review_languages or [])
    return [code for code, _name in review_languages() if code in codes]
