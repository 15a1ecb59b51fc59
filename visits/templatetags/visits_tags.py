"""Template helpers of the front desk: inline pictograms (so they take the text colour)."""

from __future__ import annotations

import re
from functools import cache

from django import template
from django.contrib.staticfiles import finders
from django.utils.safestring import mark_safe

register = template.Library()

_SAFE_KEY = re.compile(r"^[a-z0-9_-]+$")


@cache
def _svg(key: str) -> str:
    if not _SAFE_KEY.match(key):
        key = "dots"
    path = finders.find(f"img/pictograms/{key}.svg") or finders.find("img/pictograms/dots.svg")
    if not path:
        return ""
    with open(path, encoding="utf-8") as handle:
        svg = handle.read()
    # Decorative next to the visible text: hide from screen readers.
    svg = svg.replace(' role="img"', "", 1)
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" class="pictogram" ', 1)


@register.simple_tag
def pictogram(key: str) -> str:
    return mark_safe(_svg(key or "dots"))  # our own static files


@register.filter
def minutes(delta) -> str:
    if delta is None:
        return "—"
    return str(int(delta.total_seconds() // 60))
