"""Text typed by people, made safe to show among other text.

A name can carry Unicode's explicit direction controls: embeddings and overrides (U+202A–U+202E)
and isolates (U+2066–U+2069). Shown inline, an unclosed right-to-left override (U+202E) reverses
everything after it on the line: the name of the next visitor in the queue, the ticket number,
the staff member's name. Pages isolate names (``|bdi``); forms keep the controls out of names.
The implicit marks (U+200E, U+200F, U+061C) stay: right-to-left names use them legitimately and
they can't reach beyond an isolated name.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def strip_bidi_controls(text: str) -> str:
    """``text`` without explicit direction controls, for what visitors type: they can neither see
    the invisible characters nor remove them when told."""
    return BIDI_CONTROLS.sub("", text)


def refuse_bidi_controls(value: str) -> None:
    """A form validator for names staff type: refused with a message rather than silently
    changed, so that an accepted name is stored exactly as typed."""
    if isinstance(value, str) and BIDI_CONTROLS.search(value):
        raise ValidationError(
            _(
                "This contains hidden characters that change the direction of the text, so the "
                "name would read differently on screen. Please type it again."
            ),
            code="bidi_controls",
        )
