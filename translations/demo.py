"""Demo data for the translation review: the demo reviewer checks Arabic and Tigrinya; some
visitor strings are approved, the rest are drafts; in Hervanta the NGO bazaar's Arabic translation
is approved and its Tigrinya one is still a draft (its public page shows the draft mark).
Idempotent: nothing is reviewed twice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from events.models import Event
from kototori.models import Membership, Role

from .catalogue import State, visitor_rows
from .events import event_texts
from .languages import SOURCE_LANGUAGE
from .models import EventTranslationReview, ReviewStatus, StringReview

if TYPE_CHECKING:
    from kototori.management.commands.demo import DemoContext

LANGUAGES = ["ar", "ti"]
APPROVED_STRINGS = {"ar": 12, "ti": 4}
EVENT_APPROVED = ("Järjestötori", "ar")


def seed(ctx: DemoContext) -> None:
    reviewer = ctx.users.get(Role.REVIEWER.value)
    if reviewer is None:
        return
    for membership in Membership.objects.filter(user=reviewer, role=Role.REVIEWER):
        if not membership.review_languages:
            membership.review_languages = LANGUAGES
            membership.save(update_fields=["review_languages"])
    now = timezone.now()
    for language, count in APPROVED_STRINGS.items():
        if StringReview.objects.filter(language=language).exists():
            continue
        rows = [row for row in visitor_rows(language) if row.state == State.DRAFT][:count]
        StringReview.objects.bulk_create(
            StringReview(
                language=language,
                key=row.key,
                msgctxt=row.msgctxt or "",
                msgid=row.msgid,
                msgid_plural=row.msgid_plural,
                catalogue_text=row.current,
                text=row.current,
                status=ReviewStatus.APPROVED,
                reviewer=reviewer,
                reviewed_at=now,
            )
            for row in rows
        )
    title, language = EVENT_APPROVED
    event = Event.objects.filter(hub__slug="hervanta", title_fi=title).first()
    if event is not None:
        EventTranslationReview.objects.get_or_create(
            event=event,
            language=language,
            defaults={
                "status": ReviewStatus.APPROVED,
                "text": event_texts(event, language),
                "source": event_texts(event, SOURCE_LANGUAGE),
                "reviewer": reviewer,
                "reviewed_at": now,
            },
        )
