"""Event translations as a reviewer sees them, and whether a visitor reads a draft.

An event's title, summary and description are translated per language (modeltranslation fields).
A translation is approved when a reviewer approved exactly the texts the event has now, against
exactly the Finnish source it has now; any edit by a coordinator, to the translation or to the
Finnish, makes it a draft again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from events.models import TRANSLATED_FIELDS

from .catalogue import State
from .languages import SOURCE_LANGUAGE
from .models import EventTranslationReview, ReviewStatus

if TYPE_CHECKING:
    from events.models import Event


def event_texts(event: Event, language: str) -> dict[str, str]:
    """The event's own texts in ``language`` (no fallback), by field."""
    return {
        field: getattr(event, build_localized_fieldname(field, language)) or ""
        for field in TRANSLATED_FIELDS
    }


def review_of(event: Event, language: str) -> EventTranslationReview | None:
    """The event's review in ``language``; reads ``translation_reviews`` through the related manager,
    so a list that prefetched them costs no query per event."""
    return next((r for r in event.translation_reviews.all() if r.language == language), None)


def event_state(event: Event, language: str, review: EventTranslationReview | None) -> State:
    texts = event_texts(event, language)
    if not any(texts.values()):
        return State.MISSING
    if review is None:
        return State.DRAFT
    if review.status == ReviewStatus.APPROVED:
        if review.text == texts and review.source == event_texts(event, SOURCE_LANGUAGE):
            return State.APPROVED
        return State.CHANGED
    return State.DRAFT


@dataclass
class EventRow:
    event: Event
    language: str
    review: EventTranslationReview | None
    state: State

    @property
    def source(self) -> dict[str, str]:
        return event_texts(self.event, SOURCE_LANGUAGE)

    @property
    def texts(self) -> dict[str, str]:
        return event_texts(self.event, self.language)


def event_row(event: Event, language: str) -> EventRow:
    review = review_of(event, language)
    return EventRow(event, language, review, event_state(event, language, review))


def shows_draft(event: Event, fields: tuple[str, ...] = TRANSLATED_FIELDS) -> bool:
    """Whether a visitor reading the page's language sees any of ``fields`` in an unapproved
    translation (text shown in the Finnish source or a fallback language is not a draft)."""
    language = get_language() or SOURCE_LANGUAGE
    if language == SOURCE_LANGUAGE:
        return False
    own = event_texts(event, language)
    if not any(own.get(field) for field in fields):
        return False
    return event_state(event, language, review_of(event, language)) != State.APPROVED
