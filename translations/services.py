"""Writes of the translation review: a reviewer's approval or correction, one text at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from events.models import TRANSLATED_FIELDS, Event, calendar_bump

from .events import event_texts
from .languages import SOURCE_LANGUAGE, review_languages
from .models import EventTranslationReview, ReviewStatus, StringReview

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kototori.models import Membership, User

    from .catalogue import StringRow


class TextChanged(Exception):
    """The text changed after the reviewer opened it: what they approved is not what is there."""


@transaction.atomic
def string_review_save(
    *,
    language: str,
    row: StringRow,
    text: list[str],
    seen: list[str],
    approve: bool,
    reviewer: User,
) -> StringReview:
    """Record a reviewer's word on one catalogue string: approved as it stands, approved with a
    correction, or a correction kept as a draft. The catalogue text it was given for is stored with
    it, so a later change to the catalogue makes the string a draft again. Only an approved text is
    exported; one review per string and language, the last word counts. ``seen`` is the catalogue
    text the reviewer had in front of them (``TextChanged`` if a deployment changed it since)."""
    if row.current != seen:
        raise TextChanged
    review, _created = StringReview.objects.update_or_create(
        language=language,
        key=row.key,
        defaults={
            "msgctxt": row.msgctxt or "",
            "msgid": row.msgid,
            "msgid_plural": row.msgid_plural,
            "catalogue_text": row.current,
            "text": text,
            "status": ReviewStatus.APPROVED if approve else ReviewStatus.DRAFT,
            "reviewer": reviewer,
            "reviewed_at": timezone.now(),
        },
    )
    return review


@transaction.atomic
def event_translation_review(
    *,
    event: Event,
    language: str,
    texts: dict[str, str],
    seen: dict[str, str],
    approve: bool,
    reviewer: User,
) -> EventTranslationReview:
    """Save a reviewer's corrections to an event's texts in ``language`` and approve them or leave
    them a draft. ``seen`` is the texts (this language and the Finnish source) the reviewer had in
    front of them: if a coordinator changed either in the meantime, nothing is saved
    (``TextChanged``), so an approval always covers the text it was given for."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    now_there = {
        "text": event_texts(locked, language),
        "source": event_texts(locked, SOURCE_LANGUAGE),
    }
    if now_there != seen:
        raise TextChanged
    changed = []
    for field in TRANSLATED_FIELDS:
        name = build_localized_fieldname(field, language)
        if (getattr(locked, name) or "") != texts[field]:
            setattr(locked, name, texts[field])
            changed.append(name)
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    review, _created = EventTranslationReview.objects.update_or_create(
        event=locked,
        language=language,
        defaults={
            "status": ReviewStatus.APPROVED if approve else ReviewStatus.DRAFT,
            "text": event_texts(locked, language),
            "source": now_there["source"],
            "reviewer": reviewer,
            "reviewed_at": timezone.now(),
        },
    )
    # The public pages are cached per calendar version: show the mark's change at once.
    calendar_bump(locked.hub_id)
    return review


def reviewer_languages_set(*, membership: Membership, languages: Iterable[str]) -> Membership:
    """The languages a reviewer checks in the membership's hub (kept in settings order; codes that
    are not reviewable are dropped). Takes effect on the reviewer's next request."""
    wanted = set(languages)
    membership.review_languages = [code for code, _name in review_languages() if code in wanted]
    membership.save(update_fields=["review_languages"])
    return membership
