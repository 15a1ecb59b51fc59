"""Review records: a reviewer's word on a visitor-language text, per language.

Nothing here copies the texts' home: catalogue strings live in ``locale/<lang>/LC_MESSAGES/django.po``
and event texts in the events' translated fields. A review remembers the text it was given for, so
when that text changes afterwards (a developer edits the catalogue, a coordinator edits the event) the
review no longer matches and the text is a draft again, without anyone having to remember to reset it.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


def string_key(msgctxt: str | None, msgid: str, msgid_plural: str = "") -> str:
    """A fixed-length key for a catalogue entry (a msgid may be a long paragraph)."""
    raw = f"{msgctxt or ''}\x04{msgid}\x00{msgid_plural}"
    return hashlib.sha256(raw.encode()).hexdigest()


class StringReviewQuerySet(models.QuerySet["StringReview"]):
    def for_language(self, language: str) -> StringReviewQuerySet:
        return self.filter(language=language)


class StringReview(models.Model):
    """One catalogue string (UI text) in one language. Deployment-wide: the catalogue is shared by
    every hub. ``text`` is what the export writes once the status is approved."""

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    key = models.CharField(_("key"), max_length=64)
    msgctxt = models.TextField(_("context"), blank=True)
    msgid = models.TextField(_("English original"))
    msgid_plural = models.TextField(_("English plural"), blank=True)
    # The catalogue's own text (one item per plural form) when the review was made.
    catalogue_text = models.JSONField(_("text in the catalogue when reviewed"), default=list)
    text = models.JSONField(_("approved or corrected text"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"))

    objects = StringReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("string review")
        verbose_name_plural = _("string reviews")
        constraints = [
            models.UniqueConstraint(fields=["language", "key"], name="unique_string_review"),
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.msgid[:60]}"

    def holds_for(self, current: list[str]) -> bool:
        """Whether the approval still holds for the catalogue's ``current`` text: the text it was
        given for, or the reviewed text itself once a developer has committed the export."""
        return self.status == ReviewStatus.APPROVED and current in (self.catalogue_text, self.text)


class EventTranslationReview(models.Model):
    """One event's title, summary and description in one language. Per hub, as events are."""

    event = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        related_name="translation_reviews",
        verbose_name=_("event"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    # The texts ({field: text}) approved, and the Finnish source they were checked against: a
    # change to either makes the translation a draft again.
    text = models.JSONField(_("reviewed text"), default=dict)
    source = models.JSONField(_("Finnish text when reviewed"), default=dict)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"))

    class Meta:
        verbose_name = _("event translation review")
        verbose_name_plural = _("event translation reviews")
        constraints = [
            models.UniqueConstraint(fields=["event", "language"], name="unique_event_review"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.language}: {self.status}"
