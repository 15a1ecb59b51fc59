"""Events: what a hub publishes, who signs up, who came, and what they thought of it."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname, resolution_order

from kototori.models import Hub, Language, PartnerOrganisation

TRANSLATED_FIELDS = ("title", "summary", "description")


class Kind(models.TextChoices):
    COMMUNITY = "community", _("Community event")
    TRAINING = "training", _("Training")
    EXCURSION = "excursion", _("Excursion")
    CAFE = "cafe", _("Café")
    LANGUAGE_CAFE = "language_cafe", _("Language café")
    COOKING = "cooking", _("Cooking group")
    LEARNING_CAFE = "learning_cafe", _("Learning café for professionals")
    SEMINAR = "seminar", _("Seminar")
    NGO_BAZAAR = "ngo_bazaar", _("NGO bazaar")
    HOUSING_INFO = "housing_info", _("Housing info")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    NEWCOMERS = "newcomers", _("Newcomers")
    PROFESSIONALS = "professionals", _("Professionals")
    ADVISORS = "advisors", _("Advisors only")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


def calendar_version(hub_id: int) -> int:
    """A number that changes whenever anything shown on the hub's public calendar changes; part of
    every cache key of the public pages, so a bump invalidates them all at once."""
    return cache.get_or_set(f"events:calendar-version:{hub_id}", 1, timeout=None)


def calendar_bump(hub_id: int) -> None:
    """Invalidate the hub's public pages once the change is committed (before the commit, a
    concurrent request would cache the old rows under the new version)."""

    def bump() -> None:
        key = f"events:calendar-version:{hub_id}"
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 2, timeout=None)

    transaction.on_commit(bump)


class EventQuerySet(models.QuerySet["Event"]):
    def published(self) -> EventQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def public(self) -> EventQuerySet:
        """What the public calendar may show: published or cancelled, never advisors-only."""
        return self.filter(status__in=[Status.PUBLISHED, Status.CANCELLED]).exclude(
            audience=Audience.ADVISORS
        )

    def upcoming(self, now=None) -> EventQuerySet:
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None) -> EventQuerySet:
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")

    def with_counts(self) -> EventQuerySet:
        """Annotate places taken, people waiting, and attendance, in one query."""
        confirmed = Q(registrations__status=Registration.Status.CONFIRMED)
        return self.annotate(
            places_taken=Coalesce(Sum("registrations__party_size", filter=confirmed), 0),
            waiting_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITING)
            ),
            attended_count=Coalesce(
                Sum(
                    "registrations__party_size",
                    filter=confirmed & Q(registrations__attendance=Registration.Attendance.CAME),
                ),
                0,
            ),
        )


class Event(models.Model):
    hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, related_name="events", verbose_name=_("hub")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)  # translated
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences, shown in the calendar and in shared links."),
    )  # translated
    description = models.TextField(_("description"), blank=True)  # translated
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Empty means the hub itself.")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    languages = models.ManyToManyField(
        Language,
        blank=True,
        related_name="events",
        verbose_name=_("languages spoken at the event"),
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organised_events",
        verbose_name=_("organisers"),
    )
    partners = models.ManyToManyField(
        PartnerOrganisation,
        blank=True,
        related_name="events",
        verbose_name=_("co-organising partners"),
    )
    registration_required = models.BooleanField(_("registration needed"), default=True)
    training = models.ForeignKey(
        "advisors.Training",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("advisor training"),
        help_text=_("For advisor trainings: checking an advisor in records the training as done."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Head count, for events without named registrations (or on top of them: walk-ins not named).
    head_count_newcomers = models.PositiveIntegerField(_("newcomers counted"), default=0)
    head_count_residents = models.PositiveIntegerField(_("long-term residents counted"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["hub", "status", "starts_at"], name="event_calendar_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        calendar_bump(self.hub_id)

    def get_absolute_url(self) -> str:
        return reverse("events:public_event", kwargs={"hub": self.hub.slug, "pk": self.pk})

    def public_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == Status.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def accepts_registrations(self) -> bool:
        return self.is_published and self.registration_required and not self.is_past

    def places_taken_now(self) -> int:
        return (
            self.registrations.filter(status=Registration.Status.CONFIRMED).aggregate(
                n=Sum("party_size")
            )["n"]
            or 0
        )

    def places_left(self, taken: int | None = None) -> int | None:
        if self.capacity is None:
            return None
        taken = self.places_taken_now() if taken is None else taken
        return max(self.capacity - taken, 0)

    def missing_languages(self) -> list[str]:
        """Visitor languages with no title yet (the coordinator's to-do list)."""
        return [
            code
            for code, _name in settings.LANGUAGES
            if not (getattr(self, f"title_{code}", "") or "").strip()
        ]

    def text_language(self, field: str, code: str) -> str:
        """The language ``field`` (title, summary, description) is actually shown in for a visitor
        reading ``code``: modeltranslation's own fallback order, so the answer matches the text.
        A field empty in every language counts as the visitor's own (nothing is shown)."""
        for candidate in resolution_order(code):
            if getattr(self, build_localized_fieldname(field, candidate), None) not in (None, ""):
                return candidate
        return code

    def reminder_due_at(self):
        return self.starts_at - timedelta(hours=self.hub.event_reminder_hours)


class Group(models.TextChoices):
    """The two-way-integration split: who meets whom at the hub's events."""

    NEWCOMER = "newcomer", _("New in Finland")
    RESIDENT = "resident", _("Long-term resident")
    UNKNOWN = "unknown", _("Prefer not to say")


class Registration(models.Model):
    """One sign-up for an event: minimal data. Phone and e-mail are blanked 30 days after the event
    (``erase_old_contacts``); names stay for attendance until erased on request."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("Not checked")
        CAME = "came", _("Came")
        NO_SHOW = "no_show", _("Did not come")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=100)
    party_size = models.PositiveSmallIntegerField(_("number of people"), default=1)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    remind = models.BooleanField(_("send me a reminder"), default=False)
    group = models.CharField(_("I am"), max_length=10, choices=Group.choices, default=Group.UNKNOWN)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    walk_in = models.BooleanField(_("added at the door"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("staff member or advisor"),
    )
    # The hidden token of the sign-up form: a double-click submits the same token twice.
    token = models.UUIDField(_("form token"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="reg_queue_idx")]

    def __str__(self) -> str:
        return f"{self.name} · {self.event_id}"

    @property
    def channel_and_address(self) -> tuple[str, str] | None:
        from kototori.models import Channel

        if self.email:
            return Channel.EMAIL, self.email
        if self.phone:
            return Channel.SMS, self.phone
        return None


class Feedback(models.Model):
    """Anonymous: no link to a registration, no IP, only the three smiley answers."""

    class Score(models.IntegerChoices):
        SAD = 1, _("Not good")
        NEUTRAL = 2, _("OK")
        HAPPY = 3, _("Good")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("event")
    )
    enjoyed = models.PositiveSmallIntegerField(_("How did you like the event?"), choices=Score)
    met_people = models.PositiveSmallIntegerField(_("Did you meet new people?"), choices=Score)
    come_again = models.PositiveSmallIntegerField(
        _("Would you come to an event like this again?"), choices=Score
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    token = models.UUIDField(_("form token"), unique=True, editable=False, default=uuid.uuid4)
    created_at = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    enjoyed__range=(1, 3), met_people__range=(1, 3), come_again__range=(1, 3)
                ),
                name="feedback_scores_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.enjoyed}/{self.met_people}/{self.come_again}"


QUESTIONS = ("enjoyed", "met_people", "come_again")


class SyncedAttendance(models.Model):
    """Attendance recorded on a device, often offline at an outreach pop-up, and sent later: a
    named check-in or a head count to add. The device makes the key, so a batch sent twice (or
    from two tabs) records each check-in or count once."""

    class Kind(models.TextChoices):
        CHECK_IN = "check_in", _("Named check-in")
        HEAD_COUNT = "head_count", _("Head count")

    key = models.UUIDField(_("device key"), unique=True, editable=False)
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="synced_attendance", verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registration"),
    )
    newcomers = models.PositiveIntegerField(_("newcomers counted"), default=0)
    residents = models.PositiveIntegerField(_("long-term residents counted"), default=0)
    recorded_at = models.DateTimeField(_("recorded on the device"))
    synced_at = models.DateTimeField(_("sent"), default=timezone.now)
    synced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("attendance sent from a device")
        verbose_name_plural = _("attendance sent from devices")
        ordering = ["synced_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.event_id}"
