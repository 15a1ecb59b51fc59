"""The feedback faces as inline SVG, not emoji: an emoji is drawn by the device's fonts, and a
phone or tablet without a colour-emoji font showed the 'not good' face as an empty box."""

from __future__ import annotations

from functools import cache

from django import template
from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe

from ..models import Feedback

register = template.Library()

FACES = {
    Feedback.Score.HAPPY: "good",
    Feedback.Score.NEUTRAL: "okay",
    Feedback.Score.SAD: "not-good",
}


@cache
def _svg(name: str) -> str:
    path = finders.find(f"img/smileys/{name}.svg")
    if not path:
        return ""
    with open(path, encoding="utf-8") as handle:
        svg = handle.read().strip()
    # Decorative: the face always stands next to its name in the visitor's language.
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" class="smiley" ', 1)


@register.simple_tag
def smiley(score: int | str) -> SafeString:
    """``{% smiley 3 %}`` → the face for a score of 1 (not good) to 3 (good)."""
    try:
        name = FACES[Feedback.Score(int(score))]
    except (TypeError, ValueError):
        return mark_safe("")
    return mark_safe(_svg(name))  # our own static files
