"""``{{ name|bdi }}``: a name typed by a person, isolated from the text around it."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kototori.text import strip_bidi_controls

register = template.Library()


@register.filter(is_safe=True)
def bdi(value: object) -> SafeString | str:
    """``<bdi>name</bdi>``: the name takes its own direction (Arabic reads right to left inside a
    Finnish sentence) and cannot reorder the rest of the line. Explicit direction controls are
    left out as well, so a name with an unclosed override reads as typed, letter by letter.
    Empty values stay empty, so ``|default`` still works after it."""
    if value is None or value == "":
        return ""
    return mark_safe(f"<bdi>{escape(strip_bidi_controls(str(value)))}</bdi>")  # escaped above


@register.filter
def strip_bidi(value: object) -> str:
    """The name without explicit direction controls, where markup can't go: a page's
    ``<title>``, an ``<option>``, an attribute."""
    return "" if value is None else strip_bidi_controls(str(value))
