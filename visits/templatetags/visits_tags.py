"""Template helpers of the front desk: inline pictograms (so they take the text colour)."""

from __future__ import annotations

import re
from functools import cache

from django import template
from django.contrib.staticfiles import finders
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

_SAFE_KEY = re.compile(r"^[a-z0-9_-]+$")
_TITLE = re.compile(r"<title>.*?</title>", re.S)
_OPEN_TAG = re.compile(r"<svg\b[^>]*>")


@cache
def _svg(key: str) -> str:
    if not _SAFE_KEY.match(key):
        key = "dots"
    path = finders.find(f"img/pictograms/{key}.svg") or finders.find("img/pictograms/dots.svg")
    if not path:
        return ""
    with open(path, encoding="utf-8") as handle:
        svg = handle.read()
    # Decorative next to the visible text: hide from screen readers. The file's own <title> is
    # English: a mouse user would see it as the tooltip, whatever the visitor's language.
    svg = _TITLE.sub("", svg.replace(' role="img"', "", 1))
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" class="pictogram" ', 1)


@register.simple_tag
def pictogram(key: str, title: str = "") -> str:
    """The pictogram ``key`` inline; ``title`` (the visible label, in the page's language) is its
    tooltip."""
    svg = _svg(key or "dots")  # our own static files
    if title:
        svg = _OPEN_TAG.sub(
            lambda m: f"{m.group(0)}<title>{conditional_escape(title)}</title>", svg, count=1
        )
    return mark_safe(svg)  # our own file; the title is escaped


@register.filter
def minutes(delta) -> str:
    if delta is None:
        return "—"
    return str(int(delta.total_seconds() // 60))
