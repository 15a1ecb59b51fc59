"""Visits and what follows from them. Cases are shared with ``advisors/``, which runs the pool."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kototori.models import Hub, Language, Topic


class Urgency(models.TextChoices):
    LOW = "low", _("Can wait")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Urgent")


class CaseQuerySet(models.QuerySet["Case"]):
    def in_pool(self) -> CaseQuerySet:
        return self.filter(status=Case.Status.OPEN)

    def active(self) -> CaseQuerySet:
        return self.exclude(status=Case.Status.CLOSED)

    def claimed_by(self, user) -> CaseQuerySet:
        return self.filter(claimed_by=user).exclude(status=Case.Status.CLOSED)


class Case(models.Model):
    """A follow-up need opened from a visit. It waits in the hub's pool until an advisor claims it.

    Holds no contact data: the summary is short and non-sensitive. Who the visitor is lives in the
    consented visitor record, which only the claiming advisor and the hub's professionals may open.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("In the pool")
        CLAIMED = "claimed", _("Claimed")
        ESCALATED = "escalated", _("Escalated to a professional")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        REFERRED = "referred", _("Referred to a service")
        PROFESSIONAL = "professional", _("Handed to a professional")
        NO_CONTACT = "no_contact", _("Could not reach the visitor")
        WITHDRAWN = "withdrawn", _("Visitor no longer needs help")
        OTHER = "other", _("Other")

    hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, related_name="cases", verbose_name=_("hub")
    )
    topics = models.ManyToManyField(Topic, related_name="cases", verbose_name=_("topics"))
    languages = models.ManyToManyField(
        Language, blank=True, related_name="cases", verbose_name=_("languages needed")
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("Short and non-sensitive: what help is needed, no names or health details."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claimed_cases",
        verbose_name=_("claimed by"),
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    first_claimed_at = models.DateTimeField(_("first claimed"), null=True, blank=True)
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalation_reason = models.CharField(_("reason for escalation"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["hub", "status", "created_at"], name="case_pool_idx")]

    def __str__(self) -> str:
        return _("Case %(number)s") % {"number": self.pk}

    @property
    def needs_professional(self) -> bool:
        """Any topic beyond a volunteer's scope (child welfare, legal proceedings, health crises…)."""
        return any(topic.needs_professional for topic in self.topics.all())


class CaseNote(models.Model):
    """The case timeline: notes, and the moves (claim, release, transfer, escalation, closing)."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        OPENED = "opened", _("Opened")
        CLAIMED = "claimed", _("Claimed")
        RELEASED = "released", _("Released to the pool")
        TRANSFERRED = "transferred", _("Transferred")
        ESCALATED = "escalated", _("Escalated")
        RETURNED = "returned", _("Returned to the pool (no activity)")
        CLOSED = "closed", _("Closed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d}"
