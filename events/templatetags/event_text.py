"""Marking the parts of an event shown in another language than the page's.

An event's title, summary and description fall back to Finnish (then English) when the visitor's
language has no translation yet (modeltranslation). Such a part carries its own ``lang`` and ``dir``
(screen readers switch voice, a Finnish sentence inside an Arabic page runs left to right), and the
page says, in the visitor's language, that the event is not yet translated. A translation no
reviewer has approved yet (``translations.events``) is shown, marked as a draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info

from translations.events import shows_draft

from ..models import TRANSLATED_FIELDS

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

    from ..models import Event

register = template.Library()


def _fallback(event: Event, field: str) -> str | None:
    """The language ``field`` is shown in, when it is not the page's; else None."""
    current = get_language()
    shown = event.text_language(field, current)
    return shown if shown != current else None


@register.simple_tag
def lang_attrs(event: Event, field: str) -> SafeString | str:
    """`` lang="fi" dir="ltr"`` for an element holding ``field`` shown in a fallback language."""
    shown = _fallback(event, field)
    if shown is None:
        return ""
    bidi = get_language_info(shown)["bidi"]
    return format_html(' lang="{}" dir="{}"', shown, "rtl" if bidi else "ltr")


@register.inclusion_tag("events/public/_fallback.html")
def untranslated_note(event: Event, *fields: str) -> dict:
    """A short note, in the page's language, when any of ``fields`` (all translated fields when
    none are named) is shown in another language, or in a translation not yet approved."""
    fields = fields or TRANSLATED_FIELDS
    missing = any(_fallback(event, field) for field in fields)
    current = get_language()
    return {
        "untranslated_into": get_language_info(current)["name_local"] if missing else None,
        "draft": shows_draft(event, fields),
    }
